'use client';

import { useEffect, useState } from 'react';
import { usePathname } from 'next/navigation';
import { resolveRoute } from '@/lib/route-target';
import { ApiError, SERVER_UNAVAILABLE, type ClientErrorCode } from '@/components/data';
import { DIAGNOSABLE_CODES, DiagnoseLink } from './diagnose-link';
import { signInHref } from '@/lib/sign-in-href';
import { useSignInRedirect } from './use-sign-in-redirect';
import { withBasePath } from '@/lib/base-path';
import { Button, buttonClass } from './button';

/**
 * Advice only where the message cannot carry it. The route handlers' messages already say what
 * happened and what to do (lib/registry/response-error.ts, lib/server/api.ts), so repeating advice here
 * made every box say it twice. These are the codes whose message is a bare fact.
 */
const ADVICE: Partial<Record<ClientErrorCode, string>> = {
  [SERVER_UNAVAILABLE]: 'Check your connection, or that Berth’s server is running, then retry.',
  BLOB_UNKNOWN: 'The registry lost part of this image. Push it again, or ask the registry owner.',
  UNSUPPORTED: 'This registry does not offer what this view needs.',
};

function useCountdown(seconds: number | undefined): number {
  // State is only set from the timer, never in the effect's body; a new `seconds` starts afresh.
  const [tick, setTick] = useState<{ from: number | undefined; left: number }>({ from: seconds, left: seconds ?? 0 });
  useEffect(() => {
    if (!seconds) return;
    const started = Date.now();
    const id = setInterval(() => {
      const remaining = Math.max(0, Math.ceil(seconds - (Date.now() - started) / 1000));
      setTick({ from: seconds, left: remaining });
      if (remaining === 0) clearInterval(id);
    }, 1000);
    return () => clearInterval(id);
  }, [seconds]);
  return tick.from === seconds ? tick.left : (seconds ?? 0);
}

interface ErrorStateProps {
  error: unknown;
  /** Refetch the failed query. */
  onRetry?: () => void;
  /** Registry of the view, used when the error does not name one. */
  host?: string;
  title?: string;
}

export function ErrorState({ error, onRetry, host, title = 'Could not load this' }: ErrorStateProps) {
  const pathname = usePathname();
  const apiError = error instanceof ApiError ? error : undefined;
  const code: ClientErrorCode = apiError?.code ?? 'UNKNOWN';
  const registry = apiError?.registry ?? host;
  const waitSeconds = useCountdown(apiError?.retryAfter);
  const signingIn = useSignInRedirect(error, host);

  if (signingIn !== undefined) {
    return (
      <div role="status" className="rounded-lg border border-border p-4 text-sm">
        {signingIn} needs you to sign in. Taking you to the sign-in form…
      </div>
    );
  }

  const message = error instanceof Error ? error.message : 'Something went wrong.';
  const advice = apiError ? ADVICE[code] : 'Try again. If it keeps failing, reload the page.';

  return (
    <div role="alert" className="rounded-lg border border-danger-border bg-danger-soft p-4 text-sm text-danger-fg [overflow-wrap:anywhere]">
      <div className="flex flex-wrap items-center gap-2">
        <h2 className="font-semibold">{title}</h2>
        <code className="rounded bg-danger-chip px-1.5 py-0.5 font-mono text-xs">{code}</code>
        {apiError && apiError.status > 0 ? <span className="text-xs text-danger">HTTP {apiError.status}</span> : null}
      </div>
      <p className="mt-2">{message}</p>
      {advice ? <p className="mt-1 text-danger-fg-soft">{advice}</p> : null}
      {onRetry ? (
        <Button variant="danger" onClick={onRetry} disabled={waitSeconds > 0} className="mt-3 disabled:cursor-not-allowed">
          Retry{waitSeconds > 0 ? <span className="tabular-nums"> ({waitSeconds} s)</span> : null}
        </Button>
      ) : null}
      {code === 'UNAUTHORIZED' || code === 'DENIED' ? (
        registry ? (
          <a href={withBasePath(signInHref(registry, pathname))} className={buttonClass('inline', { className: 'ml-3 text-sm font-medium' })}>
            Sign in to {registry}
          </a>
        ) : null
      ) : null}
      {registry && DIAGNOSABLE_CODES.has(code) ? (
        <DiagnoseLink host={registry} repository={repositoryOf(pathname, registry)} variant="inline" className="ml-3 text-sm font-medium">
          Diagnose the connection
        </DiagnoseLink>
      ) : null}
    </div>
  );
}

/** The repository of the page showing the error, so the diagnosis checks it too. */
function repositoryOf(pathname: string, registry: string): string | undefined {
  const target = resolveRoute(pathname.split('/'));
  return 'repository' in target && target.host === registry ? target.repository : undefined;
}
