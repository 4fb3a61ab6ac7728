// One run of a diagnosis, and what each of its steps shares: the registry and who asks, the
// recording transport every request goes through (../net/record.ts), the secrets to scrub from
// the result, how a step reads when no answer came, and how later requests authenticate once the
// handshake is done.
import { performance } from 'node:perf_hooks';
import type { Peer } from '../auth/handshake';
import type { Credentials, RegistryContext, RequestScope } from '../context';
import { RegistryError, type ErrorCode } from '../errors';
import type { HttpResponse } from '../net/http';
import { describeRequest, recording, type Exchange } from '../net/record';
import { followingTransport, type Transport, type TransportRequest } from '../net/transport';
import { isValidRepository } from '../reference';
import type { Requester } from '../response-error';
import { CATALOG_SCOPE, mergeScopes, repositoryScope, type GrantedAccess } from '../scope';
import type { CurlAuth } from './curl';
import type { DiagnosisRequest, DiagnosisStatus, DiagnosisStep, DiagnosisStepId } from './report';

export interface DiagnoseOptions {
  /** Canonical host ("docker.io", "127.0.0.1:5000"). */
  host: string;
  /** The scheme the session signed in with, if any. */
  scheme?: 'http' | 'https';
  credentials?: Credentials;
  /** A repository whose tag list to check. */
  repository?: string;
  /** Its policy, deadline and concurrency limits are used; its caches are not. */
  context: RegistryContext;
  /** Defaults to the network, following redirects; tests pass a stub. */
  transport?: Transport;
  /** Resolves a host name to addresses; defaults to the context's resolver (lib/registry/resolve.ts). */
  lookup?: (hostname: string, url: URL) => Promise<string[]>;
  /** Whose requests these are; its signal stops the diagnosis before the next request once the browser has gone. */
  scope?: RequestScope;
}

/** A sample is enough: the diagnosis checks that listing works, not what is listed. */
export const SAMPLE = 10;
const SHOWN = 5;

export const ms = (start: number) => Math.round(performance.now() - start);

/** A sample of names as a fact: how many, and the first few. */
export const sampleOf = (names: readonly string[]) =>
  names.length ? `${names.length}: ${names.slice(0, SHOWN).join(', ')}${names.length > SHOWN ? ', …' : ''}` : 'none';

/** A body as JSON, or undefined when it is not. */
export function safeJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Which step's advice wins the summary: failures first, then warnings. */
export const SEVERITY: Record<DiagnosisStatus, number> = { failed: 3, warning: 2, ok: 1, skipped: 0 };

/** `step` failed with `error`; the sentence is the error's message unless said otherwise. */
export function failed(step: DiagnosisStep, start: number, error: { code: ErrorCode; message: string }, sentence = error.message): DiagnosisStep {
  return { ...step, status: 'failed', ms: ms(start), sentence, error: { code: error.code, message: error.message } };
}

/** How a step ends when an earlier one means it cannot run. */
export function skipped(id: DiagnosisStepId, title: string, sentence: string): DiagnosisStep {
  return { id, title, status: 'skipped', ms: 0, sentence, facts: [], requests: [] };
}

/** How requests after the handshake authenticate. */
export type Access = { kind: 'none' } | { kind: 'basic'; header: string } | { kind: 'bearer'; header: string; access?: GrantedAccess[] };

/** One request of a step, as shown, with its answer or why none came. */
export interface Sent {
  request: DiagnosisRequest;
  res?: HttpResponse;
  error?: RegistryError;
}

export class DiagnosisRun {
  readonly host: string;
  /** Who it runs as; undefined when anonymous. */
  readonly username?: string;
  private readonly credentials?: Credentials;
  /** Passwords, Basic strings and tokens: none of them may appear in the result. */
  readonly secrets: string[] = [];
  private readonly recorder: { transport: (request: TransportRequest) => Promise<HttpResponse>; exchanges: Exchange[] };

  constructor(readonly options: DiagnoseOptions) {
    this.host = options.host;
    const c = options.credentials;
    if (c?.username) {
      this.username = c.username;
      this.credentials = c;
      this.secrets.push(c.password, Buffer.from(`${c.username}:${c.password}`).toString('base64'));
    }
    this.recorder = recording(options.transport ?? followingTransport(options.context, options.host, options.scope), this.username);
  }

  /** Every exchange sent so far, in order. */
  get exchanges(): readonly Exchange[] {
    return this.recorder.exchanges;
  }

  /** The registry at `baseUrl` and who asks, as the handshake takes them. */
  peer(baseUrl: URL): Peer {
    return { host: this.host, baseUrl, ...(this.credentials ? { credentials: this.credentials } : {}) };
  }

  get requester(): Requester {
    return this.username === undefined ? { host: this.host } : { host: this.host, username: this.username };
  }

  /** The repository named, when it is a repository name. */
  validRepository(): string | undefined {
    const r = this.options.repository;
    return r !== undefined && isValidRepository(r) ? r : undefined;
  }

  /** What the token is asked for: the catalog, and the repository named. */
  scopesAsked(): string[] {
    const repository = this.validRepository();
    return mergeScopes([CATALOG_SCOPE], repository ? [repositoryScope(repository)] : []);
  }

  curlAuth(access: Access): CurlAuth {
    if (access.kind === 'bearer') return { kind: 'bearer' };
    return access.kind === 'basic' && this.username !== undefined ? { kind: 'basic', username: this.username } : { kind: 'none' };
  }

  headersFor(access: Access): Record<string, string> {
    return access.kind === 'none' ? {} : { authorization: access.header };
  }

  /**
   * One request, timed; a transport failure (refused, unreachable, TLS, timeout) is an outcome too.
   * Only reads: a diagnosis never changes anything at the registry. Once the browser has gone,
   * nothing more is sent.
   */
  async send(request: TransportRequest & { method: 'GET' | 'HEAD' }): Promise<Sent> {
    if (this.options.scope?.signal?.aborted) {
      const shown: DiagnosisRequest = { ...describeRequest(request, this.username), method: request.method };
      return { request: shown, error: new RegistryError({ code: 'INVALID_REQUEST', host: this.host, message: 'The diagnosis was cancelled.' }) };
    }
    try {
      await this.recorder.transport(request);
    } catch (e) {
      if (!(e instanceof RegistryError)) throw e;
    }
    const exchange = this.recorder.exchanges.at(-1) as Exchange;
    return { request: { ...exchange.sent, method: request.method }, res: exchange.response, error: exchange.error };
  }

  /** A step whose request got no answer: the failure is its sentence and its error. */
  failedRequest(id: DiagnosisStepId, title: string, sent: Sent, start: number, curl?: string): DiagnosisStep {
    const error = sent.error ?? new RegistryError({ code: 'INTERNAL', message: 'No answer.' });
    return {
      id,
      title,
      status: 'failed',
      ms: ms(start),
      sentence: error.message,
      facts: [],
      requests: [sent.request],
      error: { code: error.code, message: error.message },
      ...(curl ? { curl } : {}),
    };
  }
}
