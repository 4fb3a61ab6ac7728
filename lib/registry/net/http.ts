// The one place Berth opens connections to registries, realms and redirect targets.
// Every request: passes the address policy (checked again on the resolved address at connect
// time), has a deadline, and reads at most `maxBytes` of body. Redirects are NOT followed here.
import http from 'node:http';
import https from 'node:https';
import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { TLSSocket, type PeerCertificate } from 'node:tls';
import { RegistryError } from '../errors';
import type { AddressPolicy } from '../policy';
import { createResolver, type ResolveName } from '../resolve';

/** What a request that reads its answer as it arrives (`consume`) keeps of an answer it does not read so: 1 MiB. */
export const MAX_UNSTREAMED_BYTES = 1024 * 1024;

export interface HttpRequest {
  url: URL;
  method?: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  headers?: Record<string, string>;
  body?: Uint8Array;
  maxBytes: number;
  timeoutMs: number;
  /** The timeout to name in a message when this request is what is left of a longer one. */
  reportedTimeoutMs?: number;
  /** Ends the request (and the connection) when whoever asked for it has gone. */
  signal?: AbortSignal;
  /** Resolves the URL's name; a shared resolver with the system's DNS servers by default. */
  resolve?: ResolveName;
  /**
   * Reads a 200 answer's body as it arrives instead of keeping it (`maxBytes` still bounds it),
   * and a 206's when the request asked for a `range`: the answer's `body` is then empty and
   * `consumed` holds what this returned. Other answers are read as usual. `timeoutMs` then bounds
   * the wait for the answer's head only; from there the body may take as long as it keeps coming
   * (`idleTimeoutMs` of silence ends it).
   */
  consume?: (body: AsyncIterable<Buffer>, answer: { status: number; headers: ResponseHeaders }) => Promise<unknown>;
  idleTimeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  url: URL;
  headers: ResponseHeaders;
  body: Buffer;
  /** What the request's `consume` returned, when it read this answer's body. */
  consumed?: unknown;
  /** The certificate the server presented, for https answers (shown by the diagnosis). */
  tls?: TlsFacts;
}

/** What a person checks about a certificate: who it names, who issued it, when it is valid. */
export interface TlsFacts {
  /** "CN=registry.example.com" */
  subject: string;
  /** "C=US, O=Let's Encrypt, CN=R11" */
  issuer: string;
  /** ISO dates */
  validFrom: string;
  validTo: string;
  /** The names it covers ("DNS:registry.example.com, DNS:*.example.com"), cut at 300 characters. */
  altNames?: string;
  /** "TLSv1.3" */
  protocol?: string;
}

/** "C=US, O=Example, CN=R11": a certificate name as people read it. */
const distinguishedName = (name: PeerCertificate['subject'] | undefined): string =>
  Object.entries(name ?? {})
    .map(([key, value]) => `${key}=${[value].flat().join('+')}`)
    .join(', ');

const isoDate = (text: string): string => {
  const time = Date.parse(text);
  return Number.isNaN(time) ? text : new Date(time).toISOString();
};

/** The certificate of a TLS connection (for the diagnosis); undefined on plain connections. */
export function tlsFactsOf(socket: unknown): TlsFacts | undefined {
  if (!(socket instanceof TLSSocket)) return undefined;
  const cert = socket.getPeerCertificate();
  if (!cert || !cert.valid_to) return undefined;
  return {
    subject: distinguishedName(cert.subject),
    issuer: distinguishedName(cert.issuer),
    validFrom: isoDate(cert.valid_from),
    validTo: isoDate(cert.valid_to),
    ...(cert.subjectaltname ? { altNames: cert.subjectaltname.slice(0, 300) } : {}),
    ...(socket.getProtocol() ? { protocol: socket.getProtocol() ?? undefined } : {}),
  };
}

export class ResponseHeaders {
  private readonly map = new Map<string, string[]>();
  constructor(raw: readonly string[]) {
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = (raw[i] ?? '').toLowerCase();
      const list = this.map.get(name) ?? [];
      list.push(raw[i + 1] ?? '');
      this.map.set(name, list);
    }
  }
  get(name: string): string | undefined {
    const list = this.map.get(name.toLowerCase());
    return list ? list.join(', ') : undefined;
  }
  getAll(name: string): string[] {
    return this.map.get(name.toLowerCase()) ?? [];
  }
}

const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 16, maxFreeSockets: 8, timeout: 30_000 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 16, maxFreeSockets: 8, timeout: 30_000 }),
};

let defaultResolver: ResolveName | undefined;

/** The resolver requests use when they bring none: the system's DNS servers, read once. */
export function sharedResolver(): ResolveName {
  defaultResolver ??= createResolver();
  return defaultResolver;
}

function policyLookup(policy: AddressPolicy, url: URL, privateOk: boolean, resolve: ResolveName): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, privateOk).then(
      (resolved) => {
        const wanted = options.family === 4 || options.family === 6 ? resolved.filter((a) => a.family === options.family) : resolved;
        const addresses: LookupAddress[] = wanted.map((a) => ({ address: a.address, family: a.family }));
        try {
          for (const a of addresses) policy.checkResolved(url, a.address, privateOk);
        } catch (e) {
          return callback(e as NodeJS.ErrnoException, '', 0);
        }
        if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
        const first = addresses[0];
        if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
        callback(null, first.address, first.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };
}

const TLS_CODES = /^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_OSSL|HOSTNAME_MISMATCH)/;

const CONNECTION_FAILURES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'the connection was refused',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved right now',
  ECONNRESET: 'the connection was reset',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  EPIPE: 'the connection was closed',
};

/** Why a connection failed, in words ("the connection was refused"), from the error of an UNREACHABLE. */
export function connectionFailure(err: unknown): string {
  const cause = err instanceof RegistryError ? err.cause : err;
  const code = (cause as { code?: string } | undefined)?.code ?? '';
  return CONNECTION_FAILURES[code] ?? `network error${code ? ` (${code})` : ''}`;
}

/** "4 MiB", "64 KiB". */
function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

function tooLarge(host: string, maxBytes: number): RegistryError {
  return new RegistryError({
    code: 'BAD_RESPONSE',
    host,
    detail: { tooLarge: true },
    message: `${host} sent an answer larger than ${size(maxBytes)}, more than Berth reads for one request, so it is not shown. A registry client such as skopeo or crane can inspect it.`,
  });
}

function transportError(url: URL, err: unknown, timeoutMs: number): RegistryError {
  if (err instanceof RegistryError) return err;
  const code = (err as { code?: string }).code ?? '';
  const host = url.host;
  if (code === 'ETIMEDOUT' || code === 'ABORT_ERR' || (err as Error).name === 'TimeoutError' || (err as Error).name === 'AbortError') {
    return new RegistryError({
      code: 'TIMEOUT',
      host,
      message: `${host} did not answer within ${Math.round(timeoutMs / 1000)} s. Try again, or check that the registry is up.`,
      cause: err,
    });
  }
  if (TLS_CODES.test(code) || /certificate|SSL|TLS/i.test((err as Error).message ?? '')) {
    return new RegistryError({
      code: 'TLS',
      host,
      message: `The secure connection to ${host} failed (${code || 'TLS error'}): its certificate is not trusted or does not match. Check the address, or ask its owner about the certificate.`,
      cause: err,
    });
  }
  return new RegistryError({
    code: 'UNREACHABLE',
    host,
    message: `Could not connect to ${host}: ${connectionFailure(err)}. Check the address and that the registry is running.`,
    cause: err,
  });
}

/** The connection broke after the answer began: the registry is there, its answer is not whole. */
function cutShort(url: URL, err: unknown, received: number, announced: string | undefined): RegistryError {
  const of = announced !== undefined && /^\d+$/.test(announced) ? ` (${received} of ${announced} bytes)` : '';
  return new RegistryError({
    code: 'UNAVAILABLE',
    host: url.host,
    message: `${url.host} closed the connection before its answer was complete${of}. Try again; if it keeps happening, the registry or a proxy in front of it is cutting answers short.`,
    cause: err,
  });
}

export function send(policy: AddressPolicy, req: HttpRequest): Promise<HttpResponse> {
  const { url } = req;
  let privateOk: boolean;
  try {
    ({ privateOk } = policy.check(url));
  } catch (e) {
    return Promise.reject(e);
  }
  const isHttps = url.protocol === 'https:';
  const mod = isHttps ? https : http;
  return new Promise<HttpResponse>((resolve, reject) => {
    let settled = false;
    /** How a failure is reported once the answer has begun. */
    let broken: ((err: unknown) => void) | undefined;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(transportError(url, err, req.reportedTimeoutMs ?? req.timeoutMs));
    };
    const r = mod.request(
      url,
      {
        method: req.method ?? 'GET',
        headers: { 'user-agent': 'Berth (registry browser)', ...req.headers },
        agent: isHttps ? agents.https : agents.http,
        lookup: policyLookup(policy, url, privateOk, req.resolve ?? sharedResolver()),
      },
      (res) => {
        const tls = isHttps ? tlsFactsOf(res.socket) : undefined;
        const chunks: Buffer[] = [];
        let received = 0;
        // Settle before destroying: destroying reports the connection as reset, which would win.
        const stop = (err: RegistryError) => {
          fail(err);
          res.destroy();
        };
        const announced = res.headers['content-length'];
        const streamed = res.statusCode === 200 || (res.statusCode === 206 && req.headers?.range !== undefined);
        // What a request that reads its answer as it arrives keeps of any other answer (an error, a
        // redirect) is a document, never a layer's worth.
        const maxBytes = req.consume && !streamed ? Math.min(req.maxBytes, MAX_UNSTREAMED_BYTES) : req.maxBytes;
        // A HEAD announces the length of the GET it stands for, and brings no body.
        if (req.method !== 'HEAD' && Number(announced) > maxBytes) return stop(tooLarge(url.host, maxBytes));
        if (req.consume && streamed && req.method !== 'HEAD') {
          clearTimeout(timer);
          // A broken connection reaches the consumer through the body it reads, said as below.
          broken = (err: unknown) => res.destroy(err instanceof Error ? err : new Error(String(err)));
          const consume = req.consume;
          const idleMs = req.idleTimeoutMs ?? req.timeoutMs;
          let idle: ReturnType<typeof setTimeout> | undefined;
          const arm = () => {
            clearTimeout(idle);
            idle = setTimeout(() => res.destroy(Object.assign(new Error('idle'), { code: 'ETIMEDOUT' })), idleMs);
          };
          async function* body(): AsyncGenerator<Buffer> {
            try {
              for await (const chunk of res as AsyncIterable<Buffer>) {
                arm();
                received += chunk.length;
                if (received > req.maxBytes) throw tooLarge(url.host, req.maxBytes);
                yield chunk;
              }
            } catch (err) {
              if (err instanceof RegistryError) throw err;
              if ((err as { code?: string }).code === 'ETIMEDOUT') {
                throw new RegistryError({
                  code: 'TIMEOUT',
                  host: url.host,
                  message: `${url.host} stopped sending its answer for ${Math.round(idleMs / 1000)} s. Try again, or check that the registry is up.`,
                  cause: err,
                });
              }
              throw cutShort(url, err, received, announced);
            } finally {
              clearTimeout(idle);
            }
            if (!res.complete) throw cutShort(url, new Error('response ended early'), received, announced);
          }
          arm();
          const headers = new ResponseHeaders(res.rawHeaders);
          const status = res.statusCode ?? 200;
          consume(body(), { status, headers }).then(
            (consumed) => {
              // A consumer that has what it wanted before the end (a file near a layer's start) ends the download.
              if (!res.complete) res.destroy();
              if (settled) return;
              settled = true;
              resolve({ status, url, headers, body: Buffer.alloc(0), consumed, ...(tls ? { tls } : {}) });
            },
            (err: unknown) => {
              res.destroy();
              if (settled) return;
              settled = true;
              reject(err);
            },
          );
          return;
        }
        // Once the answer has begun, a broken connection means a cut-off answer, not an unreachable host.
        const onBroken = (err: unknown) => fail((err as { code?: string }).code === 'ETIMEDOUT' ? err : cutShort(url, err, received, announced));
        broken = onBroken;
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > maxBytes) return stop(tooLarge(url.host, maxBytes));
          chunks.push(chunk);
        });
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, url, headers: new ResponseHeaders(res.rawHeaders), body: Buffer.concat(chunks), ...(tls ? { tls } : {}) });
        });
        res.on('error', onBroken);
        res.on('aborted', () => onBroken(Object.assign(new Error('response aborted'), { code: 'ECONNRESET' })));
      },
    );
    const timer = setTimeout(() => {
      fail(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }));
      r.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }));
    }, req.timeoutMs);
    r.on('error', (err) => (broken ?? fail)(err));
    // The person left: stop reading and close the connection (a pooled one would still carry the answer).
    const onAbort = () => {
      if (settled) return;
      fail(new RegistryError({ code: 'CANCELLED', host: url.host, message: 'The request was cancelled.' }));
      r.destroy();
    };
    if (req.signal?.aborted) onAbort();
    else req.signal?.addEventListener('abort', onAbort, { once: true });
    r.once('close', () => req.signal?.removeEventListener('abort', onAbort));
    if (req.body) r.end(Buffer.from(req.body));
    else r.end();
  });
}
