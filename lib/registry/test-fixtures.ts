// Small manifests shared by the unit tests of the core and of the contract's body builders.
import { MediaType } from './manifest';

/** A digest made of one repeated hex character: `d('a')` = sha256:aaaa…. */
export const d = (c: string) => `sha256:${c.repeat(64)}`;
export const enc = (x: unknown) => Buffer.from(JSON.stringify(x));

/** amd64 (with a BuildKit attestation) and arm64/v8. */
export const sampleIndex = {
  schemaVersion: 2,
  mediaType: MediaType.OciIndex,
  manifests: [
    { mediaType: MediaType.OciManifest, digest: d('a'), size: 10, platform: { os: 'linux', architecture: 'amd64' } },
    {
      mediaType: MediaType.OciManifest,
      digest: d('f'),
      size: 5,
      platform: { os: 'unknown', architecture: 'unknown' },
      annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': d('a') },
    },
    { mediaType: MediaType.OciManifest, digest: d('b'), size: 11, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
  ],
};
