// The transport under the authoriser: one request, following redirects. Authorization goes only
// to the origin it was meant for (a registry's 307 to a CDN must not carry the registry token),
// and neither does a request body (the Hub API's sign-in carries the secret in its body).
// Tests replace the whole transport with a stub (auth.test.ts).
import type { RegistryContext, RequestScope } from '../context';
import { RegistryError, badResponse } from '../errors';
import { send, type HttpRequest, type HttpResponse } from './http';

export interface TransportRequest {
  url: URL;
  method: 'GET' | 'HEAD' | 'POST' | 'DELETE';
  headers: Record<string, string>;
  /** A POST's body (JSON): resent only by a 307 or 308 to the same origin. */
  body?: Uint8Array;
  maxBytes: number;
  /** Reads a 200 (or ranged 206) answer's body as it arrives (see HttpRequest.consume); a redirect's is read as usual. */
  consume?: HttpRequest['consume'];
  idleTimeoutMs?: number;
  /** Ends this request instead of the person's signal: work shared by several people ends when none of them waits. */
  signal?: AbortSignal;
}

export type Transport = (request: TransportRequest) => Promise<HttpResponse>;

const MAX_REDIRECTS = 5;

const isRedirect = (status: number) => status === 301 || status === 302 || status === 303 || status === 307 || status === 308;

function timedOut(host: string, timeoutMs: number): RegistryError {
  return new RegistryError({
    code: 'TIMEOUT',
    host,
    message: `${host} did not answer within ${Math.round(timeoutMs / 1000)} s. Try again, or check that the registry is up.`,
  });
}

/**
 * `host` names the registry in error messages; `scope` says whose budget of requests in flight
 * each hop uses, and ends the request when that person has gone.
 */
export function followingTransport(context: RegistryContext, host: string, scope: RequestScope = { client: '' }): Transport {
  return async ({ url, method, headers, body, maxBytes, consume, idleTimeoutMs, signal = scope.signal }) => {
    let current = url;
    let currentMethod = method;
    let currentHeaders = headers;
    let currentBody = body;
    // One deadline for the request and all its redirects: a chain of slow hops cannot add up.
    const deadline = Date.now() + context.timeoutMs;
    for (let hops = 0; ; hops++) {
      context.stats.requests++;
      const left = deadline - Date.now();
      if (left <= 0) throw timedOut(host, context.timeoutMs);
      const hop = {
        url: current,
        method: currentMethod,
        headers: currentHeaders,
        body: currentBody,
        maxBytes,
        timeoutMs: left,
        reportedTimeoutMs: context.timeoutMs,
        signal,
        resolve: context.resolve,
        consume,
        idleTimeoutMs,
      };
      // Waiting for a slot counts against the same deadline: a request that waited too long is not sent.
      const res = await context.limiter.run(current.origin, () => send(context.policy, { ...hop, timeoutMs: Math.max(1, deadline - Date.now()) }), {
        client: scope.client,
        signal,
        deadline,
        host,
      });
      const location = res.headers.get('location');
      // A DELETE is answered where it was sent: Berth never repeats one at an address the registry names.
      if (!isRedirect(res.status) || !location || currentMethod === 'DELETE') return res;
      if (hops >= MAX_REDIRECTS) throw badResponse(host, `${host} redirected more than ${MAX_REDIRECTS} times; Berth stopped following.`);
      let next: URL;
      try {
        next = new URL(location, current);
      } catch {
        throw badResponse(host, `${host} redirected to an address that is not a valid URL; Berth cannot follow it.`);
      }
      if (currentBody !== undefined && (res.status === 301 || res.status === 302 || res.status === 303)) {
        // As browsers do: the next hop is a GET without the body.
        const { 'content-type': _type, ...rest } = currentHeaders;
        currentHeaders = rest;
        currentMethod = 'GET';
        currentBody = undefined;
      }
      if (next.origin !== current.origin) {
        if (currentBody !== undefined)
          throw badResponse(
            host,
            `${host} redirected a request with credentials in its body to another address (${next.host}); Berth does not send them there.`,
          );
        const { authorization: _dropped, ...rest } = currentHeaders;
        currentHeaders = rest;
      }
      current = next;
    }
  };
}
