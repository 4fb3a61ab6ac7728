// Manifests, indexes and image configs, parsed at the boundary with zod into a discriminated
// union (OCI image-spec manifest.md / image-index.md / config.md; Docker schema2; schema1 legacy).
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { RegistryError } from './errors';
import { isValidDigest } from './reference';

export const MediaType = {
  OciIndex: 'application/vnd.oci.image.index.v1+json',
  OciManifest: 'application/vnd.oci.image.manifest.v1+json',
  DockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  DockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  DockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  DockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  OciConfig: 'application/vnd.oci.image.config.v1+json',
  DockerConfig: 'application/vnd.docker.container.image.v1+json',
  OciEmpty: 'application/vnd.oci.empty.v1+json',
  InToto: 'application/vnd.in-toto+json',
} as const;

/** Everything Berth can show. Leaving the list types out makes registries substitute a child. */
export const MANIFEST_ACCEPT = [
  MediaType.OciIndex,
  MediaType.OciManifest,
  MediaType.DockerList,
  MediaType.DockerManifest,
  `${MediaType.DockerSchema1Signed};q=0.5`,
  `${MediaType.DockerSchema1};q=0.5`,
].join(', ');

export const INDEX_TYPES: ReadonlySet<string> = new Set<string>([MediaType.OciIndex, MediaType.DockerList]);
const IMAGE_TYPES = new Set<string>([MediaType.OciManifest, MediaType.DockerManifest]);
const SCHEMA1_TYPES = new Set<string>([MediaType.DockerSchema1, MediaType.DockerSchema1Signed]);
const IMAGE_CONFIG_TYPES = new Set<string>([MediaType.OciConfig, MediaType.DockerConfig]);

const annotations = z.record(z.string(), z.string()).optional();

export const platformSchema = z.object({
  os: z.string(),
  architecture: z.string(),
  variant: z.string().optional(),
  'os.version': z.string().optional(),
  'os.features': z.array(z.string()).optional(),
});
export type Platform = z.infer<typeof platformSchema>;

export const descriptorSchema = z.object({
  mediaType: z.string(),
  // A digest ends up in links and in `docker pull …@DIGEST` lines: it must be one.
  digest: z.string().refine(isValidDigest, 'not a valid digest'),
  size: z.number().int().nonnegative(),
  annotations,
  artifactType: z.string().optional(),
  platform: platformSchema.optional(),
  urls: z.array(z.string()).optional(),
});
export type Descriptor = z.infer<typeof descriptorSchema>;

/** Fields an OCI index and an image manifest share (image-spec manifest.md, image-index.md). */
const schema2Base = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  artifactType: z.string().optional(),
  subject: descriptorSchema.optional(),
  annotations,
});

const indexSchema = schema2Base.extend({
  manifests: z
    .array(descriptorSchema)
    .nullable()
    .transform((m) => m ?? []),
});

const imageSchema = schema2Base.extend({
  config: descriptorSchema,
  layers: z
    .array(descriptorSchema)
    .nullable()
    .transform((l) => l ?? []),
});

const schema1Schema = z.object({
  schemaVersion: z.literal(1),
  name: z.string().optional(),
  tag: z.string().optional(),
  architecture: z.string().optional(),
  fsLayers: z.array(z.object({ blobSum: z.string() })).optional(),
});

export type IndexManifest = z.infer<typeof indexSchema>;
export type ImageManifest = z.infer<typeof imageSchema>;

export type ParsedManifest =
  | { kind: 'index'; mediaType: string; manifest: IndexManifest }
  | { kind: 'image'; mediaType: string; manifest: ImageManifest }
  | { kind: 'legacy'; mediaType: string; manifest: z.infer<typeof schema1Schema> };

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Digest of bytes with the algorithm named in `digest` (sha256 or sha512), or undefined if unsupported. */
export function digestWithAlgorithmOf(digest: string, bytes: Uint8Array): string | undefined {
  const algorithm = digest.split(':')[0];
  if (algorithm !== 'sha256' && algorithm !== 'sha512') return undefined;
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

function badManifest(host: string, why: string): RegistryError {
  return new RegistryError({
    code: 'BAD_RESPONSE',
    host,
    message: `${host} returned a manifest Berth cannot read: ${why}.`,
  });
}

/** Parses manifest bytes; the Content-Type header wins over the body's mediaType field. */
export function parseManifest(bytes: Uint8Array, contentType: string | undefined, host: string): ParsedManifest {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw badManifest(host, 'it is not JSON');
  }
  if (typeof json !== 'object' || json === null) throw badManifest(host, 'it is not a JSON object');
  const header = contentType?.split(';')[0]?.trim().toLowerCase();
  const field = typeof (json as { mediaType?: unknown }).mediaType === 'string' ? (json as { mediaType: string }).mediaType : undefined;
  const schemaVersion = (json as { schemaVersion?: unknown }).schemaVersion;
  let mediaType = header && header !== 'application/json' && header !== 'application/octet-stream' && header !== 'text/plain' ? header : field;
  if (!mediaType) {
    // Untyped: infer from shape, as clients do for old registries.
    if (schemaVersion === 1) mediaType = MediaType.DockerSchema1;
    else if (Array.isArray((json as { manifests?: unknown }).manifests)) mediaType = MediaType.OciIndex;
    else mediaType = MediaType.OciManifest;
  }
  const explain = (e: z.ZodError) =>
    e.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || 'manifest'}: ${i.message}`)
      .join('; ');
  if (INDEX_TYPES.has(mediaType)) {
    const r = indexSchema.safeParse(json);
    if (!r.success) throw badManifest(host, explain(r.error));
    return { kind: 'index', mediaType, manifest: r.data };
  }
  if (IMAGE_TYPES.has(mediaType)) {
    const r = imageSchema.safeParse(json);
    if (!r.success) throw badManifest(host, explain(r.error));
    return { kind: 'image', mediaType, manifest: r.data };
  }
  if (SCHEMA1_TYPES.has(mediaType) || schemaVersion === 1) {
    const r = schema1Schema.safeParse(json);
    if (!r.success) throw badManifest(host, explain(r.error));
    return { kind: 'legacy', mediaType, manifest: r.data };
  }
  throw badManifest(host, `its media type ${mediaType} is not a manifest or index type`);
}

/** "linux/arm64/v8", "windows/amd64 10.0.20348.2113", "unknown/unknown". */
export function platformLabel(platform: Platform | undefined): string {
  if (!platform) return 'unknown';
  let label = `${platform.os}/${platform.architecture}`;
  if (platform.variant) label += `/${platform.variant}`;
  if (platform['os.version']) label += ` ${platform['os.version']}`;
  return label;
}

export const ATTESTATION_TYPE_ANNOTATION = 'vnd.docker.reference.type';
export const ATTESTATION_DIGEST_ANNOTATION = 'vnd.docker.reference.digest';

/** BuildKit attestation manifests describe another entry of the same index. */
export function attestationTarget(descriptor: Descriptor): string | undefined {
  const a = descriptor.annotations;
  if (a?.[ATTESTATION_TYPE_ANNOTATION] === 'attestation-manifest') return a[ATTESTATION_DIGEST_ANNOTATION] ?? '';
  return undefined;
}

export function isImageConfigType(mediaType: string): boolean {
  return IMAGE_CONFIG_TYPES.has(mediaType);
}

const stringArray = z.array(z.string()).nullable().optional();
const emptyObjectMap = z.record(z.string(), z.unknown()).nullable().optional();

export const imageConfigSchema = z.object({
  created: z.string().optional(),
  author: z.string().optional(),
  architecture: z.string().optional(),
  os: z.string().optional(),
  variant: z.string().optional(),
  config: z
    .object({
      User: z.string().optional(),
      ExposedPorts: emptyObjectMap,
      Env: stringArray,
      Entrypoint: stringArray,
      Cmd: stringArray,
      Volumes: emptyObjectMap,
      WorkingDir: z.string().optional(),
      Labels: z.record(z.string(), z.string()).nullable().optional(),
      StopSignal: z.string().optional(),
    })
    .nullable()
    .optional(),
  rootfs: z.object({ type: z.string().optional(), diff_ids: z.array(z.string()).nullable().optional() }).optional(),
  history: z
    .array(
      z.object({
        created: z.string().optional(),
        created_by: z.string().optional(),
        author: z.string().optional(),
        comment: z.string().optional(),
        empty_layer: z.boolean().optional(),
      }),
    )
    .nullable()
    .optional(),
});
export type ImageConfig = z.infer<typeof imageConfigSchema>;

export function parseImageConfig(bytes: Uint8Array, host: string): ImageConfig {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new RegistryError({ code: 'BAD_RESPONSE', host, message: `${host} returned an image config that is not JSON.` });
  }
  const r = imageConfigSchema.safeParse(json);
  if (!r.success) {
    throw new RegistryError({
      code: 'BAD_RESPONSE',
      host,
      message: `${host} returned an image config Berth cannot read: ${r.error.issues[0]?.message ?? 'invalid'}.`,
    });
  }
  return r.data;
}
