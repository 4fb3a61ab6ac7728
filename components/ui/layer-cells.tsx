import { formatBytes } from './format';
import { Muted, Td, Th } from './table';
import { DigestText } from './digest-link';

/** The header cells over LayerCells: the step's column shows from the sm breakpoint on, as its cells do. */
export function LayerHeaderCells({ stepLabel }: { stepLabel: string }) {
  return (
    <>
      <Th>Digest</Th>
      <Th className="text-right">Size</Th>
      <Th className="hidden sm:table-cell">{stepLabel}</Th>
    </>
  );
}

/**
 * A layer's digest, compressed size and the build step that made it, as cells of a table row. On
 * phones the step goes under the digest instead of in its own column.
 */
export function LayerCells({ digest, size, step }: { digest: string; size: number; step: string }) {
  return (
    <>
      <Td>
        <DigestText digest={digest} />
        {step ? <div className="mt-1 font-mono text-xs whitespace-pre-wrap text-muted [overflow-wrap:anywhere] sm:hidden">{step}</div> : null}
      </Td>
      <Td className="text-right whitespace-nowrap tabular-nums">{formatBytes(size)}</Td>
      <Td mono className="hidden min-w-64 whitespace-pre-wrap [overflow-wrap:anywhere] sm:table-cell">
        {step || <Muted>—</Muted>}
      </Td>
    </>
  );
}
