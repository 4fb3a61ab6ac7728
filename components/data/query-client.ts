import { QueryClient, isServer } from '@tanstack/react-query';
import type { Source } from '@/lib/api/endpoints';
import { ApiError, type ClientErrorCode } from './fetch';
import { readFrom } from './source';

/**
 * Errors Berth's server already waited out or judged for good: asking again at once only keeps
 * the person looking at a skeleton (a TIMEOUT took the whole upstream timeout). The error box has
 * a Retry button for when they want to.
 */
const FINAL_CODES = new Set<ClientErrorCode>(['TIMEOUT', 'UNREACHABLE', 'TLS', 'NOT_A_REGISTRY', 'NOT_ALLOWED', 'BAD_RESPONSE']);

/** Client errors (4xx) will not change by asking again; a registry's passing 5xx may, once. */
function shouldRetry(failureCount: number, error: unknown): boolean {
  if (error instanceof ApiError) {
    if (error.status < 500 || FINAL_CODES.has(error.code)) return false;
    return failureCount < 1;
  }
  return failureCount < 2; // Berth's own server did not answer (restarting, network blip)
}

function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        retry: shouldRetry,
      },
      mutations: { retry: false },
    },
  });
}

let browserQueryClient: QueryClient | undefined;

/** A new client per server render, one for the life of the browser tab. */
export function getQueryClient(): QueryClient {
  if (isServer) return makeQueryClient();
  browserQueryClient ??= makeQueryClient();
  return browserQueryClient;
}

/**
 * The QueryClient of one page render on the server (one person's data never lands in another's
 * cache), reading from `source`. A query that fails there is not asked again: the browser asks,
 * and shows the error.
 */
export function renderQueryClient(source: Source): QueryClient {
  const client = makeQueryClient();
  client.setDefaultOptions({ ...client.getDefaultOptions(), queries: { ...client.getDefaultOptions().queries, retry: false } });
  return readFrom(client, source);
}
