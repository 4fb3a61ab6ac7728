'use client';

import { useEffect } from 'react';
import Link from 'next/link';
import { Button, buttonClass } from './button';

/** Shared body of the error.tsx boundaries: say so plainly, offer a retry and a way home. */
export function RouteError({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const digest = typeof error === 'object' && error !== null && 'digest' in error && typeof error.digest === 'string' ? error.digest : undefined;

  return (
    <div role="alert" className="mx-auto max-w-2xl rounded-lg border border-danger-border bg-danger-soft p-5 text-sm text-danger-fg">
      <h1 className="text-lg font-semibold">Berth could not show this page</h1>
      <p className="mt-2">Something went wrong while rendering it. Retrying often helps; if it does not, go back to your registries and open it again.</p>
      {digest ? <p className="mt-1 font-mono text-xs">Error id: {digest}</p> : null}
      <div className="mt-4 flex gap-3">
        <Button variant="danger" onClick={() => retry()}>
          Retry
        </Button>
        <Link href="/" className={buttonClass('inline', { className: 'self-center font-medium' })}>
          Back to your registries
        </Link>
      </div>
    </div>
  );
}
