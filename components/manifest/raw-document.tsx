'use client';

import { useId, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { DocumentBody } from '@/lib/api/types';
import { CopyButton } from '@/components/ui/copy-button';
import { ErrorState } from '@/components/ui/error-state';
import { formatCount } from '@/components/ui/format';
import { Skeleton } from '@/components/ui/skeleton';
import { Fact, Facts, Muted, Section } from '@/components/ui/table';
import { documentQueryOptions, type DocumentKind } from '@/components/data';

/** Indented for reading; the bytes as sent when they are not JSON. */
function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

const toggleClass = 'px-2.5 py-1 text-xs font-medium aria-pressed:bg-inverse aria-pressed:text-inverse-fg';

function Document({ document }: { document: DocumentBody }) {
  const [asSent, setAsSent] = useState(false);
  const { headers } = document;
  const sent: Array<[string, string | undefined]> = [
    ['Content-Type', headers.contentType],
    ['Content-Length', headers.contentLength],
    ['Docker-Content-Digest', headers.dockerContentDigest],
  ];
  return (
    <div className="space-y-3">
      <Facts>
        {sent.map(([name, value]) => (
          <Fact key={name} label={name} mono wide={name === 'Docker-Content-Digest'}>
            {value ?? <Muted>not sent</Muted>}
          </Fact>
        ))}
        <Fact label="Digest check" wide>
          {document.verified ? (
            <>
              <span aria-hidden="true">✓ </span>The digest of these {formatCount(document.size)} bytes is{' '}
              <code className="font-mono text-xs break-all">{document.digest}</code>
            </>
          ) : (
            `Not checked: the digest of a signed schema 1 manifest covers its content without the signatures.`
          )}
          {document.exact ? null : ' The bytes are not UTF-8: the text below is not exactly what was sent.'}
        </Fact>
      </Facts>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div role="group" aria-label="Layout" className="inline-flex overflow-hidden rounded-md border border-border-strong">
          <button type="button" aria-pressed={!asSent} onClick={() => setAsSent(false)} className={toggleClass}>
            Pretty-printed
          </button>
          <button type="button" aria-pressed={asSent} onClick={() => setAsSent(true)} className={`border-l border-border-strong ${toggleClass}`}>
            Exactly as sent
          </button>
        </div>
        {/* The copy is the bytes as sent: their sha256 is the digest. */}
        <CopyButton label="Copy JSON" value={document.text}>
          Copy JSON as sent
        </CopyButton>
      </div>
      <pre
        data-as-sent={asSent}
        className="max-h-[32rem] overflow-auto rounded-md border border-border bg-subtle p-3 font-mono text-xs whitespace-pre-wrap [overflow-wrap:anywhere]"
      >
        {asSent ? document.text : pretty(document.text)}
      </pre>
    </div>
  );
}

interface RawDocumentProps {
  host: string;
  repository: string;
  digest: string;
  kind: DocumentKind;
  /** "Manifest", "Index", "Config": what the section shows. */
  noun: string;
}

/** The exact JSON the registry sent for a manifest, index or config, asked for when opened. */
export function RawDocument({ host, repository, digest, kind, noun }: RawDocumentProps) {
  const [open, setOpen] = useState(false);
  const summaryId = useId();
  const query = useQuery({ ...documentQueryOptions(host, repository, digest, kind), enabled: open });
  return (
    <Section title={`${noun} as sent`}>
      <details onToggle={(event) => setOpen(event.currentTarget.open)} className="rounded-lg border border-border">
        <summary id={summaryId} className="cursor-pointer px-4 py-2 text-sm font-medium text-fg-soft hover:bg-subtle">
          Show the {noun.toLowerCase()} JSON and response headers
        </summary>
        <div aria-labelledby={summaryId} role="region" className="border-t border-border p-4">
          {!open ? null : query.isPending ? (
            <div role="status" aria-label="Loading" className="space-y-2">
              <Skeleton className="h-16 w-full" />
              <Skeleton className="h-40 w-full" />
            </div>
          ) : query.isError ? (
            <ErrorState error={query.error} onRetry={() => void query.refetch()} host={host} title={`Could not load the ${noun.toLowerCase()} as sent`} />
          ) : (
            <Document document={query.data} />
          )}
        </div>
      </details>
    </Section>
  );
}
