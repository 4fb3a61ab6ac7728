import { CopyButton } from './copy-button';

interface PullCommandProps {
  /** "by tag" or "by digest": completes the accessible name "Copy docker pull by …". */
  by: 'tag' | 'digest';
  reference: string;
}

/** The exact `docker pull` line, shown and copyable. */
export function PullCommand({ by, reference }: PullCommandProps) {
  const command = `docker pull ${reference}`;
  return (
    <div className="flex min-w-0 items-center gap-2 rounded-md border border-border bg-subtle py-1 pr-1 pl-3">
      <span className="shrink-0 text-xs text-faint">by {by}</span>
      <code className="min-w-0 flex-1 truncate font-mono text-xs" title={command}>
        {command}
      </code>
      <CopyButton label={`Copy docker pull by ${by}`} value={command}>
        Copy
      </CopyButton>
    </div>
  );
}
