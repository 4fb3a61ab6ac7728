import type { QueryClient, QueryKey } from '@tanstack/react-query';
import type { RequestScope } from '@/lib/registry';
import type { RouteTarget } from '@/lib/route-target';

// What every view of an image-reference URL is (./index.ts lists them): its title, what it
// fetches while the page renders, the view itself, and its shape while a slow registry answers.
// ../prefetch.tsx runs the prefetch within its budget and decides what the first paint waits for.

/** The kinds of page an image-reference URL shows (lib/route-target.ts). */
export type ViewKind = 'registry' | 'repository' | 'tag' | 'digest' | 'compare' | 'files' | 'diagnose';
export type ViewTarget<K extends ViewKind = ViewKind> = Extract<RouteTarget, { kind: K }>;

/** One of the page's query parameters, as in its link (its first value; an empty one is none). */
export type Search = (name: string) => string | undefined;

/** What a view's prefetch works with. */
export interface Prefetch {
  /** The page's own QueryClient, whose queries read from the server (lib/server/source.ts). */
  queryClient: QueryClient;
  /** Who is asking: their budget of requests to registries. */
  scope: RequestScope;
  /** Waits for `work` no longer than the first paint does: extras (sizes, dates) never delay it. */
  extras(work: Promise<unknown>): Promise<void>;
  /**
   * Hands these queries (already started) to the browser as they are when the page is rendered:
   * answered ones in the first paint, those still running streamed in after it (the browser does
   * not ask again). Only for queries that answer failures as data.
   */
  stream(queryKeys: readonly QueryKey[]): void;
}

/** The view of targets `T`; one of several kinds (the manifest view: tag and digest) serves each of them. */
export interface View<in T extends ViewTarget> {
  /** The page's title. */
  title(target: T): string;
  /** The view's first queries, answered while the page renders; a view without one renders at once. */
  prefetch?(p: Prefetch, target: T, search: Search): Promise<void>;
  view(target: T, search: Search): React.ReactNode;
  /** Shaped like the view, shown while a slow registry answers. */
  skeleton: React.ReactNode;
}
