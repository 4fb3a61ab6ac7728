// Referrers of a digest (signatures, SBOMs, attestations): the OCI referrers API, falling back to
// the referrers tag schema (`sha256-<hex>`) where a registry has no such API (distribution-spec
// "Referrers").
import { RegistryError } from '../errors';
import { MediaType, parseManifest, type Descriptor } from '../manifest';
import { validateDigest, validateRepository } from '../reference';
import { repositoryScope } from '../scope';
import { registryUrl, type Connection } from './connection';
import { MAX_MANIFEST_BYTES, getManifest } from './manifests';
import { failure } from './pull-limit';

export interface Referrers {
  referrers: Descriptor[];
  source: 'api' | 'tag' | 'none';
}

export async function getReferrers(c: Connection, repository: string, digest: string, artifactType?: string): Promise<Referrers> {
  validateRepository(repository);
  validateDigest(digest);
  const filter = (list: Descriptor[]) => (artifactType ? list.filter((d) => d.artifactType === artifactType) : list);
  const url = registryUrl(c, `/v2/${repository}/referrers/${digest}`, { artifactType });
  const res = await c.auth.send({ url, scopes: [repositoryScope(repository)], accept: MediaType.OciIndex, maxBytes: MAX_MANIFEST_BYTES });
  const type = (res.headers.get('content-type') ?? '').split(';')[0]?.trim();
  if (res.status === 200 && type === MediaType.OciIndex) {
    const parsed = parseManifest(res.body, type, c.host);
    if (parsed.kind === 'index') return { referrers: filter(parsed.manifest.manifests), source: 'api' };
  }
  if (res.status !== 200 && res.status !== 404 && res.status !== 400 && res.status !== 405) throw failure(c, res, { repository, reference: digest });
  // OCI distribution-spec "Referrers Tag Schema": <alg>-<ref>, alg ≤ 32 and ref ≤ 64 characters.
  const [alg = '', encoded = ''] = digest.split(':');
  const fallbackTag = `${alg.slice(0, 32)}-${encoded.slice(0, 64)}`;
  try {
    const m = await getManifest(c, repository, fallbackTag);
    if (m.parsed.kind === 'index') return { referrers: filter(m.parsed.manifest.manifests), source: 'tag' };
    return { referrers: [], source: 'none' };
  } catch (e) {
    if (e instanceof RegistryError && (e.code === 'MANIFEST_UNKNOWN' || e.code === 'NAME_UNKNOWN' || e.upstreamStatus === 404)) {
      return { referrers: [], source: 'none' };
    }
    throw e;
  }
}
