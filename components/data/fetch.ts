import { urlOf, type BodyOf, type Endpoint, type InputOf } from '@/lib/api/endpoints';
import type { ApiErrorBody, ErrorCode } from '@/lib/api/types';
import { withBasePath } from '@/lib/base-path';

/** Code used when Berth's own server (not the registry) could not be reached or answered garbage. */
export const SERVER_UNAVAILABLE = 'SERVER_UNAVAILABLE';

/** What the browser can meet: the server's codes, and its own for a server that did not answer. */
export type ClientErrorCode = ErrorCode | typeof SERVER_UNAVAILABLE;

/** A failed call to Berth's own API, carrying the envelope's fields (see ApiErrorBody). */
export class ApiError extends Error {
  readonly code: ClientErrorCode;
  readonly status: number;
  readonly retryAfter: number | undefined;
  readonly registry: string | undefined;

  constructor(body: Omit<ApiErrorBody['error'], 'code'> & { code: ClientErrorCode }) {
    super(body.message);
    this.name = 'ApiError';
    this.code = body.code;
    this.status = body.status;
    this.retryAfter = body.retryAfter;
    this.registry = body.registry;
  }
}

const SERVER_UNAVAILABLE_MESSAGE = "Berth's server did not answer; is it running?";

function isErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error: unknown = value.error;
  return (
    typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' && 'message' in error && typeof error.message === 'string'
  );
}

/**
 * Calls one of Berth's route handlers (`path` as in app/api, e.g. "/api/session", written by
 * lib/api/endpoints.ts's urlOf; the base path is added here) and returns its JSON.
 * Throws ApiError for the error envelope, and for anything that is not JSON at all.
 */
export async function apiFetch<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  headers.set('accept', 'application/json');
  if (init.body !== undefined) headers.set('content-type', 'application/json');

  let response: Response;
  try {
    response = await fetch(withBasePath(path), { ...init, headers, credentials: 'same-origin' });
  } catch (cause) {
    // An aborted query is not an error worth showing; let TanStack Query see the abort.
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError({ code: SERVER_UNAVAILABLE, message: SERVER_UNAVAILABLE_MESSAGE, status: 0 });
  }

  if (response.status === 204) return undefined as T;

  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new ApiError({
      code: SERVER_UNAVAILABLE,
      message: SERVER_UNAVAILABLE_MESSAGE,
      status: response.status,
    });
  }

  if (!response.ok || isErrorBody(body)) {
    if (isErrorBody(body)) {
      throw new ApiError({ ...body.error, status: body.error.status || response.status });
    }
    throw new ApiError({
      code: 'UNKNOWN',
      message: `Berth's server answered ${response.status} without an explanation.`,
      status: response.status,
    });
  }
  return body as T;
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/** One request to `endpoint` from the browser: its URL from the row, its method, its answer's body. */
export function send<E extends Endpoint>(endpoint: E, input: InputOf<E>, init: RequestInit = {}): Promise<BodyOf<E>> {
  return apiFetch<BodyOf<E>>(urlOf(endpoint, input), { ...init, method: endpoint.method });
}
