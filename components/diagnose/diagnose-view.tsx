'use client';

import { useId, useState } from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useQuery } from '@tanstack/react-query';
import { withBasePath } from '@/lib/base-path';
import { diagnoseHref } from '@/lib/route-target';
import { signInHref } from '@/lib/sign-in-href';
import { Button, buttonClass } from '@/components/ui/button';
import { CopyButton, toolButtonClass } from '@/components/ui/copy-button';
import { ErrorState } from '@/components/ui/error-state';
import { fieldClass, nameInputProps } from '@/components/ui/field';
import { PageHeader } from '@/components/ui/page-header';
import { Skeleton } from '@/components/ui/skeleton';
import { diagnosisQueryOptions } from '@/components/data';
import { diagnosisReport } from './report';
import { Sentence } from './sentence';
import { SUMMARY_TONES, StatusBadge } from './status-badge';
import { StepCard } from './step-card';

/** Names a repository to check; a plain GET form, so it works before JavaScript has loaded. */
function RepositoryForm({ host, repository }: { host: string; repository: string | undefined }) {
  const router = useRouter();
  const id = useId();
  const [value, setValue] = useState(repository ?? '');
  return (
    <form
      action={withBasePath(diagnoseHref(host))}
      method="get"
      onSubmit={(event) => {
        event.preventDefault();
        router.push(diagnoseHref(host, value.trim() || undefined));
      }}
      className="flex flex-wrap items-end gap-2"
    >
      <div className="min-w-0 flex-1 space-y-1">
        <label htmlFor={id} className="block text-sm font-medium">
          Repository
        </label>
        <input
          id={id}
          name="repository"
          value={value}
          onChange={(event) => setValue(event.target.value)}
          placeholder="team/app (optional)"
          {...nameInputProps}
          className={`${fieldClass} w-full px-3 py-2 font-mono text-sm`}
        />
      </div>
      <Button type="submit" size="md">
        Check
      </Button>
    </form>
  );
}

function StepsSkeleton() {
  return (
    <div role="status" aria-label="Running the diagnosis" className="space-y-3">
      {Array.from({ length: 6 }, (_, i) => (
        <div key={i} className="space-y-2 rounded-lg border border-border p-4">
          <div className="flex justify-between gap-3">
            <Skeleton className="h-5 w-48" />
            <Skeleton className="h-5 w-16" />
          </div>
          <Skeleton className="h-4 w-4/5" />
        </div>
      ))}
      <span className="sr-only">Running the diagnosis…</span>
    </div>
  );
}

/** The page for /HOST/-/diagnose: how Berth gets to this registry, one step at a time. */
export function DiagnoseView({ host, repository }: { host: string; repository: string | undefined }) {
  const query = useQuery(diagnosisQueryOptions(host, repository));
  const diagnosis = query.data;
  const here = diagnoseHref(host, repository);

  return (
    <div>
      <PageHeader
        host={host}
        view={{ label: 'diagnose', href: here }}
        actions={
          diagnosis ? (
            <>
              <CopyButton label="Copy report" value={() => diagnosisReport(diagnosis)}>
                Copy report
              </CopyButton>
              <button type="button" onClick={() => void query.refetch()} disabled={query.isFetching} className={toolButtonClass}>
                <svg
                  aria-hidden="true"
                  viewBox="0 0 16 16"
                  className={`size-3.5 fill-none stroke-current ${query.isFetching ? 'motion-safe:animate-spin' : ''}`}
                  strokeWidth="1.5"
                >
                  <path d="M13.5 8a5.5 5.5 0 1 1-1.6-3.9M13.5 2.5v3h-3" />
                </svg>
                {query.isFetching ? 'Running…' : 'Run again'}
              </button>
            </>
          ) : null
        }
      />
      <h1 className="text-xl font-semibold">Diagnose {host}</h1>
      <p className="mt-1 mb-5 text-sm text-muted">
        {diagnosis ? (
          diagnosis.username !== null ? (
            <>
              As <span className="font-medium text-fg">{diagnosis.username}</span>, the account this session signed in with.{' '}
            </>
          ) : (
            'Anonymously: this session has no credentials for it. '
          )
        ) : null}
        Every request is sent afresh, through the same address policy as browsing; passwords and tokens are never shown.
        {/* Signing in to an address the policy refuses would be refused too. */}
        {diagnosis?.baseUrl ? (
          <>
            {' '}
            <Link href={signInHref(host, here)} className={buttonClass('link')}>
              {diagnosis.username !== null ? 'Sign in as someone else' : 'Sign in'}
            </Link>
          </>
        ) : null}
      </p>
      <div className="mb-6">
        <RepositoryForm key={repository ?? ''} host={host} repository={repository} />
      </div>
      {query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} host={host} title="Could not run the diagnosis" />
      ) : !diagnosis ? (
        <StepsSkeleton />
      ) : (
        <div className="space-y-4">
          <div role="status" className={`space-y-2 rounded-lg border p-4 text-sm ${SUMMARY_TONES[diagnosis.status]}`}>
            <div className="flex items-center justify-between gap-2">
              <StatusBadge status={diagnosis.status} />
              <span className="text-xs tabular-nums opacity-80">{diagnosis.ms} ms in all</span>
            </div>
            <p className="font-medium">
              <Sentence text={diagnosis.summary} />
            </p>
          </div>
          <ol aria-label="Steps" className="space-y-3">
            {diagnosis.steps.map((step, index) => (
              <StepCard key={step.id} step={step} index={index} />
            ))}
          </ol>
        </div>
      )}
    </div>
  );
}
