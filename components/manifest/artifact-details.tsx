import type { ImageManifestBody } from '@/lib/api/types';
import { formatBytes, plural } from '@/components/ui/format';
import { BreakableName, Fact, Facts, Muted, Section, Table, Td, Th } from '@/components/ui/table';
import { DigestText } from '@/components/ui/digest-link';
import { mediaTypeName } from './media-type';

/** A manifest that is not a runnable image: a signature, an SBOM, a Helm chart… */
export function ArtifactDetails({ manifest }: { manifest: ImageManifestBody }) {
  const artifactType = manifest.artifactType ?? manifest.config.mediaType;
  return (
    <div className="space-y-8">
      <Section title="Artifact">
        <Facts>
          <Fact label="Artifact type" mono>
            {artifactType}
            {mediaTypeName(artifactType) ? <span className="ml-2 inline-block font-sans break-normal text-faint">({mediaTypeName(artifactType)})</span> : null}
          </Fact>
          <Fact label="Total size">{formatBytes(manifest.totalSize)}</Fact>
          <Fact label="Config media type" mono>
            {manifest.config.mediaType}
          </Fact>
          <Fact label="Config" mono>
            <DigestText digest={manifest.config.digest} />
          </Fact>
        </Facts>
      </Section>
      <Section title="Blobs" aside={plural(manifest.layers.length, 'blob', 'blobs')}>
        <Table caption="Blobs of this artifact">
          <thead>
            <tr>
              <Th>Title</Th>
              <Th className="hidden sm:table-cell">Media type</Th>
              <Th>Digest</Th>
              <Th className="text-right">Size</Th>
            </tr>
          </thead>
          <tbody>
            {manifest.layers.map((layer, index) => (
              <tr key={`${layer.digest}-${index}`}>
                <Td className="[overflow-wrap:anywhere]">
                  {layer.annotations?.['org.opencontainers.image.title'] ?? <Muted>—</Muted>}
                  {/* Phones: the media type goes under the title instead of in its own column. */}
                  <div className="mt-1 font-mono text-xs text-faint sm:hidden">
                    <BreakableName>{layer.mediaType}</BreakableName>
                  </div>
                </Td>
                <Td mono className="hidden sm:table-cell">
                  <BreakableName>{layer.mediaType}</BreakableName>
                </Td>
                <Td>
                  <DigestText digest={layer.digest} />
                </Td>
                <Td className="text-right whitespace-nowrap tabular-nums">{formatBytes(layer.size)}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      </Section>
    </div>
  );
}
