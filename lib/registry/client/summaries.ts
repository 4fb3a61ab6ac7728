// Summaries for the rows of a tag list and of an index: what a tag points at (one HEAD, trusted
// for a few seconds per connection), and what a digest is (kind, compressed size, created,
// platforms), kept for everyone but served only to a connection the registry lets read the
// repository. An index reads its platform images side by side, none where every read is a pull.
import { RegistryError } from '../errors';
import { INDEX_TYPES, attestationTarget, parseImageConfig, type ImageConfig } from '../manifest';
import { validateDigest, validateRepository, validateTag } from '../reference';
import { MAX_LISTED_PLATFORMS, artifactTypeOf, holdsStatementsOnly, summariseImage, summariseIndex, summariseLegacy, type ManifestSummary } from '../summary';
import { getBlob } from './blobs';
import { CONTENT_TTL_MS, accessKey, confirmed, contentKey, type Connection } from './connection';
import { getManifest, headManifest, type FetchedManifest } from './manifests';

/** An index's platform images read for its summary (the ones it lists): the rest are counted as not read. */
export const MAX_SUMMARISED_CHILDREN = MAX_LISTED_PLATFORMS;
/** How long a tag list row trusts what its tag pointed at: a tag moved since shows its old details that long. */
const TAG_DIGEST_TTL_MS = 30_000;

/**
 * What a tag points at, summarised: one HEAD for the digest (shared by this connection's
 * concurrent asks, and trusted for TAG_DIGEST_TTL_MS), the rest by digest from the caches.
 * `fresh` asks the registry whatever was known (finding the tags a delete takes with it: a tag
 * moved onto the digest seconds ago must be named), and keeps the answer for the rows.
 */
export async function describeTag(
  c: Connection,
  repository: string,
  tag: string,
  options: { fresh?: boolean; pulls?: boolean } = {},
): Promise<ManifestSummary> {
  validateRepository(repository);
  validateTag(tag);
  const key = `${accessKey(c, repository)}|${tag}`;
  const known = options.fresh ? undefined : c.context.tagDigests.get(key);
  if (known !== undefined) return describeDigest(c, repository, known);
  const digest = await c.context.once(
    `tag|${options.fresh ? 'fresh|' : ''}${key}`,
    async () => {
      const head = await headManifest(c, repository, tag);
      c.context.tagDigests.set(key, head.digest, TAG_DIGEST_TTL_MS, head.digest.length);
      return head.digest;
    },
    // The key is this connection's: its failures are its own too.
    { signal: c.signal, shareFailures: true },
  );
  return describeDigest(c, repository, digest, options);
}

/**
 * A manifest by digest, summarised (kind, compressed size, created, platforms). Digest-addressed,
 * so cached for everyone, but served only to a connection the registry recently let read the
 * repository.
 */
export async function describeDigest(c: Connection, repository: string, digest: string, options: { pulls?: boolean } = {}): Promise<ManifestSummary> {
  validateRepository(repository);
  validateDigest(digest);
  const key = contentKey(c, repository, digest);
  if (c.traits.readsArePulls && !options.pulls && c.context.content.get(key) === undefined) {
    // Reading it would be a pull from the person's limit (or the server's, anonymously).
    throw new RegistryError({
      code: 'COSTS_A_PULL',
      host: c.host,
      message: `Reading ${digest.slice(0, 19)}… from ${c.host} counts as a pull against its pull limit, so Berth reads it only when you ask: open it, or load the details on its page.`,
    });
  }
  const compute = async () => {
    const summary = await summarise(c, repository, await getManifest(c, repository, digest));
    c.context.summaries.set(key, summary, CONTENT_TTL_MS, JSON.stringify(summary).length);
    return summary;
  };
  if (!confirmed(c, repository)) return compute(); // getManifest asks the registry first
  // Confirmed: the cached summary, or the one being computed right now for anyone.
  return c.context.summaries.get(key) ?? c.context.once(`summary|${key}`, compute, { signal: c.signal });
}

async function summarise(c: Connection, repository: string, m: FetchedManifest): Promise<ManifestSummary> {
  const parsed = m.parsed;
  if (parsed.kind === 'legacy') return summariseLegacy(m.digest, parsed);
  if (parsed.kind === 'image') {
    const readConfig = artifactTypeOf(parsed) === undefined && !holdsStatementsOnly(parsed);
    const config = readConfig ? await imageConfig(c, repository, parsed.manifest.config.digest) : undefined;
    return summariseImage(m.digest, parsed, config);
  }
  // An index: each platform image by digest, side by side (the limiter bounds the fan-out), the
  // first MAX_SUMMARISED_CHILDREN of them; none where every read is a pull (the person asks for those).
  const children = new Map<string, ManifestSummary>();
  const images = parsed.manifest.manifests.filter((d) => attestationTarget(d) === undefined && !INDEX_TYPES.has(d.mediaType));
  const read = c.traits.readsArePulls ? [] : images.slice(0, MAX_SUMMARISED_CHILDREN);
  await Promise.all(
    read.map(async (d) => {
      try {
        children.set(d.digest, await describeDigest(c, repository, d.digest));
      } catch (e) {
        if (!(e instanceof RegistryError) || e.code === 'CANCELLED') throw e; // a child that cannot be read leaves its row without size
      }
    }),
  );
  return summariseIndex(m.digest, parsed, children, images.length - read.length);
}

/** An image config, or undefined when it cannot be read (the summary then has no date). */
async function imageConfig(c: Connection, repository: string, digest: string): Promise<ImageConfig | undefined> {
  try {
    return parseImageConfig(await getBlob(c, repository, digest), c.host);
  } catch (e) {
    // A person who left is no reason for a summary without a date: it would be kept for everyone.
    if (e instanceof RegistryError && e.code !== 'CANCELLED') return undefined;
    throw e;
  }
}
