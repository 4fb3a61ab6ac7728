import type { QueryClient } from '@tanstack/react-query';
import { READS, endpoints, type Source } from '@/lib/api/endpoints';
import { send } from './fetch';

// Where a QueryClient's query functions read from (lib/api/endpoints.ts `Source`). In the browser,
// Berth's route handlers over HTTP; on the server, while a page renders, the functions those
// handlers call (lib/server/endpoints.ts), handed to the page's own QueryClient. Every query
// function asks `sourceOf(client)`: prefetching a query and fetching it are one code path.

/** Every read endpoint over HTTP, from the browser. */
export const browserSource = Object.fromEntries(
  READS.map((name) => [name, (input: never, init?: { signal?: AbortSignal }) => send(endpoints[name], input, { signal: init?.signal })]),
) as Source;

const sources = new WeakMap<QueryClient, Source>();

/** `client`'s queries read from `source` from now on. */
export function readFrom(client: QueryClient, source: Source): QueryClient {
  sources.set(client, source);
  return client;
}

/** Where `client`'s queries read from: the browser's, unless it was given another. */
export function sourceOf(client: QueryClient): Source {
  return sources.get(client) ?? browserSource;
}
