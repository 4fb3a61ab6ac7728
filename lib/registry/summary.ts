// What a tag row and an index row show about an image without opening it: kind, compressed size,
// created date, platforms. Built from the manifest and config (both digest-addressed, so a
// summary never changes and is cached by digest).
import type { ImageConfig, ParsedManifest } from './manifest';
import { MediaType, attestationTarget, isImageConfigType, platformLabel } from './manifest';

/** The platform images an index's summary lists; the rest are counted (`unlisted`). */
export const MAX_LISTED_PLATFORMS = 64;

export interface PlatformSummary {
  /** "linux/arm64/v8" */
  platform: string;
  digest: string;
  /** Compressed size: layers and config, what a pull downloads. Unknown when the child could not be read. */
  size?: number;
  /** The image config's `created`. */
  created?: string;
}

export interface ManifestSummary {
  digest: string;
  mediaType: string;
  kind: 'image' | 'index' | 'artifact' | 'legacy';
  /** Image or artifact: its compressed size. An index: see `platforms`. */
  size?: number;
  /** Image: its config's `created`; index: the newest of its platforms'. */
  created?: string;
  /** Image: its own platform; index: one entry per platform image (attestations left out). */
  platforms: PlatformSummary[];
  /** BuildKit attestation manifests in an index. */
  attestations: number;
  /** An index: platform images not read for this summary (past the cap, or where every read is a pull). */
  unread?: number;
  /** An index: platform images it lists beyond those in `platforms` (which holds the first MAX_LISTED_PLATFORMS). */
  unlisted?: number;
  artifactType?: string;
}

/** Compressed size of an image manifest: config plus layers. */
export function imageSize(parsed: Extract<ParsedManifest, { kind: 'image' }>): number {
  return parsed.manifest.config.size + parsed.manifest.layers.reduce((sum, layer) => sum + layer.size, 0);
}

/** The artifact type of an image manifest, or undefined for a runnable image. */
export function artifactTypeOf(parsed: Extract<ParsedManifest, { kind: 'image' }>): string | undefined {
  const config = parsed.manifest.config.mediaType;
  return parsed.manifest.artifactType ?? (isImageConfigType(config) ? undefined : config);
}

/**
 * Whether an image manifest holds in-toto statements only (a BuildKit attestation: provenance,
 * SBOM). Its config says nothing a row shows (no date, platform unknown/unknown), so a summary
 * does not read it.
 */
export function holdsStatementsOnly(parsed: Extract<ParsedManifest, { kind: 'image' }>): boolean {
  const layers = parsed.manifest.layers;
  return layers.length > 0 && layers.every((layer) => layer.mediaType === MediaType.InToto);
}

export function summariseImage(digest: string, parsed: Extract<ParsedManifest, { kind: 'image' }>, config: ImageConfig | undefined): ManifestSummary {
  const size = imageSize(parsed);
  const artifactType = artifactTypeOf(parsed);
  if (artifactType !== undefined) {
    return { digest, mediaType: parsed.mediaType, kind: 'artifact', size, platforms: [], attestations: 0, artifactType };
  }
  const platform: PlatformSummary = {
    platform: config?.os && config.architecture ? platformLabel({ os: config.os, architecture: config.architecture, variant: config.variant }) : 'unknown',
    digest,
    size,
  };
  if (config?.created) platform.created = config.created;
  return {
    digest,
    mediaType: parsed.mediaType,
    kind: 'image',
    size,
    ...(config?.created ? { created: config.created } : {}),
    platforms: [platform],
    attestations: 0,
  };
}

/** `children` maps a platform image's digest to its summary, where it could be read; `unread` counts those not asked for. */
export function summariseIndex(
  digest: string,
  parsed: Extract<ParsedManifest, { kind: 'index' }>,
  children: ReadonlyMap<string, ManifestSummary>,
  unread = 0,
): ManifestSummary {
  const images = parsed.manifest.manifests.filter((d) => attestationTarget(d) === undefined);
  // A summary is a row's worth: an index of thousands of images lists its first few here (the
  // index view reads the index itself).
  const platforms = images.slice(0, MAX_LISTED_PLATFORMS).map((d): PlatformSummary => {
    const child = children.get(d.digest);
    const entry: PlatformSummary = { platform: platformLabel(d.platform), digest: d.digest };
    if (child?.size !== undefined) entry.size = child.size;
    if (child?.created) entry.created = child.created;
    return entry;
  });
  const created = platforms
    .map((p) => p.created)
    .filter((c): c is string => c !== undefined && !Number.isNaN(Date.parse(c)))
    .sort((a, b) => Date.parse(b) - Date.parse(a))[0];
  const summary: ManifestSummary = {
    digest,
    mediaType: parsed.mediaType,
    kind: 'index',
    platforms,
    attestations: parsed.manifest.manifests.length - images.length,
  };
  if (unread > 0) summary.unread = unread;
  if (images.length > platforms.length) summary.unlisted = images.length - platforms.length;
  if (created) summary.created = created;
  return summary;
}

export function summariseLegacy(digest: string, parsed: Extract<ParsedManifest, { kind: 'legacy' }>): ManifestSummary {
  const architecture = parsed.manifest.architecture;
  return {
    digest,
    mediaType: parsed.mediaType,
    kind: 'legacy',
    platforms: architecture ? [{ platform: `linux/${architecture}`, digest }] : [],
    attestations: 0,
  };
}
