import type { LegacyManifestBody } from '@/lib/api/types';
import { plural } from '@/components/ui/format';
import { Notice } from '@/components/ui/notice';
import { Section, Table, Td, Th } from '@/components/ui/table';
import { DigestText } from '@/components/ui/digest-link';

/** Docker schema 1 is long deprecated; shown so people recognise it, not inspected further. */
export function LegacyNotice({ manifest }: { manifest: LegacyManifestBody }) {
  return (
    <div className="space-y-8">
      <Notice tone="warning" role="note">
        <p className="font-semibold">Legacy Docker schema 1 manifest</p>
        <p className="mt-1">
          This image was pushed in a format Docker deprecated in 2017 and current clients refuse to pull. Berth shows what it can; rebuild and push the image to
          get a modern manifest.
        </p>
        {manifest.architecture ? (
          <p className="mt-1">
            Architecture: <code className="font-mono">{manifest.architecture}</code>
          </p>
        ) : null}
      </Notice>
      <Section title="Layers" aside={plural(manifest.layers.length, 'layer', 'layers')}>
        <Table caption="Layers">
          <thead>
            <tr>
              <Th className="w-10">#</Th>
              <Th>Digest</Th>
            </tr>
          </thead>
          <tbody>
            {manifest.layers.map((layer, index) => (
              <tr key={`${layer.digest}-${index}`}>
                <Td className="tabular-nums">{index + 1}</Td>
                <Td>
                  <DigestText digest={layer.digest} />
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      </Section>
    </div>
  );
}
