import { Suspense } from 'react';
import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { HydrationBoundary, type DehydratedState } from '@tanstack/react-query';
import { formatRef, resolveRoute } from '@/lib/route-target';
import { CompareView } from '@/components/compare/compare-view';
import { DiagnoseView } from '@/components/diagnose/diagnose-view';
import { ManifestView } from '@/components/manifest/manifest-view';
import { RegistryView } from '@/components/repositories/registry-view';
import { RepositoryView } from '@/components/tags/repository-view';
import { prefetchView, type PrefetchTarget } from './prefetch';
import { keys } from '@/components/data';
import { RememberRepository } from '@/components/repositories/recent-repositories';
import { InvalidReference } from './invalid-reference';
import { ViewSkeleton } from './view-skeleton';

interface RefPageProps {
  params: Promise<{ ref: string[] }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

/**
 * How long the page waits for its data before sending anything. A registry that answers within
 * it gets a first paint with the data in it (and a page that works without JavaScript); a slower
 * one gets the skeleton at once and the data streamed in when it comes.
 */
const FIRST_PAINT_WAIT_MS = 250;

const settlesWithin = (promise: Promise<unknown>, ms: number) =>
  Promise.race([promise.then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), ms))]);

export async function generateMetadata({ params }: RefPageProps): Promise<Metadata> {
  const target = resolveRoute((await params).ref);
  switch (target.kind) {
    case 'registry':
      return { title: target.host };
    case 'repository':
    case 'tag':
    case 'digest':
      return { title: formatRef(target) };
    case 'diagnose':
      return { title: `Diagnose ${target.host}` };
    case 'compare':
      return { title: `Compare · ${formatRef(target)}` };
    case 'invalid':
      return { title: 'Invalid image reference' };
    case 'redirect':
      return {};
  }
}

/** Every other URL is an image reference (docs/architecture.md "URLs"). */
export default async function RefPage({ params, searchParams }: RefPageProps) {
  const target = resolveRoute((await params).ref);
  switch (target.kind) {
    case 'redirect':
      redirect(target.to);
    case 'invalid':
      return <InvalidReference part={target.part} input={target.input} message={target.message} />;
    case 'diagnose': {
      // Run in the browser, not prefetched: a diagnosis shows the registry as it is when asked.
      const repository = [(await searchParams).repository].flat()[0]?.trim();
      return <DiagnoseView host={target.host} repository={repository || undefined} />;
    }
    case 'registry':
    case 'repository':
    case 'tag':
    case 'digest':
    case 'compare': {
      const query = await searchParams;
      const param = (name: string) => [query[name]].flat()[0] || undefined;
      const prefetchTarget: PrefetchTarget = target.kind === 'compare' ? { ...target, a: param('a'), b: param('b'), platform: param('platform') } : target;
      // The view's first queries are fetched while the page renders (./prefetch.ts).
      // Details (sizes, dates) are extras: not worth delaying the first paint for.
      const state = prefetchView(prefetchTarget, { sort: param('sort'), namespace: param('namespace'), detailsWaitMs: FIRST_PAINT_WAIT_MS - 50 });
      if (await settlesWithin(state, FIRST_PAINT_WAIT_MS)) return <Prefetched state={state} target={prefetchTarget} />;
      return (
        <Suspense fallback={<ViewSkeleton kind={target.kind === 'compare' ? 'digest' : target.kind} />}>
          <Prefetched state={state} target={prefetchTarget} />
        </Suspense>
      );
    }
  }
}

async function Prefetched({ state, target }: { state: Promise<DehydratedState>; target: PrefetchTarget }) {
  return <HydrationBoundary state={await state}>{view(target)}</HydrationBoundary>;
}

function view(target: PrefetchTarget): React.ReactNode {
  if (target.kind === 'registry') return <RegistryView host={target.host} />;
  const { host, repository } = target;
  // This browser remembers the repositories it opened, for registries that do not list theirs.
  const remembered = (queryKey: readonly unknown[], children: React.ReactNode) => (
    <>
      <RememberRepository host={host} repository={repository} queryKey={queryKey} />
      {children}
    </>
  );
  switch (target.kind) {
    case 'repository':
      return remembered(keys.tags(host, repository), <RepositoryView host={host} repository={repository} />);
    case 'tag':
      return remembered(keys.manifest(host, repository, target.tag), <ManifestView host={host} repository={repository} tag={target.tag} />);
    case 'digest':
      return remembered(keys.manifest(host, repository, target.digest), <ManifestView host={host} repository={repository} digest={target.digest} />);
    case 'compare':
      return <CompareView host={host} repository={repository} a={target.a} b={target.b} platform={target.platform} />;
  }
}
