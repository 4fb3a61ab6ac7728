'use client';

import { useEffect } from 'react';
import Link from 'next/link';

/** Shared body of the error.tsx boundaries: say so plainly, offer a retry and a way home. */
export function RouteError({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const digest =
    typeof error === 'object' && error !== null && 'digest' in error && typeof error.digest === 'string'
      ? error.digest
      : undefined;

  return (
    <div
      role="alert"
      className="mx-auto max-w-2xl rounded-lg border border-red-200 bg-red-50 p-5 text-sm text-red-900 dark:border-red-900/60 dark:bg-red-950/40 dark:text-red-100"
    >
      <h1 className="text-lg font-semibold">Berth could not show this page</h1>
      <p className="mt-2">
        Something went wrong while rendering it. Retrying often helps; if it does not, go back to your registries and
        open it again.
      </p>
      {digest ? <p className="mt-1 font-mono text-xs">Error id: {digest}</p> : null}
      <div className="mt-4 flex gap-3">
        <button
          type="button"
          onClick={() => retry()}
          className="rounded-md bg-red-700 px-3 py-1.5 font-medium text-white hover:bg-red-800 dark:bg-red-600 dark:hover:bg-red-500"
        >
          Retry
        </button>
        <Link href="/" className="self-center font-medium underline underline-offset-2">
          Back to your registries
        </Link>
      </div>
    </div>
  );
}
