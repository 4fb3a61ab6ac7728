// What Docker Hub's API says of repositories and tags, read leniently (every field may be missing
// or null), and a tag as the Hub describes it put in the shape of a registry summary, so that a
// tag row or an index's rows need no manifest GET (each would be a pull on Docker Hub).
import { z } from 'zod';
import { INDEX_TYPES, platformLabel } from '../manifest';
import { isValidDigest } from '../reference';
import type { ManifestSummary, PlatformSummary } from '../summary';

const nullableString = z.string().nullish();
const nullableNumber = z.number().nullish();

export const pageSchema = z.object({ count: nullableNumber, next: nullableString, results: z.array(z.unknown()).nullish() });

export const repositorySchema = z.object({
  name: z.string(),
  namespace: nullableString,
  description: nullableString,
  is_private: z.boolean().nullish(),
  star_count: nullableNumber,
  pull_count: nullableNumber,
  last_updated: nullableString,
});

const imageSchema = z.object({
  architecture: nullableString,
  os: nullableString,
  variant: nullableString,
  os_version: nullableString,
  digest: nullableString,
  size: nullableNumber,
  last_pushed: nullableString,
});

export const tagSchema = z.object({
  name: z.string(),
  digest: nullableString,
  media_type: nullableString,
  full_size: nullableNumber,
  last_updated: nullableString,
  tag_last_pushed: nullableString,
  images: z.array(imageSchema).nullish(),
});

export type RawTag = z.infer<typeof tagSchema>;

/** A count the Hub sent, if it is one. */
export const count = (n: number | null | undefined) => (typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined);
/** A date the Hub sent, if it is one. */
export const date = (s: string | null | undefined) => (s && !Number.isNaN(Date.parse(s)) ? s : undefined);
const digestOf = (s: string | null | undefined) => (s && isValidDigest(s) ? s : undefined);

/**
 * A tag as the Hub describes it, in the shape of a registry summary: its digest, compressed size
 * (an image: its own; an index: each platform's), date and platforms. The date is when the tag was
 * pushed (Hub keeps no image config dates). BuildKit attestations are the `unknown/unknown` images.
 */
export function summariseHubTag(tag: RawTag): ManifestSummary | undefined {
  const images = tag.images ?? [];
  const isAttestation = (i: (typeof images)[number]) => i.os === 'unknown' && i.architecture === 'unknown';
  const runnable = images.filter((i) => !isAttestation(i));
  const mediaType = tag.media_type ?? '';
  const index = INDEX_TYPES.has(mediaType) || images.length > 1;
  const digest = digestOf(tag.digest) ?? (!index ? digestOf(images[0]?.digest) : undefined);
  if (!digest) return undefined;
  const created = date(tag.tag_last_pushed) ?? date(tag.last_updated);
  const platforms = runnable.map((i): PlatformSummary => {
    const platform: PlatformSummary = {
      platform:
        i.os && i.architecture
          ? platformLabel({ os: i.os, architecture: i.architecture, variant: i.variant ?? undefined, 'os.version': i.os_version ?? undefined })
          : 'unknown',
      digest: index ? (digestOf(i.digest) ?? digest) : digest,
    };
    const size = count(i.size);
    const pushed = date(i.last_pushed);
    if (size !== undefined) platform.size = size;
    if (pushed) platform.created = pushed;
    return platform;
  });
  const summary: ManifestSummary = { digest, mediaType, kind: index ? 'index' : 'image', platforms, attestations: images.length - runnable.length };
  if (!index) {
    const size = count(runnable[0]?.size) ?? count(tag.full_size);
    if (size !== undefined) summary.size = size;
  }
  if (created) summary.created = created;
  return summary;
}

/**
 * Each entry of an index as the Hub describes it, by its own digest: a platform image (its size,
 * push date and platform) or a BuildKit attestation (an artifact). The index view's rows read
 * these instead of fetching every child manifest, which on Docker Hub would count as pulls.
 */
export function summariseHubImages(tag: RawTag): ManifestSummary[] {
  const out: ManifestSummary[] = [];
  for (const image of tag.images ?? []) {
    const digest = digestOf(image.digest);
    if (!digest) continue;
    const attestation = image.os === 'unknown' && image.architecture === 'unknown';
    const size = count(image.size);
    const pushed = date(image.last_pushed);
    const platform: PlatformSummary = {
      platform:
        image.os && image.architecture ? platformLabel({ os: image.os, architecture: image.architecture, variant: image.variant ?? undefined }) : 'unknown',
      digest,
    };
    if (size !== undefined) platform.size = size;
    if (pushed) platform.created = pushed;
    out.push({
      digest,
      mediaType: '',
      kind: attestation ? 'artifact' : 'image',
      ...(size !== undefined ? { size } : {}),
      ...(pushed ? { created: pushed } : {}),
      platforms: attestation ? [] : [platform],
      attestations: 0,
    });
  }
  return out;
}
