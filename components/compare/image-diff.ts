// What changed between two images, computed from their manifests and configs alone (no registry
// call): layers shared and not, sizes, dates, the base image, and the run configuration.
import type { ImageConfigBody, ImageManifestBody, IndexEntry } from '@/lib/api/types';

export interface ImageSide {
  manifest: ImageManifestBody;
  config: ImageConfigBody;
}

export interface LayerEntry {
  digest: string;
  /** Compressed size. */
  size: number;
  /** Position among A's layers (0-based), where A has it. */
  indexA?: number;
  /** Position among B's layers (0-based), where B has it. */
  indexB?: number;
  /** The build step that made it (the history entry's `created_by`), as A records it, else B. */
  step?: string;
}

export interface LayerDiff {
  shared: LayerEntry[];
  onlyA: LayerEntry[];
  onlyB: LayerEntry[];
  sharedSize: number;
  onlyASize: number;
  onlyBSize: number;
}

/** An image's base as its `org.opencontainers.image.base.*` annotations name it. */
export interface BaseRef {
  name?: string;
  digest?: string;
}

export interface BaseImage {
  a?: BaseRef;
  b?: BaseRef;
  /** Layers the two have in common from the first one on, in order: a shared base shows as these. */
  leading: { layers: number; size: number };
}

export type ConfigField = 'Env' | 'Labels' | 'Entrypoint' | 'Cmd' | 'User' | 'WorkingDir' | 'ExposedPorts' | 'Volumes';

/** Order in which differences are listed. */
export const CONFIG_FIELDS: readonly ConfigField[] = ['Entrypoint', 'Cmd', 'User', 'WorkingDir', 'Env', 'ExposedPorts', 'Volumes', 'Labels'];

export interface ConfigChange {
  field: ConfigField;
  /** The variable, label, port or volume; none for single-valued fields. */
  key?: string;
  /** A's value; undefined where A does not have it. */
  a?: string;
  b?: string;
  change: 'added' | 'removed' | 'changed';
}

export interface ImageComparison {
  /** Compressed sizes (layers and config: what a pull downloads); delta is B − A. */
  size: { a: number; b: number; delta: number };
  created: { a?: string; b?: string; deltaMs?: number };
  layers: LayerDiff;
  base: BaseImage;
  config: ConfigChange[];
}

const BASE_NAME = 'org.opencontainers.image.base.name';
const BASE_DIGEST = 'org.opencontainers.image.base.digest';

/** Layer index → the step that made it (history entries with a layer map onto layers in order). */
function stepsByLayer(config: ImageConfigBody): Map<number, string> {
  const steps = new Map<number, string>();
  for (const entry of config.history) {
    if (entry.layerIndex !== undefined && entry.created_by !== undefined && !steps.has(entry.layerIndex)) steps.set(entry.layerIndex, entry.created_by);
  }
  return steps;
}

const total = (layers: LayerEntry[]) => layers.reduce((sum, l) => sum + l.size, 0);

/** Layers matched by digest; a layer present twice on one side is matched twice at most. */
export function diffLayers(a: ImageSide, b: ImageSide): LayerDiff {
  const stepsA = stepsByLayer(a.config);
  const stepsB = stepsByLayer(b.config);
  const unmatchedB = new Map<string, number[]>();
  b.manifest.layers.forEach((layer, i) => unmatchedB.set(layer.digest, [...(unmatchedB.get(layer.digest) ?? []), i]));
  const shared: LayerEntry[] = [];
  const onlyA: LayerEntry[] = [];
  a.manifest.layers.forEach((layer, indexA) => {
    const indexB = unmatchedB.get(layer.digest)?.shift();
    const step = stepsA.get(indexA) ?? (indexB !== undefined ? stepsB.get(indexB) : undefined);
    const entry: LayerEntry = {
      digest: layer.digest,
      size: layer.size,
      indexA,
      ...(indexB !== undefined ? { indexB } : {}),
      ...(step !== undefined ? { step } : {}),
    };
    (indexB !== undefined ? shared : onlyA).push(entry);
  });
  const onlyB: LayerEntry[] = [];
  b.manifest.layers.forEach((layer, indexB) => {
    if (!unmatchedB.get(layer.digest)?.includes(indexB)) return;
    const step = stepsB.get(indexB);
    onlyB.push({ digest: layer.digest, size: layer.size, indexB, ...(step !== undefined ? { step } : {}) });
  });
  return { shared, onlyA, onlyB, sharedSize: total(shared), onlyASize: total(onlyA), onlyBSize: total(onlyB) };
}

function baseRef(manifest: ImageManifestBody): BaseRef | undefined {
  const name = manifest.annotations[BASE_NAME];
  const digest = manifest.annotations[BASE_DIGEST];
  if (name === undefined && digest === undefined) return undefined;
  return { ...(name !== undefined ? { name } : {}), ...(digest !== undefined ? { digest } : {}) };
}

export function baseImage(a: ImageSide, b: ImageSide): BaseImage {
  const la = a.manifest.layers;
  const lb = b.manifest.layers;
  let layers = 0;
  let size = 0;
  while (layers < la.length && layers < lb.length && la[layers]?.digest === lb[layers]?.digest) {
    size += la[layers]?.size ?? 0;
    layers++;
  }
  const refA = baseRef(a.manifest);
  const refB = baseRef(b.manifest);
  return { ...(refA ? { a: refA } : {}), ...(refB ? { b: refB } : {}), leading: { layers, size } };
}

/** KEY=VALUE lines as a map; a later line for the same key wins, as at run time. */
function envMap(env: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of env) {
    const eq = line.indexOf('=');
    out.set(eq < 0 ? line : line.slice(0, eq), eq < 0 ? '' : line.slice(eq + 1));
  }
  return out;
}

function change(field: ConfigField, key: string | undefined, a: string | undefined, b: string | undefined): ConfigChange | undefined {
  if (a === b) return undefined;
  const kind = a === undefined ? 'added' : b === undefined ? 'removed' : 'changed';
  return { field, ...(key !== undefined ? { key } : {}), ...(a !== undefined ? { a } : {}), ...(b !== undefined ? { b } : {}), change: kind };
}

function mapChanges(field: ConfigField, a: Map<string, string>, b: Map<string, string>): ConfigChange[] {
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  return keys.map((key) => change(field, key, a.get(key), b.get(key))).filter((c): c is ConfigChange => c !== undefined);
}

const asSet = (items: string[]) => new Map(items.map((item) => [item, item]));
const command = (value: string[] | undefined) => (value === undefined || value.length === 0 ? undefined : JSON.stringify(value));

/** Differences of the run configuration: what a container started from B does differently. */
export function diffConfig(a: ImageConfigBody, b: ImageConfigBody): ConfigChange[] {
  const single = (field: ConfigField, va: string | undefined, vb: string | undefined) => change(field, undefined, va || undefined, vb || undefined);
  const changes: Array<ConfigChange | undefined> = [
    single('Entrypoint', command(a.entrypoint), command(b.entrypoint)),
    single('Cmd', command(a.cmd), command(b.cmd)),
    single('User', a.user, b.user),
    single('WorkingDir', a.workingDir, b.workingDir),
    ...mapChanges('Env', envMap(a.env), envMap(b.env)),
    ...mapChanges('ExposedPorts', asSet(a.exposedPorts), asSet(b.exposedPorts)),
    ...mapChanges('Volumes', asSet(a.volumes), asSet(b.volumes)),
    ...mapChanges('Labels', new Map(Object.entries(a.labels)), new Map(Object.entries(b.labels))),
  ];
  return changes.filter((c): c is ConfigChange => c !== undefined);
}

export function compareImages(a: ImageSide, b: ImageSide): ImageComparison {
  const createdA = Date.parse(a.config.created ?? '');
  const createdB = Date.parse(b.config.created ?? '');
  return {
    size: { a: a.manifest.totalSize, b: b.manifest.totalSize, delta: b.manifest.totalSize - a.manifest.totalSize },
    created: {
      ...(a.config.created ? { a: a.config.created } : {}),
      ...(b.config.created ? { b: b.config.created } : {}),
      ...(Number.isFinite(createdA) && Number.isFinite(createdB) ? { deltaMs: createdB - createdA } : {}),
    },
    layers: diffLayers(a, b),
    base: baseImage(a, b),
    config: diffConfig(a.config, b.config),
  };
}

// ---- indexes ---------------------------------------------------------------------------------

export interface PlatformPair {
  platform: string;
  a?: string;
  b?: string;
}

/** The platform images of two indexes side by side, by platform (attestations left out), in A's order, then B's. */
export function pairPlatforms(a: readonly IndexEntry[], b: readonly IndexEntry[]): PlatformPair[] {
  const images = (entries: readonly IndexEntry[]) => entries.filter((e) => e.attestationFor === undefined);
  const pairs = new Map<string, PlatformPair>();
  for (const entry of images(a)) if (!pairs.has(entry.platformLabel)) pairs.set(entry.platformLabel, { platform: entry.platformLabel, a: entry.digest });
  for (const entry of images(b)) {
    const pair = pairs.get(entry.platformLabel);
    if (pair && pair.b === undefined) pair.b = entry.digest;
    else if (!pair) pairs.set(entry.platformLabel, { platform: entry.platformLabel, b: entry.digest });
  }
  return [...pairs.values()];
}

/** The platform to compare first: the one asked for, else linux/amd64, else the first both have. */
export function defaultPlatform(pairs: readonly PlatformPair[], asked?: string): string | undefined {
  const both = pairs.filter((p) => p.a !== undefined && p.b !== undefined);
  return (both.find((p) => p.platform === asked) ?? both.find((p) => p.platform === 'linux/amd64') ?? both[0])?.platform;
}

/** "linux/arm64/v8" from an image config, as an index names platforms. */
export function configPlatform(config: ImageConfigBody): string | undefined {
  if (!config.os || !config.architecture) return undefined;
  return [config.os, config.architecture, config.variant].filter(Boolean).join('/');
}
