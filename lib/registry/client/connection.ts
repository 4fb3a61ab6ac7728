// What every operation of a client works with: the registry (host, origin, traits), the authoriser
// that gets its requests through, the context's caches, and the person's signal; with the keys
// and checks the operations share (which content a connection was let read, references checked
// before anything is sent, the headers kept with a document).
import type { Authorizer } from '../auth/authorizer';
import type { DocumentHeaders, RegistryContext } from '../context';
import type { HttpResponse } from '../net/http';
import { isDigest, validateDigest, validateRepository, validateTag } from '../reference';
import type { RegistryTraits } from '../traits';

/** What Berth reads of a HEAD or a DELETE: their bodies are not used. */
export const MAX_SMALL_BODY = 1024 * 1024;
/** How long digest-addressed content and its summaries are kept. */
export const CONTENT_TTL_MS = 24 * 3600_000;
/** How long a successful read of a repository stands for the connection's right to read it. */
const CONFIRMED_ACCESS_TTL_MS = 60_000;

/** One client's registry, credentials and person, as its operations see them. */
export interface Connection {
  /** Canonical host ("docker.io", "127.0.0.1:5000"). */
  readonly host: string;
  /** Origin Berth talks to ("https://registry-1.docker.io"). */
  readonly baseUrl: URL;
  readonly traits: RegistryTraits;
  readonly auth: Authorizer;
  readonly context: RegistryContext;
  /** Ends this person's work when they have gone. */
  readonly signal?: AbortSignal;
  /** Who this person is, for their budget of long work (an address; '' for Berth's own). */
  readonly client?: string;
}

/** A URL of the registry, with the query parameters that have a value. */
export function registryUrl(c: Connection, path: string, query?: Record<string, string | undefined>): URL {
  const u = new URL(path, c.baseUrl);
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.set(k, v);
  return u;
}

export function checkReference(repository: string, reference: string): void {
  validateRepository(repository);
  if (isDigest(reference)) validateDigest(reference);
  else validateTag(reference);
}

/** Digest-addressed content is kept per registry, repository and digest: the same for everyone. */
export const contentKey = (c: Connection, repository: string, digest: string) => `${c.baseUrl.origin}|${repository}|${digest}`;

/** What one connection learnt of one repository. */
export const accessKey = (c: Connection, repository: string) => `${c.auth.connectionKey}|${repository}`;

/** The registry just let this connection read `repository`: its cached content may be served to it. */
export function confirm(c: Connection, repository: string, res: HttpResponse): void {
  if (res.status === 200 || res.status === 206) c.context.confirmedAccess.set(accessKey(c, repository), true, CONFIRMED_ACCESS_TTL_MS);
}

export function confirmed(c: Connection, repository: string): boolean {
  return c.context.confirmedAccess.get(accessKey(c, repository)) === true;
}

/** The headers that say what a document is, as the registry sent them (capped in length). */
export function documentHeaders(res: HttpResponse): DocumentHeaders {
  const headers: DocumentHeaders = {};
  const contentType = res.headers.get('content-type');
  const digest = res.headers.get('docker-content-digest');
  const length = res.headers.get('content-length');
  if (contentType !== undefined) headers.contentType = contentType.slice(0, 300);
  if (digest !== undefined) headers.dockerContentDigest = digest.slice(0, 300);
  if (length !== undefined) headers.contentLength = length.slice(0, 30);
  return headers;
}

export const succeeded = (res: HttpResponse) => res.status >= 200 && res.status < 300;

/** The next step when a registry's content does not hash to the digest it is known by. */
export const ALTERED_CONTENT = "The registry's storage may be damaged, or something between it and Berth alters its answers: tell the registry's owner.";
