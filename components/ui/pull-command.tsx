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
    <div className="flex min-w-0 items-center gap-2 rounded-md border border-neutral-200 bg-neutral-50 py-1 pr-1 pl-3 dark:border-neutral-800 dark:bg-neutral-900">
      <span className="shrink-0 text-xs text-neutral-500 dark:text-neutral-400">by {by}</span>
      <code className="min-w-0 flex-1 truncate font-mono text-xs" title={command}>
        {command}
      </code>
      <CopyButton label={`Copy docker pull by ${by}`} value={command}>
        Copy
      </CopyButton>
    </div>
  );
}
