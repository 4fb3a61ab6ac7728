// Referrers of a digest (signatures, SBOMs, attestations): the OCI referrers API, falling back to
// the referrers tag schema (`sha256-<hex>`) where a registry has no such API (distribution-spec
// "Referrers").
import { RegistryError, parseErrorBody } from '../errors';
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

/**
 * How long a registry without a referrers API is not asked for it again: an upgrade that adds one
 * shows within this time; until then its referrers tag is read, which such a registry answers.
 */
const NO_REFERRERS_API_TTL_MS = 10 * 60_000;

/**
 * Whether an answer to the referrers API says the registry has no such API: a 405, or a 404 that
 * is not a registry's error document (distribution answers unknown routes "404 page not found"
 * in plain text). A 404 with a registry error (NAME_UNKNOWN…) is an API speaking about this
 * repository, and says nothing of the next one.
 */
function saysNoApi(res: { status: number; body: Buffer }): boolean {
  if (res.status === 405) return true;
  return res.status === 404 && parseErrorBody(res.body).length === 0;
}

export async function getReferrers(c: Connection, repository: string, digest: string, artifactType?: string): Promise<Referrers> {
  validateRepository(repository);
  validateDigest(digest);
  const filter = (list: Descriptor[]) => (artifactType ? list.filter((d) => d.artifactType === artifactType) : list);
  const origin = c.baseUrl.origin;
  if (!c.context.withoutReferrersApi.get(origin)) {
    const url = registryUrl(c, `/v2/${repository}/referrers/${digest}`, { artifactType });
    const res = await c.auth.send({ url, scopes: [repositoryScope(repository)], accept: MediaType.OciIndex, maxBytes: MAX_MANIFEST_BYTES });
    const type = (res.headers.get('content-type') ?? '').split(';')[0]?.trim();
    if (res.status === 200 && type === MediaType.OciIndex) {
      const parsed = parseManifest(res.body, type, c.host);
      if (parsed.kind === 'index') return { referrers: filter(parsed.manifest.manifests), source: 'api' };
    }
    if (res.status !== 200 && res.status !== 404 && res.status !== 400 && res.status !== 405) throw failure(c, res, { repository, reference: digest });
    if (saysNoApi(res)) c.context.withoutReferrersApi.set(origin, true, NO_REFERRERS_API_TTL_MS, origin.length);
  }
  return fromReferrersTag(c, repository, digest, filter);
}

/** OCI distribution-spec "Referrers Tag Schema": <alg>-<ref>, alg ≤ 32 and ref ≤ 64 characters. */
async function fromReferrersTag(c: Connection, repository: string, digest: string, filter: (list: Descriptor[]) => Descriptor[]): Promise<Referrers> {
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
