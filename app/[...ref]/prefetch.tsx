import 'server-only';
import { Suspense } from 'react';
import { HydrationBoundary, defaultShouldDehydrateQuery, dehydrate, hashKey, type DehydratedState, type QueryKey } from '@tanstack/react-query';
import type { ManifestBody } from '@/lib/api/types';
import { RegistryError, traitsOf } from '@/lib/registry';
import { configQueryOptions, detailQueryOptions, keys, manifestQueryOptions, renderQueryClient } from '@/components/data';
import { renderScope } from '@/lib/server/api';
import { serverSource } from '@/lib/server/source';
import type { Prefetch, Search, View, ViewTarget } from './views/view';

// How a view's page is rendered: its first queries are answered while the page renders and handed
// to the browser's QueryClient through <HydrationBoundary>. They are the browser's own query
// options, query functions included: the page's QueryClient reads from the server's source
// (lib/server/source.ts: what the route handlers answer, called directly instead of over HTTP), so
// the hydrated entries are exactly those the hooks read, made the same way.
//
// Prefetch is an optimisation only: any failure (sign-in needed, denied, unreachable…) leaves
// the query out, and the client fetches it through the route handler and shows its error or
// sends the person to sign in, as without prefetch. A slow registry is not waited on for long.

/** The longest a page's prefetch goes on: what is not there by then, the browser asks for. */
const PREFETCH_BUDGET_MS = 3_000;

/**
 * How long the page waits for its data before sending anything. A registry that answers within
 * it gets a first paint with the data in it (and a page that works without JavaScript); a slower
 * one gets the view's skeleton at once and the data streamed in when it comes.
 */
const FIRST_PAINT_WAIT_MS = 250;

/** Extras (sizes, dates) are waited for a little less, so the page is rendered within the first paint's wait. */
const EXTRAS_WAIT_MS = FIRST_PAINT_WAIT_MS - 50;

/**
 * What details painted without are waited for: long enough for answers Berth's server already
 * knows (its caches answer within a few event-loop turns), too short for anything a registry is asked.
 */
const KNOWN_WAIT_MS = 25;

export function reportUnexpected(err: unknown): void {
  if (err instanceof RegistryError) return; // the client will fetch it again and show it
  console.error('Berth: page prefetch failed unexpectedly:', err instanceof Error ? err.message : String(err));
}

const settlesWithin = (promise: Promise<unknown>, ms: number) => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  return Promise.race([promise.then(() => true), late]).finally(() => clearTimeout(timer));
};

/**
 * Details of tags or digests, each the query of its row: what is answered within the wait is in
 * the first paint, and what is still coming then streams in after it (the browser does not ask
 * for it again). The wait is the extras' (a tag list's first screen), or with `paintWithout` only
 * as long as answers Berth's caches already hold take (an index's rows are its own entries).
 * Not where reading a manifest is a pull: a page being rendered spends none of the person's pulls.
 */
export async function fillDetails(p: Prefetch, host: string, repository: string, references: string[], { paintWithout = false } = {}): Promise<void> {
  if (references.length === 0 || traitsOf(host).readsArePulls) return;
  const work = Promise.all(references.map((reference) => p.queryClient.fetchQuery(detailQueryOptions(host, repository, reference)).catch(reportUnexpected)));
  await (paintWithout ? settlesWithin(work, KNOWN_WAIT_MS) : p.extras(work));
  p.stream(references.map((reference) => keys.detail(host, repository, reference)));
}

/** A manifest, and an image's config: its facts come from there. */
export async function fillManifest(p: Prefetch, host: string, repository: string, reference: string): Promise<ManifestBody> {
  const manifest = await p.queryClient.fetchQuery(manifestQueryOptions(host, repository, reference));
  // Without the config the page would paint a skeleton and ask again right after hydration. Its
  // failure costs the manifest nothing.
  if (manifest.kind === 'image' && !manifest.isArtifact) {
    await p.queryClient.fetchQuery(configQueryOptions(host, repository, manifest.config.digest)).catch(reportUnexpected);
  }
  return manifest;
}

/** The dehydrated cache of `view`'s prefetch: what could be fetched within the budget, nothing for what failed. Never throws. */
async function prefetched<T extends ViewTarget>(view: View<T>, target: T, search: Search): Promise<DehydratedState> {
  const extrasUntil = Date.now() + EXTRAS_WAIT_MS;
  const scope = await renderScope();
  // A new QueryClient per request: one person's data never lands in another's cache.
  const queryClient = renderQueryClient(serverSource(scope));
  const extras = async (work: Promise<unknown>) => {
    await settlesWithin(work, Math.max(0, extrasUntil - Date.now()));
  };
  // Queries handed over still in flight (their hashes): the browser's QueryClient takes their
  // promises and waits for the answers streamed in after the first paint, instead of asking.
  const streamed = new Set<string>();
  const stream = (queryKeys: readonly QueryKey[]) => {
    for (const key of queryKeys) streamed.add(hashKey(key));
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const budget = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, PREFETCH_BUDGET_MS);
  });
  try {
    await Promise.race([view.prefetch?.({ queryClient, scope, extras, stream }, target, search).catch(reportUnexpected), budget]);
  } finally {
    clearTimeout(timer);
  }
  // Successful queries are dehydrated (TanStack's default), and the streamed ones still running
  // (with their promises); failed or other running ones are left for the client to fetch. Only
  // queries that answer failures as data are streamed (details: an error per row), so what
  // streams in fails only when something unforeseen broke: such a promise reaches the browser as
  // an anonymous error (which it retries through the route handler) and the server's log as one.
  return dehydrate(queryClient, {
    shouldDehydrateQuery: (query) => defaultShouldDehydrateQuery(query) || (query.state.status === 'pending' && streamed.has(query.queryHash)),
  });
}

async function Hydrated({ state, children }: { state: Promise<DehydratedState>; children: React.ReactNode }) {
  return <HydrationBoundary state={await state}>{children}</HydrationBoundary>;
}

/**
 * The page of `view`: with the data its prefetch found when that took no longer than the first
 * paint's wait, else its skeleton at once and the view streamed in when the data is there (or
 * the budget is spent). A view without a prefetch renders at once.
 */
export async function renderView<T extends ViewTarget>(view: View<T>, target: T, search: Search): Promise<React.ReactNode> {
  if (!view.prefetch) return view.view(target, search);
  const state = prefetched(view, target, search);
  const page = <Hydrated state={state}>{view.view(target, search)}</Hydrated>;
  if (await settlesWithin(state, FIRST_PAINT_WAIT_MS)) return page;
  return <Suspense fallback={view.skeleton}>{page}</Suspense>;
}
