// The connection explained step by step (the /HOST/-/diagnose page): the address policy, GET /v2/
// and its challenge, the token request and what it granted, the catalog, a repository's tags and
// the rate-limit headers, each with the curl that reproduces it.
//
// It shows the live state, so it neither reads nor fills the ping and token caches: every request
// is sent afresh, through the same transport, address policy, deadline and size caps as Berth's
// own. Secrets never leave it: a password or token is shown as •••, and every string of the result
// is scrubbed of them before it is returned (a registry may echo a header back in an error).
import { performance } from 'node:perf_hooks';
import { isIP } from 'node:net';
import { z } from 'zod';
import { MAX_TOKEN_BYTES, tokenResponseSchema } from './auth/handshake';
import { MAX_TOKEN_TTL_SECONDS } from './auth/token-cache';
import { findChallenge, parseChallenges, type Challenge } from './challenge';
import type { Credentials, RegistryContext, RequestScope } from './context';
import { curlAddress, curlRateLimits, curlRequest, curlToken, type CurlAuth } from './diagnose-curl';
import { RegistryError, parseErrorBody, parseRetryAfter, type ErrorCode } from './errors';
import type { HttpResponse, TlsFacts } from './net/http';
import { MANIFEST_ACCEPT } from './manifest';
import type { PolicyDecision } from './policy';
import { DOCKER_HUB, isValidRepository, isValidTag, validateRepository } from './reference';
import { errorFromResponse } from './response-error';
import { CATALOG_SCOPE, decodeGrantedAccess, grants, mergeScopes, parseScope, repositoryScope, type GrantedAccess } from './scope';
import { followingTransport, type Transport, type TransportRequest } from './net/transport';

// ---- the result (the body of GET /api/registries/{host}/diagnose) --------------------------------

export type DiagnosisStatus = 'ok' | 'warning' | 'failed' | 'skipped';
export type DiagnosisStepId = 'address' | 'ping' | 'auth' | 'catalog' | 'repository' | 'rate-limits';

export interface DiagnosisFact {
  label: string;
  value: string;
}

/** One HTTP request of a step, as it was sent, and how it ended. */
export interface DiagnosisRequest {
  method: 'GET' | 'HEAD' | 'POST';
  /** The URL as sent, query included (service, scope, account: never a secret). */
  url: string;
  /** How it authenticated, redacted: "Basic alice:•••", "Bearer ••• (612 characters)". */
  authorization?: string;
  /** The answer's status; absent when none came (refused, unreachable, timed out). */
  status?: number;
  /** Where redirects led, when not to `url`. */
  finalUrl?: string;
  ms: number;
}

/** A parsed WWW-Authenticate challenge. */
export interface DiagnosisChallenge {
  scheme: string;
  realm?: string;
  /** The realm resolved against the URL that sent it, when it was relative. */
  realmUrl?: string;
  service?: string;
  scope?: string;
  error?: string;
}

/** One scope asked of the token service, beside what the token carries for it. */
export interface DiagnosisAccess {
  /** As asked, e.g. "registry:catalog:*". */
  scope: string;
  /** The actions the token grants on that resource; [] for nothing. */
  granted: string[];
  /** Every action asked for is granted. */
  covered: boolean;
}

export interface DiagnosisRateLimit {
  header: string;
  value: string;
  /** The request that carried it: "GET /v2/team/app/tags/list". */
  from: string;
}

export interface DiagnosisStep {
  id: DiagnosisStepId;
  title: string;
  status: DiagnosisStatus;
  ms: number;
  /** What this step found, in plain words, and what to do about it. */
  sentence: string;
  facts: DiagnosisFact[];
  requests: DiagnosisRequest[];
  /** Shell commands that reproduce the step; secrets are $PASSWORD and $TOKEN. */
  curl?: string;
  /** The error Berth's other views answer with for what this step met. */
  error?: { code: ErrorCode; message: string };
  challenges?: DiagnosisChallenge[];
  access?: DiagnosisAccess[];
  tls?: TlsFacts;
  rateLimits?: DiagnosisRateLimit[];
}

export interface Diagnosis {
  host: string;
  /** The origin Berth talks to for this host, when the policy allows it. */
  baseUrl?: string;
  /** Who it ran as; null when anonymous. */
  username: string | null;
  repository?: string;
  startedAt: string;
  ms: number;
  /** The worst status of any step. */
  status: Exclude<DiagnosisStatus, 'skipped'>;
  /** The sentence of the first step that failed, else of the first warning, else that all is well. */
  summary: string;
  steps: DiagnosisStep[];
}

// ---- options ---------------------------------------------------------------------------------------

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

const MAX_SMALL_BODY = 1024 * 1024;
const MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;
/** A sample is enough: the diagnosis checks that listing works, not what is listed. */
const SAMPLE = 10;
const SHOWN = 5;
/** A certificate this close to its end is worth a warning. */
const CERTIFICATE_WARNING_DAYS = 14;
/** The headers registries and APIs report rate limits in (Docker Hub's, and the IETF draft's). */
const RATE_LIMIT_HEADERS = [
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'retry-after',
  'docker-ratelimit-source',
];
const REDACTED = '•••';

const catalogSchema = z.object({ repositories: z.array(z.unknown()).nullable().optional() });
const tagsSchema = z.object({ tags: z.array(z.unknown()).nullable().optional() });
const claimsSchema = z.object({ exp: z.number().optional(), iat: z.number().optional() });

const ms = (start: number) => Math.round(performance.now() - start);
const epochIso = (seconds: number | undefined) => (seconds !== undefined && Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString() : undefined);

/** What a request's authentication is called on the page. */
function redactedAuthorization(header: string | undefined, username: string | undefined): string | undefined {
  if (!header) return undefined;
  if (/^basic /i.test(header)) return `Basic ${username ?? ''}:${REDACTED}`;
  const token = header.replace(/^bearer /i, '');
  return `Bearer ${REDACTED} (${token.length} characters)`;
}

/** Which step's advice wins the summary: failures first, then warnings. */
const SEVERITY: Record<DiagnosisStatus, number> = { failed: 3, warning: 2, ok: 1, skipped: 0 };

/** How a step ends when an earlier one means it cannot run. */
function skipped(id: DiagnosisStepId, title: string, sentence: string): DiagnosisStep {
  return { id, title, status: 'skipped', ms: 0, sentence, facts: [], requests: [] };
}

/** Replaces every secret inside any string of `value` (deeply) with •••. */
export function scrubSecrets<T>(value: T, secrets: readonly string[]): T {
  const list = [...new Set(secrets.filter((s) => s.length >= 3))].sort((a, b) => b.length - a.length);
  if (list.length === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return list.reduce((text, secret) => text.split(secret).join(REDACTED), v);
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

interface Exchange {
  request: DiagnosisRequest;
  res?: HttpResponse;
  error?: RegistryError;
}

/** How requests after the ping authenticate. */
type Access = { kind: 'none' } | { kind: 'basic'; header: string } | { kind: 'bearer'; header: string; access?: GrantedAccess[] };

class Diagnoser {
  private readonly transport: Transport;
  private readonly lookup: (hostname: string, url: URL) => Promise<string[]>;
  private readonly secrets: string[] = [];
  private readonly rateLimits: DiagnosisRateLimit[] = [];
  private readonly username?: string;
  private sawTooManyRequests = false;

  constructor(private readonly options: DiagnoseOptions) {
    this.transport = options.transport ?? followingTransport(options.context, options.host, options.scope);
    this.lookup =
      options.lookup ??
      ((hostname, url) => {
        // A name the operator listed resolves as the system would (search domains); others through DNS alone.
        const listed = options.context.policy.check(url).privateOk;
        return options.context.resolve(hostname, listed).then((found) => found.map((a) => a.address));
      });
    const c = options.credentials;
    if (c?.username) {
      this.username = c.username;
      const basic = Buffer.from(`${c.username}:${c.password}`).toString('base64');
      this.secrets.push(c.password, basic);
    }
  }

  private get host(): string {
    return this.options.host;
  }

  private get curlAuthBasic(): CurlAuth {
    return this.username === undefined ? { kind: 'none' } : { kind: 'basic', username: this.username };
  }

  private basicHeader(): string | undefined {
    const c = this.options.credentials;
    return c?.username ? `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}` : undefined;
  }

  /**
   * One request, timed; a transport failure (refused, unreachable, TLS, timeout) is an outcome too.
   * Only reads: a diagnosis never changes anything at the registry.
   */
  private async send(req: TransportRequest & { method: 'GET' | 'HEAD' }): Promise<Exchange> {
    const request: DiagnosisRequest = { method: req.method, url: req.url.href, ms: 0 };
    const authorization = redactedAuthorization(req.headers.authorization, this.username);
    if (authorization) request.authorization = authorization;
    if (this.options.scope?.signal?.aborted) {
      return { request, error: new RegistryError({ code: 'INVALID_REQUEST', host: this.host, message: 'The diagnosis was cancelled.' }) };
    }
    const start = performance.now();
    try {
      const res = await this.transport(req);
      request.ms = ms(start);
      request.status = res.status;
      if (res.url.href !== req.url.href) request.finalUrl = res.url.href;
      this.noteRateLimits(req, res);
      return { request, res };
    } catch (e) {
      request.ms = ms(start);
      if (e instanceof RegistryError) return { request, error: e };
      throw e;
    }
  }

  private noteRateLimits(req: TransportRequest, res: HttpResponse): void {
    if (res.status === 429) this.sawTooManyRequests = true;
    const from = `${req.method} ${req.url.pathname}`;
    for (const header of RATE_LIMIT_HEADERS) {
      const value = res.headers.get(header);
      if (value !== undefined) this.rateLimits.push({ header, value: value.slice(0, 200), from });
    }
  }

  private failedRequest(id: DiagnosisStepId, title: string, exchange: Exchange, start: number, curl?: string): DiagnosisStep {
    const error = exchange.error ?? new RegistryError({ code: 'INTERNAL', message: 'No answer.' });
    return {
      id,
      title,
      status: 'failed',
      ms: ms(start),
      sentence: error.message,
      facts: [],
      requests: [exchange.request],
      error: { code: error.code, message: error.message },
      ...(curl ? { curl } : {}),
    };
  }

  // ---- 1. the address and the policy -------------------------------------------------------------

  private async address(): Promise<{ step: DiagnosisStep; baseUrl?: URL }> {
    const start = performance.now();
    const title = 'Address and policy';
    const policy = this.options.context.policy;
    const explained = policy.explainRegistry(this.options.scheme ? { host: this.host, scheme: this.options.scheme } : { host: this.host });
    const facts: DiagnosisFact[] = [{ label: 'Registry', value: this.host }];
    const failed = (code: 'NOT_ALLOWED' | 'UNREACHABLE', sentence: string, curlUrl: URL): { step: DiagnosisStep } => ({
      step: {
        id: 'address',
        title,
        status: 'failed',
        ms: ms(start),
        sentence,
        facts,
        requests: [],
        error: { code, message: sentence },
        curl: curlAddress(curlUrl),
      },
    });
    const refused = (decision: PolicyDecision, curlUrl: URL): { step: DiagnosisStep } => {
      const origin = decision.origin ?? this.host;
      // Without a scheme Berth assumes https; a registry at a private address often serves plain http.
      const orHttp = !this.options.scheme && origin.startsWith('https://') ? ` (or http://${this.host} if it serves plain http)` : '';
      const unset = policy.restricted
        ? ''
        : ' ALLOWED_REGISTRIES is unset now: once set, Berth talks only to what it lists, so list every registry this deployment needs.';
      facts.push({ label: 'Decision', value: 'refused' }, { label: 'Setting', value: 'ALLOWED_REGISTRIES' }, { label: 'Origin to add', value: origin });
      return failed('NOT_ALLOWED', `${decision.reason} To allow it, an administrator adds ${origin}${orHttp} to ALLOWED_REGISTRIES.${unset}`, curlUrl);
    };
    if (!explained.resolved) {
      const origin = explained.decision.origin ?? '';
      return refused(explained.decision, new URL(origin.includes('://') ? origin : policy.dockerHubUrl.origin));
    }
    const baseUrl = new URL(explained.resolved.baseUrl);
    facts.push({ label: 'Base URL', value: baseUrl.origin });
    const hostname = baseUrl.hostname.replace(/^\[|\]$/g, '');
    let addresses: string[];
    if (isIP(hostname)) {
      addresses = [hostname];
    } else {
      try {
        addresses = (await this.lookup(hostname, baseUrl)).slice(0, 16);
      } catch (e) {
        const code = (e as { code?: string }).code ?? '';
        const message = `${hostname} does not resolve${code ? ` (${code})` : ''}: check the address, and the DNS of the machine Berth runs on.`;
        facts.push({ label: 'Addresses', value: 'none' });
        return failed('UNREACHABLE', message, baseUrl);
      }
    }
    const decision = policy.explain(baseUrl, addresses);
    // Where a name leads inside the network is nobody's business: the addresses of a refused
    // name are not shown (the refusal says what kind of address it is).
    if (!decision.allowed) {
      facts.push({ label: 'Addresses', value: 'not shown: the name resolves to an address Berth may not use' });
      return refused(decision, baseUrl);
    }
    facts.push({ label: 'Addresses', value: addresses.join(', ') || 'none' });
    facts.push({ label: 'Decision', value: 'allowed' });
    return {
      step: { id: 'address', title, status: 'ok', ms: ms(start), sentence: `Allowed: ${decision.reason}`, facts, requests: [], curl: curlAddress(baseUrl) },
      baseUrl,
    };
  }

  // ---- 2. GET /v2/ ----------------------------------------------------------------------------------

  private async ping(
    baseUrl: URL,
  ): Promise<{ step: DiagnosisStep; challenges: Challenge[]; scheme?: 'none' | 'basic' | 'bearer'; realm?: URL; service?: string }> {
    const start = performance.now();
    const title = 'GET /v2/';
    const url = new URL('/v2/', baseUrl);
    const curl = curlRequest(url, { kind: 'none' });
    const exchange = await this.send({ url, method: 'GET', headers: {}, maxBytes: MAX_SMALL_BODY });
    const { res } = exchange;
    if (!res) return { step: this.failedRequest('ping', title, exchange, start, curl), challenges: [] };
    const challenges = parseChallenges(res.headers.getAll('www-authenticate'));
    const facts: DiagnosisFact[] = [
      { label: 'Status', value: String(res.status) },
      { label: 'Docker-Distribution-API-Version', value: res.headers.get('docker-distribution-api-version') ?? 'not sent' },
    ];
    const views = challenges.map((c) => challengeView(c, res.url));
    const step: DiagnosisStep = {
      id: 'ping',
      title,
      status: 'ok',
      ms: 0,
      sentence: '',
      facts,
      requests: [exchange.request],
      curl,
      ...(views.length ? { challenges: views } : {}),
    };
    if (res.tls) {
      step.tls = res.tls;
      const daysLeft = Math.floor((Date.parse(res.tls.validTo) - Date.now()) / 86_400_000);
      facts.push(
        { label: 'Certificate', value: `${res.tls.subject}, issued by ${res.tls.issuer}` },
        { label: 'Certificate expires', value: `${res.tls.validTo} (${daysLeft} days)` },
      );
      if (daysLeft < CERTIFICATE_WARNING_DAYS) {
        step.status = 'warning';
        step.sentence = `The certificate of ${baseUrl.host} ends on ${res.tls.validTo.slice(0, 10)}: ask its owner to renew it. `;
      }
    }
    const done = (
      status: DiagnosisStatus,
      sentence: string,
      extra: Partial<{ scheme: 'none' | 'basic' | 'bearer'; realm: URL; service: string; error: RegistryError }> = {},
    ) => {
      step.status = SEVERITY[status] > SEVERITY[step.status] ? status : step.status;
      step.sentence = `${sentence}${step.sentence ? ` ${step.sentence.trim()}` : ''}`;
      step.ms = ms(start);
      if (extra.error) step.error = { code: extra.error.code, message: extra.error.message };
      return { step, challenges, scheme: extra.scheme, realm: extra.realm, service: extra.service };
    };
    const api = res.headers.get('docker-distribution-api-version')
      ? ''
      : ' It sent no Docker-Distribution-API-Version header (most registries do; it is not required).';
    if (res.status >= 200 && res.status < 300) {
      return done('ok', `${this.host} answers /v2/ without credentials: anonymous requests reach it, and resources may still ask for credentials.${api}`, {
        scheme: 'none',
      });
    }
    if (res.status === 401) {
      if (res.url.origin !== baseUrl.origin) {
        const error = new RegistryError({
          code: 'BAD_RESPONSE',
          host: this.host,
          message: `${this.host} sent /v2/ to another address (${res.url.host}) that asks for credentials; Berth does not send them there.`,
        });
        return done('failed', error.message, { error });
      }
      const bearer = findChallenge(challenges, 'bearer');
      if (bearer?.params.realm) {
        let realm: URL;
        try {
          realm = new URL(bearer.params.realm, res.url);
        } catch {
          const error = new RegistryError({
            code: 'BAD_RESPONSE',
            host: this.host,
            message: `${this.host} named a token service address that is not a valid URL (${bearer.params.realm}); it cannot be signed in to.`,
          });
          return done('failed', error.message, { error });
        }
        const relative =
          realm.href !== bearer.params.realm ? ` (the challenge gave the relative realm ${bearer.params.realm}, resolved against ${res.url.href})` : '';
        const service = bearer.params.service;
        return done('ok', `${this.host} asks for a Bearer token from ${realm.href}${relative}${service ? `, service ${service}` : ''}.${api}`, {
          scheme: 'bearer',
          realm,
          ...(service ? { service } : {}),
        });
      }
      if (findChallenge(challenges, 'basic')) return done('ok', `${this.host} asks for a username and password (Basic).${api}`, { scheme: 'basic' });
      return done(
        'warning',
        `${this.host} answered 401 without a challenge Berth can use (no WWW-Authenticate with a Bearer realm or Basic): Berth sends the username and password as Basic and hopes.${api}`,
        { scheme: 'basic' },
      );
    }
    const error =
      res.status === 429 || res.status >= 500
        ? errorFromResponse(res, this.requester)
        : new RegistryError({
            code: 'NOT_A_REGISTRY',
            upstreamStatus: res.status,
            host: this.host,
            message: `${this.host} answered /v2/ with HTTP ${res.status}: it does not look like a container registry. Check the address.`,
          });
    return done('failed', error.message, { error });
  }

  private get requester(): { host: string; username?: string } {
    return this.username === undefined ? { host: this.host } : { host: this.host, username: this.username };
  }

  // ---- 3. authentication: the token, or Basic ------------------------------------------------------

  private scopesAsked(): string[] {
    const repository = this.validRepository();
    return mergeScopes([CATALOG_SCOPE], repository ? [repositoryScope(repository)] : []);
  }

  private validRepository(): string | undefined {
    const r = this.options.repository;
    return r !== undefined && isValidRepository(r) ? r : undefined;
  }

  private async token(realm: URL, service: string | undefined): Promise<{ step: DiagnosisStep; access?: Access }> {
    const start = performance.now();
    const title = 'Token';
    const url = new URL(realm);
    if (service) url.searchParams.set('service', service);
    const scopes = this.scopesAsked();
    for (const s of scopes) url.searchParams.append('scope', s);
    const headers: Record<string, string> = { accept: 'application/json' };
    const basic = this.basicHeader();
    if (basic && this.username !== undefined) {
      url.searchParams.set('account', this.username);
      headers.authorization = basic;
    }
    const curl = curlToken(url, this.username).join('\n');
    // The realm may be another address: it passes the policy on its own (send checks it again,
    // with the resolved addresses; this says what to change).
    const realmDecision = this.options.context.policy.explain(url, []);
    if (!realmDecision.allowed) {
      const origin = realmDecision.origin ?? url.origin;
      const message = `The token service is refused by the address policy: ${realmDecision.reason} To allow it, an administrator adds ${origin} to ALLOWED_REGISTRIES (a registry's entry does not cover a token service elsewhere).`;
      return {
        step: {
          id: 'auth',
          title,
          status: 'failed',
          ms: ms(start),
          sentence: message,
          requests: [],
          curl,
          facts: [
            { label: 'Token service', value: url.origin },
            { label: 'Setting', value: 'ALLOWED_REGISTRIES' },
            { label: 'Origin to add', value: origin },
          ],
          error: { code: 'NOT_ALLOWED', message },
        },
      };
    }
    const exchange = await this.send({ url, method: 'GET', headers, maxBytes: MAX_TOKEN_RESPONSE_BYTES });
    const { res } = exchange;
    if (!res) return { step: this.failedRequest('auth', title, exchange, start, curl) };
    const facts: DiagnosisFact[] = [{ label: 'Status', value: String(res.status) }];
    const step: DiagnosisStep = { id: 'auth', title, status: 'ok', ms: 0, sentence: '', facts, requests: [exchange.request], curl };
    const fail = (code: ErrorCode, message: string, extra: { retryAfter?: number } = {}) => {
      const registryMessage = parseErrorBody(res.body)[0]?.message;
      if (registryMessage) facts.push({ label: 'Token service says', value: registryMessage });
      if (extra.retryAfter !== undefined) facts.push({ label: 'Retry-After', value: `${extra.retryAfter} s` });
      return { step: { ...step, status: 'failed' as const, ms: ms(start), sentence: message, error: { code, message } } };
    };
    if (res.status === 401 || res.status === 403) {
      return fail(
        'UNAUTHORIZED',
        this.username !== undefined
          ? `The token service refused the username or password (or token) of ${this.username}: sign in again with the right ones.`
          : `The token service of ${this.host} gives no anonymous tokens: sign in to continue.`,
      );
    }
    if (res.status !== 200) {
      const retryAfter = parseRetryAfter(res.headers.get('retry-after'));
      const code: ErrorCode = res.status === 429 ? 'TOOMANYREQUESTS' : res.status >= 500 ? 'UNAVAILABLE' : 'BAD_RESPONSE';
      return fail(
        code,
        `The token service answered HTTP ${res.status}.${retryAfter !== undefined ? ` Try again in ${retryAfter} s.` : ''}`,
        retryAfter !== undefined ? { retryAfter } : {},
      );
    }
    let body: z.infer<typeof tokenAnswerSchema>;
    try {
      body = tokenAnswerSchema.parse(JSON.parse(res.body.toString('utf8')));
    } catch {
      return fail('BAD_RESPONSE', 'The token service answered 200 with something that is not a token answer (JSON with token or access_token).');
    }
    const token = body.token || body.access_token;
    for (const secret of [body.token, body.access_token, body.refresh_token]) if (secret) this.secrets.push(secret);
    if (!token) return fail('BAD_RESPONSE', 'The token service answered 200 without a token.');
    if (token.length > MAX_TOKEN_BYTES)
      return fail('BAD_RESPONSE', `The token service sent a token longer than ${MAX_TOKEN_BYTES / 1024} KiB; Berth does not use it.`);
    const granted = decodeGrantedAccess(token);
    facts.push({
      label: 'Token',
      value: `${token.length} characters, ${granted ? 'a JWT (claims read without verifying the signature)' : 'opaque (not a JWT: what it grants cannot be read)'}`,
    });
    const expiresIn = body.expires_in;
    facts.push({
      label: 'expires_in',
      value:
        expiresIn === undefined
          ? 'not sent: 60 s assumed'
          : `${expiresIn} s${expiresIn < 60 ? ' (taken as 60 s)' : expiresIn > MAX_TOKEN_TTL_SECONDS ? ` (Berth asks again after ${MAX_TOKEN_TTL_SECONDS} s)` : ''}`,
    });
    facts.push({ label: 'issued_at', value: body.issued_at ?? 'not sent' });
    if (body.refresh_token) facts.push({ label: 'refresh_token', value: `sent (${body.refresh_token.length} characters)` });
    if (granted) {
      const claims = claimsOf(token);
      facts.push({ label: 'Claim exp', value: epochIso(claims.exp) ?? 'not set' }, { label: 'Claim iat', value: epochIso(claims.iat) ?? 'not set' });
    }
    const access: DiagnosisAccess[] = scopes.map((scope) => accessRow(scope, granted ?? []));
    if (granted) step.access = access;
    const missing = granted ? access.filter((a) => !a.covered) : [];
    step.status = missing.length ? 'warning' : 'ok';
    step.sentence = granted
      ? missing.length
        ? `The token service answered, but ${missing.map((a) => this.notGranted(a)).join('; and ')}.`
        : `The token service granted everything asked for${this.username !== undefined ? ` to ${this.username}` : ' anonymously'}.`
      : 'The token service answered with an opaque token: what it grants cannot be read here; the requests below tell.';
    step.ms = ms(start);
    return { step, access: { kind: 'bearer', header: `Bearer ${token}`, ...(granted ? { access: granted } : {}) } };
  }

  /** "granted nothing for `registry:catalog:*`: this account cannot list repositories here" */
  private notGranted(a: DiagnosisAccess): string {
    const who = this.username !== undefined ? 'this account' : 'anonymous access';
    const answered = a.granted.length ? `granted only ${a.granted.join(',')} for \`${a.scope}\`` : `granted nothing for \`${a.scope}\``;
    const parsed = parseScope(a.scope);
    const meaning =
      parsed?.type === 'registry' && parsed.name === 'catalog'
        ? `${who} cannot list repositories here${this.host === DOCKER_HUB ? ' (Docker Hub lists them for nobody)' : ''}`
        : `${who} cannot ${parsed?.actions.join(' and ') ?? 'use'} ${parsed?.name ?? a.scope} here`;
    return `${answered}: ${meaning}`;
  }

  private async basicCheck(baseUrl: URL): Promise<{ step: DiagnosisStep; access?: Access }> {
    const start = performance.now();
    const title = 'Username and password (Basic)';
    const basic = this.basicHeader();
    const url = new URL('/v2/', baseUrl);
    if (!basic) {
      const message = `${this.host} wants a username and password, and this session has none for it: sign in to continue.`;
      return {
        step: { id: 'auth', title, status: 'failed', ms: ms(start), sentence: message, facts: [], requests: [], error: { code: 'UNAUTHORIZED', message } },
      };
    }
    const curl = curlRequest(url, this.curlAuthBasic);
    const exchange = await this.send({ url, method: 'GET', headers: { authorization: basic }, maxBytes: MAX_SMALL_BODY });
    const { res } = exchange;
    if (!res) return { step: this.failedRequest('auth', title, exchange, start, curl) };
    const facts = [{ label: 'Status', value: String(res.status) }];
    const step: DiagnosisStep = { id: 'auth', title, status: 'ok', ms: 0, sentence: '', facts, requests: [exchange.request], curl };
    step.ms = ms(start);
    if (res.status === 401 || res.status === 403) {
      const message = `${this.host} refused the username or password (or token) of ${this.username}: sign in again with the right ones.`;
      return { step: { ...step, status: 'failed', sentence: message, error: { code: 'UNAUTHORIZED', message } } };
    }
    if (res.status >= 300) {
      const error = errorFromResponse(res, this.requester);
      return { step: { ...step, status: 'failed', sentence: error.message, error: { code: error.code, message: error.message } } };
    }
    return { step: { ...step, sentence: `${this.host} accepted the username and password of ${this.username}.` }, access: { kind: 'basic', header: basic } };
  }

  // ---- 4 and 5. the catalog, and a repository's tags -----------------------------------------------

  private headersFor(access: Access): Record<string, string> {
    return access.kind === 'none' ? {} : { authorization: access.header };
  }

  private curlAuth(access: Access): CurlAuth {
    return access.kind === 'bearer' ? { kind: 'bearer' } : access.kind === 'basic' ? this.curlAuthBasic : { kind: 'none' };
  }

  /** Facts about a refusal: the registry's own code and message, its challenge, an HTML body. */
  private refusalFacts(res: HttpResponse): { facts: DiagnosisFact[]; challenges: DiagnosisChallenge[] } {
    const facts: DiagnosisFact[] = [];
    const upstream = parseErrorBody(res.body)[0];
    if (upstream) facts.push({ label: 'Registry error', value: `${upstream.code}${upstream.message ? `: ${upstream.message}` : ''}` });
    const type = (res.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
    if (!upstream && res.body.length > 0)
      facts.push({
        label: 'Body',
        value: `${res.body.length} bytes of ${type || 'unnamed content'}${type === 'text/html' ? ' (an HTML page, not a registry error)' : ''}`,
      });
    const challenges = parseChallenges(res.headers.getAll('www-authenticate')).map((c) => challengeView(c, res.url));
    if (res.status === 401)
      facts.push({ label: 'WWW-Authenticate', value: challenges.length ? `${challenges.length} challenge${challenges.length > 1 ? 's' : ''}` : 'none' });
    return { facts, challenges };
  }

  /** The sentence for a resource the registry would not serve. */
  private refusalSentence(res: HttpResponse, challenges: DiagnosisChallenge[], what: string, scope: string, access: Access): string {
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    if (res.status === 401 && challenges.length === 0) {
      return `${this.host} answered 401 for ${what} without a WWW-Authenticate challenge, so it does not say what it wants. Berth keeps using the /v2/ challenge; if the token or credentials above are right, this account lacks access to ${what}, or the registry needs another kind of sign-in.`;
    }
    if (res.status === 401 && bearer && access.kind !== 'bearer') {
      return `${this.host} asks for a Bearer token for ${what} although /v2/ did not (realm ${bearer.realmUrl ?? bearer.realm ?? '?'}); Berth follows that challenge when it browses.`;
    }
    if (access.kind === 'bearer' && access.access && !grants(access.access, scope)) {
      return `The token carries no \`${scope}\` (see Token).`;
    }
    if (bearer?.error === 'insufficient_scope') {
      return `It answered insufficient_scope${bearer.scope ? ` for \`${bearer.scope}\`` : ''}: the token does not grant what it wants.`;
    }
    return '';
  }

  private async catalog(baseUrl: URL, access: Access): Promise<DiagnosisStep> {
    const start = performance.now();
    const title = 'Catalog: GET /v2/_catalog';
    const url = new URL(`/v2/_catalog?n=${SAMPLE}`, baseUrl);
    const curl = curlRequest(url, this.curlAuth(access));
    const exchange = await this.send({ url, method: 'GET', headers: { accept: 'application/json', ...this.headersFor(access) }, maxBytes: MAX_SMALL_BODY });
    const { res } = exchange;
    if (!res) return this.failedRequest('catalog', title, exchange, start, curl);
    const facts: DiagnosisFact[] = [{ label: 'Status', value: String(res.status) }];
    const step: DiagnosisStep = { id: 'catalog', title, status: 'ok', ms: 0, sentence: '', facts, requests: [exchange.request], curl };
    const hub = this.host === DOCKER_HUB ? ' Docker Hub never lists repositories: Berth opens them by name.' : '';
    if (res.status === 200) {
      const parsed = catalogSchema.safeParse(safeJson(res.body));
      if (!parsed.success) {
        const message = `${this.host} answered the catalog with something that is not a repository list.`;
        return { ...step, status: 'failed', ms: ms(start), sentence: message, error: { code: 'BAD_RESPONSE', message } };
      }
      const names = (parsed.data.repositories ?? []).filter((n): n is string => typeof n === 'string' && isValidRepository(n));
      facts.push({
        label: `Repositories (first ${SAMPLE})`,
        value: names.length ? `${names.length}: ${names.slice(0, SHOWN).join(', ')}${names.length > SHOWN ? ', …' : ''}` : 'none',
      });
      facts.push({ label: 'More pages', value: res.headers.get('link') ? 'yes (Link header)' : 'no' });
      return { ...step, ms: ms(start), sentence: `${this.host} lists its repositories${this.username !== undefined ? ` for ${this.username}` : ''}.` };
    }
    const { facts: more, challenges } = this.refusalFacts(res);
    facts.push(...more);
    if (challenges.length) step.challenges = challenges;
    const why = this.refusalSentence(res, challenges, 'the catalog', CATALOG_SCOPE, access);
    if ([401, 403, 404, 405].includes(res.status)) {
      // What Berth's repository list answers: anonymous people are sent to sign in, others told to open by name.
      const anonymous = this.username === undefined && res.status === 401;
      const sentence = anonymous
        ? `${this.host} does not list its repositories anonymously (HTTP ${res.status}).${why ? ` ${why}` : ''} Sign in to list them, or open a repository by name.${hub}`
        : `${this.host} does not list its repositories${this.username !== undefined ? ` for ${this.username}` : ''} (HTTP ${res.status}).${why ? ` ${why}` : ''} Open a repository by name instead.${hub}`;
      return {
        ...step,
        status: 'warning',
        ms: ms(start),
        sentence,
        error: { code: anonymous ? 'SIGN_IN_REQUIRED' : 'CATALOG_UNSUPPORTED', message: sentence },
      };
    }
    const error = errorFromResponse(res, this.requester);
    return {
      ...step,
      status: 'failed',
      ms: ms(start),
      sentence: `${error.message}${why ? ` ${why}` : ''}${hub}`,
      error: { code: error.code, message: error.message },
    };
  }

  private async repositoryCheck(baseUrl: URL, access: Access): Promise<DiagnosisStep> {
    const title = 'Repository: GET /v2/NAME/tags/list';
    const repository = this.options.repository;
    if (repository === undefined)
      return skipped('repository', title, 'Name a repository above to check its tag list and a manifest with the same credentials.');
    const start = performance.now();
    try {
      validateRepository(repository);
    } catch (e) {
      const message = e instanceof Error ? e.message : 'That is not a repository name.';
      return {
        id: 'repository',
        title: `Repository ${repository}`,
        status: 'failed',
        ms: ms(start),
        sentence: message,
        facts: [],
        requests: [],
        error: { code: 'INVALID_REFERENCE', message },
      };
    }
    const named = `Repository ${repository}`;
    const scope = repositoryScope(repository);
    const url = new URL(`/v2/${repository}/tags/list?n=${SAMPLE}`, baseUrl);
    const curlLines = [curlRequest(url, this.curlAuth(access))];
    const exchange = await this.send({ url, method: 'GET', headers: { accept: 'application/json', ...this.headersFor(access) }, maxBytes: MAX_SMALL_BODY });
    const { res } = exchange;
    if (!res) return this.failedRequest('repository', named, exchange, start, curlLines[0]);
    const facts: DiagnosisFact[] = [{ label: 'Status', value: String(res.status) }];
    const step: DiagnosisStep = { id: 'repository', title: named, status: 'ok', ms: 0, sentence: '', facts, requests: [exchange.request], curl: curlLines[0] };
    if (res.status !== 200) {
      const { facts: more, challenges } = this.refusalFacts(res);
      facts.push(...more);
      if (challenges.length) step.challenges = challenges;
      const error = errorFromResponse(res, this.requester, { repository });
      const why = this.refusalSentence(res, challenges, repository, scope, access);
      const html = (res.headers.get('content-type') ?? '').startsWith('text/html')
        ? ' The body is an HTML page, not a registry error: a proxy or web server in front of the registry answered.'
        : '';
      return {
        ...step,
        status: 'failed',
        ms: ms(start),
        sentence: `${error.message}${why ? ` ${why}` : ''}${html}`,
        error: { code: error.code, message: error.message },
      };
    }
    const parsed = tagsSchema.safeParse(safeJson(res.body));
    if (!parsed.success) {
      const message = `${this.host} answered the tag list of ${repository} with something that is not a tag list.`;
      return { ...step, status: 'failed', ms: ms(start), sentence: message, error: { code: 'BAD_RESPONSE', message } };
    }
    const tags = (parsed.data.tags ?? []).filter((t): t is string => typeof t === 'string' && isValidTag(t));
    facts.push({
      label: `Tags (first ${SAMPLE})`,
      value: tags.length ? `${tags.length}: ${tags.slice(0, SHOWN).join(', ')}${tags.length > SHOWN ? ', …' : ''}` : 'none',
    });
    const first = tags[0];
    if (first === undefined) return { ...step, ms: ms(start), sentence: `${this.host} lists the tags of ${repository}: it has none yet.` };
    // A HEAD of one manifest: free of Docker Hub's pull limit, and where it reports that limit.
    const manifestUrl = new URL(`/v2/${repository}/manifests/${first}`, baseUrl);
    curlLines.push(curlRequest(manifestUrl, this.curlAuth(access), { method: 'HEAD', accept: MANIFEST_ACCEPT }));
    const head = await this.send({
      url: manifestUrl,
      method: 'HEAD',
      headers: { accept: MANIFEST_ACCEPT, ...this.headersFor(access) },
      maxBytes: MAX_SMALL_BODY,
    });
    step.requests.push(head.request);
    step.curl = curlLines.join('\n');
    if (head.res?.status === 200) {
      const digest = head.res.headers.get('docker-content-digest');
      facts.push({
        label: `Manifest ${first}`,
        value: `${(head.res.headers.get('content-type') ?? 'no type').split(';')[0]}${digest ? `, ${digest.slice(0, 80)}` : ''}`,
      });
      return {
        ...step,
        ms: ms(start),
        sentence: `${this.host} lets ${this.username ?? 'anonymous requests'} read ${repository}: its tags, and the manifest of ${first}.`,
      };
    }
    const problem = head.res ? `HTTP ${head.res.status}` : (head.error?.message ?? 'no answer');
    facts.push({ label: `Manifest ${first}`, value: problem });
    return {
      ...step,
      status: 'warning',
      ms: ms(start),
      sentence: `${this.host} lists the tags of ${repository}, but a HEAD of its manifest ${first} answered ${problem}.`,
    };
  }

  // ---- 6. rate limits ------------------------------------------------------------------------------

  private rateLimitStep(baseUrl: URL | undefined, access: Access): DiagnosisStep {
    const title = 'Rate limits';
    const rows = this.rateLimits;
    const repository = this.validRepository();
    const curl = baseUrl && repository ? curlRateLimits(new URL(`/v2/${repository}/tags/list`, baseUrl), this.curlAuth(access)) : undefined;
    const facts: DiagnosisFact[] = [];
    let status: DiagnosisStatus = 'ok';
    let sentence = rows.length ? `${this.host} sent rate-limit headers: see below.` : `${this.host} sent no rate-limit headers in these answers.`;
    const exhausted = rows.find((r) => /remaining$/.test(r.header) && /^\s*0\s*(;|$)/.test(r.value));
    const retry = rows.find((r) => r.header === 'retry-after');
    if (this.sawTooManyRequests) {
      status = 'failed';
      sentence = `${this.host} is rate-limiting these requests (HTTP 429)${retry ? `: try again in ${retry.value} s` : ''}.${this.username === undefined ? ' Signing in usually raises the limit.' : ''}`;
    } else if (exhausted) {
      status = 'warning';
      sentence = `${this.host} says none of its limit remains (${exhausted.header}: ${exhausted.value}); the next requests may be refused.`;
    }
    if (rows.length) facts.push({ label: 'Headers', value: String(rows.length) });
    return { id: 'rate-limits', title, status, ms: 0, sentence, facts, requests: [], ...(rows.length ? { rateLimits: rows } : {}), ...(curl ? { curl } : {}) };
  }

  // ---- all of it ----------------------------------------------------------------------------------

  async run(): Promise<Diagnosis> {
    const startedAt = new Date().toISOString();
    const start = performance.now();
    const steps: DiagnosisStep[] = [];
    const rest = (sentence: string, from: DiagnosisStepId[]) => {
      const titles: Record<DiagnosisStepId, string> = {
        address: 'Address and policy',
        ping: 'GET /v2/',
        auth: 'Authentication',
        catalog: 'Catalog: GET /v2/_catalog',
        repository: 'Repository: GET /v2/NAME/tags/list',
        'rate-limits': 'Rate limits',
      };
      for (const id of from) steps.push(skipped(id, titles[id], sentence));
    };
    const address = await this.address();
    steps.push(address.step);
    const baseUrl = address.baseUrl;
    let access: Access = { kind: 'none' };
    if (!baseUrl) {
      rest('Not run: Berth does not connect to an address its policy refuses.', ['ping', 'auth', 'catalog', 'repository', 'rate-limits']);
    } else {
      const ping = await this.ping(baseUrl);
      steps.push(ping.step);
      if (ping.step.status === 'failed' || !ping.scheme) {
        rest('Not run: /v2/ did not answer as a registry.', ['auth', 'catalog', 'repository']);
      } else {
        let auth: { step: DiagnosisStep; access?: Access };
        if (ping.scheme === 'bearer' && ping.realm) auth = await this.token(ping.realm, ping.service);
        else if (ping.scheme === 'basic') auth = await this.basicCheck(baseUrl);
        else {
          auth = {
            step: {
              id: 'auth',
              title: 'Authentication',
              status: 'ok',
              ms: 0,
              sentence:
                this.username !== undefined
                  ? `/v2/ is open, so Berth sends no credentials to it: ${this.username}'s password is only sent where a resource asks for it.`
                  : '/v2/ is open: no token or password is needed to reach it.',
              facts: [],
              requests: [],
            },
            access: { kind: 'none' },
          };
        }
        steps.push(auth.step);
        if (!auth.access) {
          rest('Not run: authentication failed (see above).', ['catalog', 'repository']);
        } else {
          access = auth.access;
          steps.push(await this.catalog(baseUrl, access));
          steps.push(await this.repositoryCheck(baseUrl, access));
        }
      }
      steps.push(this.rateLimitStep(baseUrl, access));
    }
    const worst = steps.reduce<DiagnosisStep | undefined>((w, s) => (SEVERITY[s.status] > SEVERITY[w?.status ?? 'skipped'] ? s : w), undefined);
    const status = worst && worst.status !== 'skipped' ? worst.status : 'ok';
    const summary =
      status === 'ok'
        ? `Every step worked: Berth reaches ${this.host} and is let in${this.username !== undefined ? ` as ${this.username}` : ' anonymously'}.`
        : (worst?.sentence ?? '');
    const diagnosis: Diagnosis = {
      host: this.host,
      ...(baseUrl ? { baseUrl: baseUrl.origin } : {}),
      username: this.username ?? null,
      ...(this.options.repository !== undefined ? { repository: this.options.repository } : {}),
      startedAt,
      ms: ms(start),
      status,
      summary,
      steps,
    };
    return scrubSecrets(diagnosis, this.secrets);
  }
}

const tokenAnswerSchema = tokenResponseSchema.extend({ refresh_token: z.string().optional() });

function safeJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

function claimsOf(token: string): z.infer<typeof claimsSchema> {
  const parsed = claimsSchema.safeParse(safeJson(Buffer.from(token.split('.')[1] ?? '', 'base64url')));
  return parsed.success ? parsed.data : {};
}

function challengeView(c: Challenge, from: URL): DiagnosisChallenge {
  const view: DiagnosisChallenge = { scheme: c.scheme };
  const { realm, service, scope, error } = c.params;
  if (realm !== undefined) {
    view.realm = realm;
    try {
      const resolved = new URL(realm, from).href;
      if (resolved !== realm) view.realmUrl = resolved;
    } catch {
      // Left as sent: the step says it is not a URL.
    }
  }
  if (service !== undefined) view.service = service;
  if (scope !== undefined) view.scope = scope;
  if (error !== undefined) view.error = error;
  return view;
}

function accessRow(scope: string, granted: readonly GrantedAccess[]): DiagnosisAccess {
  const want = parseScope(scope);
  const actions = want ? [...new Set(granted.filter((g) => g.type === want.type && g.name === want.name).flatMap((g) => g.actions))] : [];
  return { scope, granted: actions, covered: grants(granted, scope) };
}

/** Runs every step of the diagnosis against the live registry. Never throws for what a registry does. */
export function diagnose(options: DiagnoseOptions): Promise<Diagnosis> {
  return new Diagnoser(options).run();
}
