// One error type for everything that can go wrong talking to a registry.
// `message` is always a human sentence that says what happened and what to do; it never
// contains credentials or tokens. `code` is the registry's own code when it sent one
// (distribution-spec "Error Codes"), otherwise one of Berth's (see lib/api-types.ts).

export interface RegistryErrorInit {
  code: string;
  /** HTTP status to answer Berth's own clients with. */
  status: number;
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
  readonly code: string;
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
    this.status = init.status;
    this.upstreamStatus = init.upstreamStatus;
    this.registryMessage = init.registryMessage;
    this.detail = init.detail;
    this.retryAfter = init.retryAfter;
    this.host = init.host;
  }
}

/** Error codes defined by the distribution spec; anything else becomes UNKNOWN. */
export const KNOWN_REGISTRY_CODES = new Set([
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
]);

export interface UpstreamError {
  code: string;
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
    const code = typeof rawCode === 'string' && KNOWN_REGISTRY_CODES.has(rawCode.toUpperCase()) ? rawCode.toUpperCase() : 'UNKNOWN';
    const message = (e as { message?: unknown }).message;
    out.push({ code, message: typeof message === 'string' ? message.slice(0, 500) : undefined, detail: (e as { detail?: unknown }).detail });
  }
  return out;
}

/** Retry-After as seconds: either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed), 86_400);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.min(Math.ceil((date - now) / 1000), 86_400));
}
