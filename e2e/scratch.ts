// Purpose-made images pushed into the bed's scratch registry (bed.scratch: token mode, deletion on,
// empty at start), so tests that delete or compare never touch what other tests count.
import { randomBytes } from 'node:crypto';
import type { BedRegistry } from './fixtures/bed-state';
import { addImage, addIndex, OciLayout, pushLayoutOverHttp, type BuiltImage, type ImageSpec, type Platform } from './fixtures/oci-layout';
import { RegistryHttpClient } from './fixtures/registry-client';

/** A word unique to this run: in an image, it makes digests no earlier run has pushed. */
export const nonce = () => randomBytes(6).toString('hex');

export interface Pushed {
  repo: string;
  digest: string;
  mediaType: string;
  tags: string[];
}

function adminClient(reg: BedRegistry): RegistryHttpClient {
  return new RegistryHttpClient(reg.url, reg.admin);
}

/** Pushes `layout`'s manifest tagged `tags[0]` with everything it needs, then puts the same bytes under the other tags. */
async function pushTagged(reg: BedRegistry, repo: string, layout: OciLayout, tags: string[]): Promise<Pushed> {
  const [first, ...others] = tags;
  if (first === undefined) throw new Error('push: name at least one tag');
  const client = adminClient(reg);
  const desc = await pushLayoutOverHttp(reg.url, repo, first, layout, reg.admin, client);
  const bytes = layout.blob(desc.digest);
  for (let i = 0; i < others.length; i += 16) {
    await Promise.all(others.slice(i, i + 16).map((tag) => client.putManifest(repo, tag, desc.mediaType, bytes)));
  }
  return { repo, digest: desc.digest, mediaType: desc.mediaType, tags };
}

/** One linux/amd64 image under `tags`; `spec` changes what it holds (name, layers, config…). */
export async function pushImage(
  reg: BedRegistry,
  repo: string,
  tags: string[],
  spec: Partial<ImageSpec> & { name: string },
): Promise<Pushed & { image: BuiltImage }> {
  const layout = new OciLayout();
  const image = addImage(layout, { platform: { os: 'linux', architecture: 'amd64' }, ...spec });
  layout.tag(image.manifest, tags[0] ?? 'latest');
  return { ...(await pushTagged(reg, repo, layout, tags)), image };
}

/** An OCI index of one image per platform, each made by `spec(platform)`. */
export async function pushIndex(
  reg: BedRegistry,
  repo: string,
  tags: string[],
  platforms: Platform[],
  spec: (platform: Platform) => Partial<ImageSpec> & { name: string },
): Promise<Pushed & { images: BuiltImage[] }> {
  const layout = new OciLayout();
  const images = platforms.map((platform) => addImage(layout, { ...spec(platform), platform }));
  const index = addIndex(
    layout,
    images.map((i) => i.manifest),
  );
  layout.tag(index, tags[0] ?? 'latest');
  return { ...(await pushTagged(reg, repo, layout, tags)), images };
}

/** Whether the registry still holds a manifest (asked as the bed's admin, not through Berth). */
export async function manifestExists(reg: BedRegistry, repo: string, reference: string): Promise<boolean> {
  const res = await adminClient(reg).request('HEAD', `/v2/${repo}/manifests/${reference}`, {
    scopes: [`repository:${repo}:pull`],
    headers: { accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json' },
  });
  return res.status === 200;
}

/**
 * Puts the manifest of `repo:from` again under `to`, written the way Docker writes manifests
 * (indented by three spaces, with a final newline): the same document in other bytes, so another
 * digest. Answers the bytes and their digest.
 */
export async function pushRespaced(reg: BedRegistry, repo: string, from: string, to: string): Promise<{ digest: string; text: string }> {
  const client = adminClient(reg);
  const got = await client.request('GET', `/v2/${repo}/manifests/${from}`, {
    scopes: [`repository:${repo}:pull`],
    headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
  });
  const parsed = JSON.parse(Buffer.from(got.body).toString('utf8')) as { mediaType: string };
  const text = `${JSON.stringify(parsed, null, 3)}\n`;
  const digest = await client.putManifest(repo, to, parsed.mediaType, Buffer.from(text, 'utf8'));
  return { digest, text };
}

/** Puts the manifest `digest` of `repo` under `tag` too, byte for byte (a tag moved onto it). */
export async function moveTag(reg: BedRegistry, repo: string, digest: string, tag: string): Promise<void> {
  const client = adminClient(reg);
  const got = await client.request('GET', `/v2/${repo}/manifests/${digest}`, {
    scopes: [`repository:${repo}:pull`],
    headers: { accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json' },
  });
  await client.putManifest(repo, tag, got.headers.get('content-type') ?? 'application/vnd.oci.image.manifest.v1+json', got.body);
}
