// Shapes what the protocol core fetched into the bodies of Berth's HTTP contract (./types.ts).
// Pure: the route handlers and the pages' server prefetch both build their bodies here.
import type { FetchedManifest } from '../registry/client';
import type { DocumentHeaders } from '../registry/context';
import { attestationTarget, digestWithAlgorithmOf, platformLabel, type Descriptor, type ImageConfig } from '../registry/manifest';
import { artifactTypeOf, imageSize } from '../registry/summary';
import type { DocumentBody, HistoryEntry, ImageConfigBody, IndexEntry, ManifestBody } from './types';

/** Only the descriptor's own fields: a registry may add others, and they are not part of the contract. */
function descriptor(d: Descriptor): Descriptor {
  const out: Descriptor = { mediaType: d.mediaType, digest: d.digest, size: d.size };
  if (d.annotations) out.annotations = d.annotations;
  if (d.artifactType) out.artifactType = d.artifactType;
  if (d.platform) out.platform = d.platform;
  if (d.urls) out.urls = d.urls;
  return out;
}

/** RFC 7234 Warning: `299 - "text"` → `text` (registries use it for deprecation notices). */
export function warningText(header: string): string {
  const quoted = /^\s*\d{3}\s+\S+\s+"((?:[^"\\]|\\.)*)"/.exec(header);
  return (quoted?.[1] ?? header).replace(/\\(.)/g, '$1').slice(0, 500);
}

export function manifestBodyOf(host: string, repository: string, reference: { tag?: string }, m: FetchedManifest): ManifestBody {
  const common = {
    host,
    repository,
    ...(reference.tag ? { tag: reference.tag } : {}),
    digest: m.digest,
    mediaType: m.mediaType,
    size: m.size,
    ...(m.warnings.length ? { warnings: m.warnings.map(warningText) } : {}),
  };
  const p = m.parsed;
  if (p.kind === 'index') {
    // Attestations sit right after the image they describe (docs/protocol.md "Manifests").
    const images: IndexEntry[] = [];
    const attestations: IndexEntry[] = [];
    for (const d of p.manifest.manifests) {
      const target = attestationTarget(d);
      const entry: IndexEntry = { ...descriptor(d), platformLabel: platformLabel(d.platform) };
      if (target !== undefined) attestations.push({ ...entry, attestationFor: target });
      else images.push(entry);
    }
    // Grouped by the image they describe once, not searched for each image: an index may list thousands.
    const byImage = new Map<string, IndexEntry[]>();
    for (const a of attestations) {
      const group = byImage.get(a.attestationFor ?? '');
      if (group) group.push(a);
      else byImage.set(a.attestationFor ?? '', [a]);
    }
    const manifests: IndexEntry[] = [];
    for (const image of images) {
      manifests.push(image);
      for (const a of byImage.get(image.digest) ?? []) manifests.push(a);
    }
    const imageDigests = new Set(images.map((i) => i.digest));
    for (const a of attestations) if (!imageDigests.has(a.attestationFor ?? '')) manifests.push(a);
    return {
      ...common,
      kind: 'index',
      annotations: p.manifest.annotations ?? {},
      ...(p.manifest.subject ? { subject: descriptor(p.manifest.subject) } : {}),
      manifests,
    };
  }
  if (p.kind === 'image') {
    const config = descriptor(p.manifest.config);
    const layers = p.manifest.layers.map(descriptor);
    const artifactType = artifactTypeOf(p);
    return {
      ...common,
      kind: 'image',
      annotations: p.manifest.annotations ?? {},
      ...(p.manifest.subject ? { subject: descriptor(p.manifest.subject) } : {}),
      config,
      layers,
      totalSize: imageSize(p),
      ...(artifactType ? { artifactType } : {}),
      isArtifact: artifactType !== undefined,
    };
  }
  return {
    ...common,
    kind: 'legacy',
    annotations: {},
    ...(p.manifest.architecture ? { architecture: p.manifest.architecture } : {}),
    layers: (p.manifest.fsLayers ?? []).map((l) => ({ digest: l.blobSum })),
  };
}

export function configBodyOf(digest: string, c: ImageConfig): ImageConfigBody {
  const cfg = c.config ?? {};
  let layerIndex = 0;
  // History entries without empty_layer map, in order, onto the layers (image-spec config.md).
  const history: HistoryEntry[] = (c.history ?? []).map((h) => {
    const entry: HistoryEntry = {};
    if (h.created) entry.created = h.created;
    if (h.created_by) entry.created_by = h.created_by;
    if (h.comment) entry.comment = h.comment;
    if (h.empty_layer) entry.empty_layer = true;
    else entry.layerIndex = layerIndex++;
    return entry;
  });
  const body: ImageConfigBody = {
    digest,
    env: cfg.Env ?? [],
    exposedPorts: Object.keys(cfg.ExposedPorts ?? {}),
    volumes: Object.keys(cfg.Volumes ?? {}),
    labels: cfg.Labels ?? {},
    history,
    diffIds: c.rootfs?.diff_ids ?? [],
  };
  if (c.created) body.created = c.created;
  if (c.author) body.author = c.author;
  if (c.architecture) body.architecture = c.architecture;
  if (c.os) body.os = c.os;
  if (c.variant) body.variant = c.variant;
  if (cfg.User) body.user = cfg.User;
  if (cfg.WorkingDir) body.workingDir = cfg.WorkingDir;
  if (cfg.Entrypoint) body.entrypoint = cfg.Entrypoint;
  if (cfg.Cmd) body.cmd = cfg.Cmd;
  if (cfg.StopSignal) body.stopSignal = cfg.StopSignal;
  return body;
}

/** A document's bytes for the raw view: its digest checked again here, so what is shown is what was verified. */
export function documentBodyOf(digest: string, bytes: Buffer, headers: DocumentHeaders): DocumentBody {
  const text = bytes.toString('utf8');
  return {
    digest,
    text,
    size: bytes.length,
    verified: digestWithAlgorithmOf(digest, bytes) === digest,
    exact: Buffer.from(text, 'utf8').equals(bytes),
    headers: { ...headers },
  };
}
