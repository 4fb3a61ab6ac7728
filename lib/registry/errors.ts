// One error type for everything that can go wrong talking to a registry.
// `message` is always a human sentence that says what happened and what to do; it never
// contains credentials or tokens. `code` is the registry's own code when it sent one
// (distribution-spec "Error Codes"), otherwise one of Berth's; the HTTP status Berth answers
// with follows from the code (STATUS_OF), so a code can never travel with the wrong status.

/** Codes defined by the distribution spec. A registry's code outside this list becomes UNKNOWN. */
export const REGISTRY_ERROR_CODES = [
  'BLOB_UNKNOWN',
  'BLOB_UPLOAD_INVALID',
  'BLOB_UPLOAD_UNKNOWN',
  'DIGEST_INVALID',
  'MANIFEST_BLOB_UNKNOWN',
  'MANIFEST_INVALID',
  'MANIFEST_UNKNOWN',
  'MANIFEST_UNVERIFIED',
  'NAME_INVALID',
  'NAME_UNKNOWN',
  'SIZE_INVALID',
  'TAG_INVALID',
  'UNAUTHORIZED',
  'DENIED',
  'UNSUPPORTED',
  'TOOMANYREQUESTS',
  'PAGINATION_NUMBER_INVALID',
  'UNAVAILABLE',
  'UNKNOWN',
] as const;

/** Codes Berth adds to the registry's own. */
export const BERTH_ERROR_CODES = [
  /** No usable credentials for this registry: the page sends the person to sign in. */
  'SIGN_IN_REQUIRED',
  /** The registry does not list repositories (Docker Hub, GHCR…): open one by name. */
  'CATALOG_UNSUPPORTED',
  /** Docker Hub refused a password because the account has two-factor authentication: use an access token. */
  'ACCESS_TOKEN_REQUIRED',
  /** Docker Hub lists one namespace at a time: name one (anonymous visitors have none of their own). */
  'NAMESPACE_REQUIRED',
  /** This deployment may not talk to that address (ALLOWED_REGISTRIES, address policy). */
  'NOT_ALLOWED',
  'UNREACHABLE',
  'TIMEOUT',
  'TLS',
  'NOT_A_REGISTRY',
  /** The registry (or its token service) answered something Berth cannot use. */
  'BAD_RESPONSE',
  'INVALID_REFERENCE',
  'INVALID_REQUEST',
  /** A state-changing request that did not come from a Berth page. */
  'CROSS_ORIGIN',
  /** The sealed session would no longer fit in a cookie. */
  'SESSION_FULL',
  /** A request body larger than Berth reads. */
  'PAYLOAD_TOO_LARGE',
  /** Too many sign-in attempts (per account, per client or in all), or diagnoses. */
  'TOO_MANY_ATTEMPTS',
  /** Berth's own limits are reached (requests to registries, answers in flight): try again shortly. */
  'BUSY',
  /** The person left before the answer was ready (the browser closed the request). */
  'CANCELLED',
  /** A blob asked for as a document is not a JSON document (a layer, say): Berth shows documents only. */
  'NOT_A_DOCUMENT',
  /** Files were asked of something that has none: an index (name one of its images), an artifact. */
  'NOT_AN_IMAGE',
  /** An image has nothing at the path asked for, or not of the kind asked (a directory, a file). */
  'NO_SUCH_FILE',
  /** The request named a host that is not one of Berth's public origins (PUBLIC_ORIGIN). */
  'HOST_NOT_ALLOWED',
  /** Reading this would count as a pull against a pull limit (Docker Hub), and the person did not ask for it. */
  'COSTS_A_PULL',
  'INTERNAL',
] as const;

export type RegistryErrorCode = (typeof REGISTRY_ERROR_CODES)[number];
export type ErrorCode = RegistryErrorCode | (typeof BERTH_ERROR_CODES)[number];

/**
 * The HTTP status Berth answers with for each code. A registry that refuses something Berth
 * asked correctly (a *_INVALID code, a 5xx) is a bad gateway from the browser's point of view.
 */
export const STATUS_OF: Readonly<Record<ErrorCode, number>> = {
  BLOB_UNKNOWN: 404,
  BLOB_UPLOAD_INVALID: 502,
  BLOB_UPLOAD_UNKNOWN: 502,
  DIGEST_INVALID: 502,
  MANIFEST_BLOB_UNKNOWN: 502,
  MANIFEST_INVALID: 502,
  MANIFEST_UNKNOWN: 404,
  MANIFEST_UNVERIFIED: 502,
  NAME_INVALID: 502,
  NAME_UNKNOWN: 404,
  SIZE_INVALID: 502,
  TAG_INVALID: 502,
  UNAUTHORIZED: 401,
  DENIED: 403,
  UNSUPPORTED: 405,
  TOOMANYREQUESTS: 429,
  PAGINATION_NUMBER_INVALID: 502,
  UNAVAILABLE: 502,
  UNKNOWN: 502,
  SIGN_IN_REQUIRED: 401,
  CATALOG_UNSUPPORTED: 404,
  ACCESS_TOKEN_REQUIRED: 401,
  NAMESPACE_REQUIRED: 400,
  NOT_ALLOWED: 403,
  UNREACHABLE: 502,
  TIMEOUT: 504,
  TLS: 502,
  NOT_A_REGISTRY: 502,
  BAD_RESPONSE: 502,
  INVALID_REFERENCE: 400,
  INVALID_REQUEST: 400,
  CROSS_ORIGIN: 403,
  SESSION_FULL: 413,
  PAYLOAD_TOO_LARGE: 413,
  TOO_MANY_ATTEMPTS: 429,
  BUSY: 503,
  CANCELLED: 499,
  NOT_A_DOCUMENT: 422,
  NOT_AN_IMAGE: 422,
  NO_SUCH_FILE: 404,
  HOST_NOT_ALLOWED: 400,
  COSTS_A_PULL: 409,
  INTERNAL: 500,
};

const REGISTRY_CODE_SET: ReadonlySet<string> = new Set(REGISTRY_ERROR_CODES);

export interface RegistryErrorInit {
  code: ErrorCode;
  message: string;
  /** HTTP status the registry answered with, when it answered. */
  upstreamStatus?: number;
  /** The registry's own message, shown beside ours for diagnosis. */
  registryMessage?: string;
  detail?: unknown;
  retryAfter?: number;
  host?: string;
  cause?: unknown;
}

/** Marks RegistryErrors across module copies (Next bundles server code once per layer). */
const BRAND = Symbol.for('berth.RegistryError');

export class RegistryError extends Error {
  /**
   * `instanceof RegistryError` holds for errors made by another copy of this module too: the
   * server components and the route handlers share one RegistryContext (policy, caches), so an
   * error thrown by one copy is caught by the other. Subclasses keep the ordinary check.
   */
  static [Symbol.hasInstance](value: unknown): boolean {
    if (this !== RegistryError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
  }

  readonly [BRAND] = true;
  readonly code: ErrorCode;
  /** HTTP status to answer Berth's own clients with. */
  readonly status: number;
  readonly upstreamStatus?: number;
  readonly registryMessage?: string;
  readonly detail?: unknown;
  readonly retryAfter?: number;
  readonly host?: string;

  constructor(init: RegistryErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'RegistryError';
    this.code = init.code;
    this.status = STATUS_OF[init.code];
    this.upstreamStatus = init.upstreamStatus;
    this.registryMessage = init.registryMessage;
    this.detail = init.detail;
    this.retryAfter = init.retryAfter;
    this.host = init.host;
  }
}

/** The registry (or its token service) sent something Berth cannot use; `message` says what. */
export function badResponse(host: string, message: string): RegistryError {
  return new RegistryError({ code: 'BAD_RESPONSE', host, message });
}

export interface UpstreamError {
  code: RegistryErrorCode;
  message?: string;
  detail?: unknown;
}

/** Reads `{"errors":[{code,message,detail}]}`; tolerates any other body (HTML, text, nothing). */
export function parseErrorBody(body: Uint8Array | string | undefined): UpstreamError[] {
  if (body === undefined || body.length === 0) return [];
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return [];
  }
  if (typeof json !== 'object' || json === null) return [];
  const errors = (json as { errors?: unknown }).errors;
  if (!Array.isArray(errors)) return [];
  const out: UpstreamError[] = [];
  for (const e of errors) {
    if (typeof e !== 'object' || e === null) continue;
    const rawCode = (e as { code?: unknown }).code;
    const upper = typeof rawCode === 'string' ? rawCode.toUpperCase() : '';
    const code = REGISTRY_CODE_SET.has(upper) ? (upper as RegistryErrorCode) : 'UNKNOWN';
    const message = (e as { message?: unknown }).message;
    out.push({ code, message: typeof message === 'string' ? message.slice(0, 500) : undefined, detail: (e as { detail?: unknown }).detail });
  }
  return out;
}

/** Retry-After as seconds: either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed), MAX_RETRY_AFTER_SECONDS);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.min(Math.ceil((date - now) / 1000), MAX_RETRY_AFTER_SECONDS));
}

/** The longest wait Berth takes from a registry (Retry-After, a rate limit's reset): a day. */
export const MAX_RETRY_AFTER_SECONDS = 86_400;
