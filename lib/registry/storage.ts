// What a repository's tags take in the registry's storage, counted from manifests alone (compressed
// bytes, as the manifests give them; no blob is read). Three figures, because layers are shared:
// - logical: what pulling it downloads, every platform of an index (a layer two platforms share counts twice);
// - unique: every blob it keeps counted once (configs, layers, the manifests themselves, its index's
//   platform images and what refers to it: signatures, SBOMs);
// - exclusive: what deleting it would free: the blobs of its unique set that no other kept manifest
//   keeps too.
// A tag's figures are its manifest's: tags on one digest share them (deleting one deletes the
// manifest, and with it all of them, where the registry deletes by digest).

/** A manifest as far as storage goes. */
export interface StoredManifest {
  digest: string;
  /** Bytes of the manifest document (it is stored as a blob too). */
  size: number;
  /** Config and layers (an image), or a referrer's blobs (an artifact). */
  blobs: ReadonlyArray<{ digest: string; size: number }>;
  /** Manifests it lists (an index's platform images): pulled with it. */
  children: readonly string[];
  /** Manifests that refer to it (signatures, attestations, SBOMs): kept with it, never pulled. */
  referrers: readonly string[];
}

export interface DigestStorage {
  digest: string;
  /** The tags on it, sorted. */
  tags: string[];
  logical: number;
  unique: number;
  exclusive: number;
}

export interface RepositoryStorage {
  /** One per kept manifest (the digests tags point at), largest exclusive first. */
  digests: DigestStorage[];
  /** Every kept manifest's logical size, each manifest once. */
  logical: number;
  /** Every blob the repository's tags keep, once. */
  unique: number;
  /** Manifests named (by a tag, an index or a referrer) that `manifests` does not hold: their bytes are not counted. */
  missing: string[];
}

/**
 * The storage of a repository whose tags point at `tags` (tag → digest), from `manifests` (every
 * manifest reachable from them; one that is missing is left out and named).
 */
export function repositoryStorage(tags: ReadonlyMap<string, string>, manifests: ReadonlyMap<string, StoredManifest>): RepositoryStorage {
  const missing = new Set<string>();
  const tagsOf = new Map<string, string[]>();
  for (const [tag, digest] of tags) tagsOf.set(digest, [...(tagsOf.get(digest) ?? []), tag]);

  /** Blob digest → size, of everything `digest` keeps: itself, its children, its referrers, theirs. */
  const kept = (digest: string): Map<string, number> => {
    const blobs = new Map<string, number>();
    const seen = new Set<string>();
    const walk = (d: string) => {
      if (seen.has(d)) return;
      seen.add(d);
      const m = manifests.get(d);
      if (m === undefined) {
        missing.add(d);
        return;
      }
      blobs.set(m.digest, m.size);
      for (const b of m.blobs) blobs.set(b.digest, b.size);
      for (const child of [...m.children, ...m.referrers]) walk(child);
    };
    walk(digest);
    return blobs;
  };

  /** What pulling `digest` downloads: its blobs, and each platform image's (not its referrers'). */
  const logical = (digest: string, seen = new Set<string>()): number => {
    if (seen.has(digest)) return 0;
    seen.add(digest);
    const m = manifests.get(digest);
    if (m === undefined) return 0;
    return m.blobs.reduce((sum, b) => sum + b.size, 0) + m.children.reduce((sum, child) => sum + logical(child, seen), 0);
  };

  const closures = new Map([...tagsOf.keys()].map((digest) => [digest, kept(digest)]));
  // How many kept manifests keep each blob: a blob only one of them keeps is that one's to free.
  const keepers = new Map<string, number>();
  const everything = new Map<string, number>();
  for (const blobs of closures.values()) {
    for (const [blob, size] of blobs) {
      keepers.set(blob, (keepers.get(blob) ?? 0) + 1);
      everything.set(blob, size);
    }
  }
  const sum = (sizes: Iterable<number>) => [...sizes].reduce((a, b) => a + b, 0);
  const digests = [...closures].map(([digest, blobs]) => ({
    digest,
    tags: [...tagsOf.get(digest)!].sort(),
    logical: logical(digest),
    unique: sum(blobs.values()),
    exclusive: sum([...blobs].filter(([blob]) => keepers.get(blob) === 1).map(([, size]) => size)),
  }));
  digests.sort((a, b) => b.exclusive - a.exclusive || a.digest.localeCompare(b.digest));
  return {
    digests,
    logical: sum(digests.map((d) => d.logical)),
    unique: sum(everything.values()),
    missing: [...missing].sort(),
  };
}
