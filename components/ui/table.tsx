// Small table primitives so every table in Berth looks and scrolls the same on phones.

export function Table({ children, caption }: { children: React.ReactNode; caption?: string }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-border">
      <table className="w-full border-collapse text-left text-sm">
        {caption ? <caption className="sr-only">{caption}</caption> : null}
        {children}
      </table>
    </div>
  );
}

export function Th({ children, className = '' }: { children?: React.ReactNode; className?: string }) {
  return (
    <th scope="col" className={`border-b border-border bg-subtle px-3 py-2 text-xs font-semibold tracking-wide text-muted uppercase ${className}`}>
      {children}
    </th>
  );
}

export function Td({
  children,
  className = '',
  mono = false,
  title,
  colSpan,
}: {
  children?: React.ReactNode;
  className?: string;
  mono?: boolean;
  title?: string;
  colSpan?: number;
}) {
  return (
    <td title={title} colSpan={colSpan} className={`border-b border-border-soft px-3 py-2 align-top ${mono ? 'font-mono text-xs' : ''} ${className}`}>
      {children}
    </td>
  );
}

/** A titled block of the manifest page. */
export function Section({ title, children, aside }: { title: string; children: React.ReactNode; aside?: React.ReactNode }) {
  return (
    <section className="space-y-2">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="text-base font-semibold">{title}</h2>
        {aside ? <div className="text-xs text-faint">{aside}</div> : null}
      </div>
      {children}
    </section>
  );
}

/**
 * A dotted or slashed name (org.opencontainers.image.source, application/vnd.oci…) that may wrap
 * at its separators rather than mid-word; overflow-wrap only steps in for a part too long alone.
 */
export function BreakableName({ children }: { children: string }) {
  const parts = children.split(/(?<=[./:+_-])/);
  return (
    <span className="[overflow-wrap:anywhere]">
      {parts.map((part, index) => (
        <span key={index}>
          {index > 0 ? <wbr /> : null}
          {part}
        </span>
      ))}
    </span>
  );
}

/** name → value pairs (labels, annotations, env). On phones each pair stacks: name above value. */
export function KeyValueTable({
  entries,
  caption,
  keyHeading = 'Name',
  valueHeading = 'Value',
}: {
  entries: [string, string][];
  caption: string;
  keyHeading?: string;
  valueHeading?: string;
}) {
  return (
    <Table caption={caption}>
      <thead className="sr-only sm:not-sr-only sm:table-header-group">
        <tr>
          <Th className="w-1/3">{keyHeading}</Th>
          <Th>{valueHeading}</Th>
        </tr>
      </thead>
      <tbody>
        {entries.map(([key, value], index) => (
          <tr key={`${key}-${index}`} className="block border-b border-border-soft py-1 last:border-b-0 sm:table-row sm:border-b-0 sm:py-0">
            <td className="block px-3 pt-1 font-mono text-xs font-semibold text-fg-soft sm:table-cell sm:border-b sm:border-border-soft sm:py-2 sm:align-top sm:font-normal sm:text-inherit">
              <BreakableName>{key}</BreakableName>
            </td>
            <td className="block px-3 pb-1.5 font-mono text-xs whitespace-pre-wrap [overflow-wrap:anywhere] sm:table-cell sm:border-b sm:border-border-soft sm:py-2 sm:align-top">
              {value}
            </td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

/** Definition list of facts, two columns on wide screens. */
export function Facts({ children }: { children: React.ReactNode }) {
  return <dl className="grid gap-x-6 gap-y-3 rounded-lg border border-border p-4 sm:grid-cols-2">{children}</dl>;
}

export function Fact({ label, children, mono = false, wide = false }: { label: string; children: React.ReactNode; mono?: boolean; wide?: boolean }) {
  return (
    <div className={`min-w-0 ${wide ? 'sm:col-span-2' : ''}`}>
      <dt className="text-xs font-medium text-faint">{label}</dt>
      <dd className={`mt-0.5 ${mono ? 'font-mono text-xs leading-5 break-all' : 'text-sm break-words'}`}>{children}</dd>
    </div>
  );
}

export function Muted({ children }: { children: React.ReactNode }) {
  return <span className="text-placeholder">{children}</span>;
}
