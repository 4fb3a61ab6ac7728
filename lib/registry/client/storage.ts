// A repository's storage, read from the registry: every tag resolved to its digest (a HEAD each),
// every manifest they keep read once (by digest, so the content cache serves it again), an index's
// platform images and each manifest's referrers followed; then counted (../storage.ts). Only
// manifests are read, never a blob: sizes are the compressed sizes the manifests give. Bounded:
// tags and manifests per repository, a few requests at a time (under the per-person budget).
import { RegistryError } from '../errors';
import { repositoryStorage, type RepositoryStorage, type StoredManifest } from '../storage';
import type { Connection } from './connection';
import { listTags } from './listing';
import { getManifest, headManifest } from './manifests';
import { getReferrers } from './referrers';

/** Tags of a repository Berth counts at most. */
export const MAX_STORAGE_TAGS = 5000;
/** Manifests (tags' digests, platform images, referrers) Berth reads for one count at most. */
export const MAX_STORAGE_MANIFESTS = 5000;
/** Requests of one count in flight at once. */
const IN_FLIGHT = 6;

/** `work` on each of `items`, `IN_FLIGHT` at a time; the first failure ends it. */
async function eachAtMost<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, items.length) }, worker));
}

const tooLarge = (message: string) => new RegistryError({ code: 'INVALID_REQUEST', message });

/** Every tag of `repository`, page by page, refused past MAX_STORAGE_TAGS. */
async function allTags(c: Connection, repository: string): Promise<string[]> {
  const tags: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await listTags(c, repository, { n: 1000, ...(cursor ? { cursor } : {}) });
    tags.push(...page.items);
    if (tags.length > MAX_STORAGE_TAGS) {
      throw tooLarge(`${repository} has more than ${MAX_STORAGE_TAGS} tags; Berth counts the storage of repositories of at most ${MAX_STORAGE_TAGS}.`);
    }
    cursor = page.next ?? undefined;
  } while (cursor);
  return tags;
}

/** A manifest as storage counts it: its own bytes, its blobs, the manifests it lists and those that refer to it. */
async function storedManifest(c: Connection, repository: string, digest: string): Promise<StoredManifest> {
  const [{ bytes, parsed }, { referrers }] = await Promise.all([getManifest(c, repository, digest), getReferrers(c, repository, digest)]);
  const m = parsed.manifest as {
    config?: { digest: string; size: number };
    layers?: Array<{ digest: string; size: number }>;
    manifests?: Array<{ digest: string }>;
  };
  return {
    digest,
    size: bytes.length,
    // An image's config and layers (an index has none; a schema 1 manifest gives no sizes: it counts its own bytes only).
    blobs: [...(m.config ? [m.config] : []), ...(m.layers ?? [])],
    // An index's platform images.
    children: (m.manifests ?? []).map((child) => child.digest),
    referrers: referrers.map((r) => r.digest),
  };
}

export interface CountedStorage extends RepositoryStorage {
  tags: number;
  /** Manifests read (tags' digests, platform images, referrers). */
  manifests: number;
}

/** What `repository`'s tags keep in the registry's storage (logical, unique and exclusive sizes). */
export async function getRepositoryStorage(c: Connection, repository: string): Promise<CountedStorage> {
  const tags = await allTags(c, repository);
  const digests = new Map<string, string>();
  await eachAtMost(tags, async (tag) => {
    digests.set(tag, (await headManifest(c, repository, tag)).digest);
  });
  const manifests = new Map<string, StoredManifest>();
  let wanted = [...new Set(digests.values())];
  const asked = new Set(wanted);
  while (wanted.length > 0) {
    if (asked.size > MAX_STORAGE_MANIFESTS) {
      throw tooLarge(
        `${repository} keeps more than ${MAX_STORAGE_MANIFESTS} manifests; Berth counts the storage of repositories of at most ${MAX_STORAGE_MANIFESTS}.`,
      );
    }
    const found: StoredManifest[] = [];
    await eachAtMost(wanted, async (digest) => {
      try {
        found.push(await storedManifest(c, repository, digest));
      } catch (e) {
        // A platform image or referrer the registry no longer has: named as missing, not counted.
        if (!(e instanceof RegistryError && e.upstreamStatus === 404)) throw e;
      }
    });
    wanted = [];
    for (const m of found) {
      manifests.set(m.digest, m);
      for (const next of [...m.children, ...m.referrers]) {
        if (!asked.has(next)) {
          asked.add(next);
          wanted.push(next);
        }
      }
    }
  }
  return { ...repositoryStorage(digests, manifests), tags: tags.length, manifests: manifests.size };
}
