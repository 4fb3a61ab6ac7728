import Link from 'next/link';
import { buttonClass } from '@/components/ui/button';

const PART_NAMES: Record<string, string> = {
  host: 'registry host',
  repository: 'repository name',
  tag: 'tag',
  digest: 'digest',
  reference: 'image reference',
};

/** The 400 page: what was asked for, which part is wrong, and why. */
export function InvalidReference({ part, input, message }: { part: string; input: string; message: string }) {
  return (
    <div className="mx-auto max-w-2xl space-y-4">
      <div role="alert" className="rounded-lg border border-danger-border bg-danger-soft p-5 text-danger-fg">
        <h1 className="text-lg font-semibold">Invalid image reference</h1>
        <p className="mt-2 text-sm">
          The <strong>{PART_NAMES[part] ?? part}</strong> is not valid. {message}
        </p>
        <p className="mt-3 font-mono text-sm break-all">
          <span className="sr-only">You asked for: </span>
          {input || '(empty)'}
        </p>
      </div>
      <p className="text-sm text-muted">
        A reference looks like <code className="font-mono">host/repository:tag</code> or <code className="font-mono">host/repository@sha256:…</code>, for
        example{' '}
        <Link href="/docker.io/library/alpine:3.20" className={buttonClass('link', { className: 'font-mono' })}>
          docker.io/library/alpine:3.20
        </Link>
        .{' '}
        <Link href="/" className={buttonClass('link')}>
          Back to your registries
        </Link>
      </p>
    </div>
  );
}
