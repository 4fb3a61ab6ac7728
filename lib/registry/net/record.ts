// A transport that keeps a record of every exchange through it: the request as it was sent (its
// authorization redacted: "Basic alice:•••", "Bearer ••• (612 characters)"), the answer (status,
// headers, where redirects led, the certificate) or the failure, and how long it took. The
// diagnosis sends each of its steps through one, and shows what it kept.
import { performance } from 'node:perf_hooks';
import { RegistryError } from '../errors';
import type { HttpResponse } from './http';
import type { Transport, TransportRequest } from './transport';

/** What stands for a secret wherever one would be shown. */
export const REDACTED = '•••';

/** One request as it was sent, and how it ended. */
export interface RecordedRequest {
  method: TransportRequest['method'];
  /** The URL as sent, query included (service, scope, account: never a secret). */
  url: string;
  /** How it authenticated, redacted. */
  authorization?: string;
  /** The answer's status; absent when none came (refused, unreachable, timed out). */
  status?: number;
  /** Where redirects led, when not to `url`. */
  finalUrl?: string;
  ms: number;
}

export interface Exchange {
  sent: RecordedRequest;
  request: TransportRequest;
  response?: HttpResponse;
  /** Why no answer came: a RegistryError (an unforeseen failure is not recorded, only thrown). */
  error?: RegistryError;
}

/** A request's Authorization as it may be shown: the Basic username, a token's length. */
export function redactAuthorization(header: string | undefined, username: string | undefined): string | undefined {
  if (!header) return undefined;
  if (/^basic /i.test(header)) return `Basic ${username ?? ''}:${REDACTED}`;
  const token = header.replace(/^bearer /i, '');
  return `Bearer ${REDACTED} (${token.length} characters)`;
}

/** A request as it would be recorded, before (or without) sending it. */
export function describeRequest(request: TransportRequest, username: string | undefined): RecordedRequest {
  const sent: RecordedRequest = { method: request.method, url: request.url.href, ms: 0 };
  const authorization = redactAuthorization(request.headers.authorization, username);
  if (authorization) sent.authorization = authorization;
  return sent;
}

/** `transport`, recording each exchange in `exchanges`, in the order they were sent; `username` names Basic credentials. */
export function recording(transport: Transport, username: string | undefined): { transport: Transport; exchanges: Exchange[] } {
  const exchanges: Exchange[] = [];
  const recorder: Transport = async (request) => {
    const exchange: Exchange = { sent: describeRequest(request, username), request };
    exchanges.push(exchange);
    const start = performance.now();
    try {
      const response = await transport(request);
      exchange.sent.ms = Math.round(performance.now() - start);
      exchange.sent.status = response.status;
      if (response.url.href !== request.url.href) exchange.sent.finalUrl = response.url.href;
      exchange.response = response;
      return response;
    } catch (e) {
      exchange.sent.ms = Math.round(performance.now() - start);
      if (e instanceof RegistryError) exchange.error = e;
      throw e;
    }
  };
  return { transport: recorder, exchanges };
}
