/** Human names for the media types people meet most; anything else is shown as is. */
const NAMES: Record<string, string> = {
  'application/vnd.oci.image.index.v1+json': 'OCI image index',
  'application/vnd.oci.image.manifest.v1+json': 'OCI image manifest',
  'application/vnd.docker.distribution.manifest.list.v2+json': 'Docker manifest list',
  'application/vnd.docker.distribution.manifest.v2+json': 'Docker image manifest v2',
  'application/vnd.docker.distribution.manifest.v1+json': 'Docker schema 1',
  'application/vnd.docker.distribution.manifest.v1+prettyjws': 'Docker schema 1 (signed)',
  'application/vnd.oci.image.layer.v1.tar+gzip': 'layer (tar+gzip)',
  'application/vnd.oci.image.layer.v1.tar+zstd': 'layer (tar+zstd)',
  'application/vnd.oci.image.layer.v1.tar': 'layer (tar)',
  'application/vnd.docker.image.rootfs.diff.tar.gzip': 'layer (tar+gzip)',
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip': 'foreign layer',
  'application/vnd.dev.cosign.simplesigning.v1+json': 'cosign signature',
  'application/vnd.dev.sigstore.bundle.v0.3+json': 'sigstore bundle',
  'application/vnd.in-toto+json': 'in-toto attestation',
  'application/spdx+json': 'SPDX SBOM',
  'application/vnd.cyclonedx+json': 'CycloneDX SBOM',
  'application/vnd.cncf.notary.signature': 'Notary signature',
  'application/vnd.cncf.helm.config.v1+json': 'Helm chart',
};

export function mediaTypeName(mediaType: string): string | undefined {
  return NAMES[mediaType];
}
