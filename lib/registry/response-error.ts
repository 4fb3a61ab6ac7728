// Every failed answer becomes a RegistryError here, with a sentence a person can act on: a
// registry's (errorFromResponse, and deletionErrorFromResponse for what a DELETE is refused), and
// Docker Hub's API's (hubApiError), whose answers carry no registry error codes, whose 404 may be a
// page of a list, and whose 429 names its time in X-RateLimit-Reset too.
import { findChallenge, parseChallenges } from './challenge';
import { MAX_RETRY_AFTER_SECONDS, RegistryError, STATUS_OF, parseErrorBody, parseRetryAfter } from './errors';
import type { HttpResponse } from './net/http';
import { DOCKER_HUB, isDigest } from './reference';

/** Who asked: the registry, and the signed-in user (undefined when anonymous). */
export interface Requester {
  host: string;
  username?: string;
}

/** What was asked for, to name it in the message. */
export interface Target {
  repository?: string;
  reference?: string;
}

function describeTarget(what: Target): string {
  if (!what.repository) return 'this resource';
  if (!what.reference) return what.repository;
  return isDigest(what.reference) ? `${what.repository}@${what.reference}` : `${what.repository}:${what.reference}`;
}

export function errorFromResponse(res: HttpResponse, who: Requester, what: Target = {}): RegistryError {
  const upstream = parseErrorBody(res.body)[0];
  const retryAfter = parseRetryAfter(res.headers.get('retry-after'));
  const { host, username } = who;
  const target = describeTarget(what);
  const base = { upstreamStatus: res.status, host, registryMessage: upstream?.message, detail: upstream?.detail, retryAfter };
  const status = res.status;
  if (status === 401) {
    const challenges = parseChallenges(res.headers.getAll('www-authenticate'));
    const challenge = findChallenge(challenges, 'bearer');
    if (username !== undefined && !challenge && findChallenge(challenges, 'basic')) {
      // Basic credentials were sent and refused: they are wrong, not merely short of rights.
      return new RegistryError({
        ...base,
        code: 'UNAUTHORIZED',
        message: `${host} rejected the username or password (or token) for ${target}. Sign in again.`,
      });
    }
    if (username !== undefined) {
      const notGranted = challenge?.params.error === 'insufficient_scope' ? ' (the token service did not grant that access)' : '';
      return new RegistryError({
        ...base,
        code: 'DENIED',
        message: `${username} may not read ${target} on ${host}${notGranted}. Ask the registry's owner for access, or sign in as another user.`,
      });
    }
    return new RegistryError({ ...base, code: 'UNAUTHORIZED', message: `${host} needs you to sign in to read ${target}.` });
  }
  if (status === 403) {
    return new RegistryError({
      ...base,
      code: 'DENIED',
      message: `${host} denied access to ${target}. Ask the registry's owner for access, or sign in as another user.`,
    });
  }
  if (status === 404) {
    const code = upstream && upstream.code !== 'UNKNOWN' ? upstream.code : what.reference ? 'MANIFEST_UNKNOWN' : 'NAME_UNKNOWN';
    const message =
      code === 'NAME_UNKNOWN'
        ? `The repository ${what.repository ?? ''} does not exist on ${host}, or you cannot see it. Check the name.`
        : code === 'BLOB_UNKNOWN'
          ? `${host} does not have the blob ${what.reference ?? ''} in ${what.repository ?? 'this repository'}.`
          : `${target} was not found on ${host}. Check the tag or digest.`;
    return new RegistryError({ ...base, code, message });
  }
  if (status === 429) {
    const wait = retryAfter !== undefined ? ` Try again in ${retryAfter} s.` : ' Wait a minute and try again.';
    return new RegistryError({
      ...base,
      code: 'TOOMANYREQUESTS',
      message: `${host} is rate-limiting requests.${wait}${username === undefined ? ' Signing in usually raises the limit.' : ''}`,
    });
  }
  if (status === 405 || upstream?.code === 'UNSUPPORTED') {
    return new RegistryError({ ...base, code: 'UNSUPPORTED', message: `${host} does not support this operation.` });
  }
  if (status >= 500) {
    const wait = retryAfter !== undefined ? `Try again in ${retryAfter} s.` : 'Try again in a moment; if it persists, the registry may be down.';
    return new RegistryError({
      ...base,
      // The registry's own code only where it also means "the registry failed".
      code: upstream && upstream.code !== 'UNKNOWN' && STATUS_OF[upstream.code] >= 500 ? upstream.code : 'UNAVAILABLE',
      message: `${host} answered with an error (HTTP ${status}). ${wait}`,
    });
  }
  return new RegistryError({
    ...base,
    code: upstream?.code ?? 'UNKNOWN',
    message: `${host} refused the request (HTTP ${status}${upstream ? `, ${upstream.code}` : ''})${upstream?.message ? `: ${upstream.message}` : ''}.`,
  });
}

/**
 * A registry's refusal of a DELETE, in words about deleting (a 401 here is not "sign in to read").
 * distribution answers 405 UNSUPPORTED to every DELETE when its operator left deletion off.
 */
export function deletionErrorFromResponse(res: HttpResponse, who: Requester, what: Target): RegistryError {
  const upstream = parseErrorBody(res.body)[0];
  const { host, username } = who;
  const base = { upstreamStatus: res.status, host, registryMessage: upstream?.message, detail: upstream?.detail };
  const repository = what.repository ?? 'this repository';
  if (res.status === 401 && username === undefined) {
    return new RegistryError({ ...base, code: 'UNAUTHORIZED', message: `${host} needs you to sign in to delete from ${repository}.` });
  }
  if (res.status === 401 || res.status === 403) {
    const who = username === undefined ? 'You' : username;
    return new RegistryError({
      ...base,
      code: 'DENIED',
      message: `${who} may not delete from ${repository} on ${host}: the registry did not grant the delete right. Nothing was deleted. Ask the registry's owner for it, or sign in as a user who has it.`,
    });
  }
  if (res.status === 405 || upstream?.code === 'UNSUPPORTED') {
    return new RegistryError({
      ...base,
      code: 'UNSUPPORTED',
      message: `${host} has deletion turned off: it answers every DELETE with ${res.status} UNSUPPORTED. Nothing was deleted. Its operator can turn deletion on (CNCF distribution: storage.delete.enabled).`,
    });
  }
  if (res.status === 404) {
    return new RegistryError({
      ...base,
      code: upstream?.code === 'NAME_UNKNOWN' ? 'NAME_UNKNOWN' : 'MANIFEST_UNKNOWN',
      message: `${describeTarget(what)} is not on ${host} (any more): nothing was deleted.`,
    });
  }
  return errorFromResponse(res, who, what);
}

// ---- Docker Hub's API ----------------------------------------------------------------------------

/** What was asked of Docker Hub's API, to name it in the message. */
export interface HubTarget {
  repository?: string;
  namespace?: string;
  tag?: string;
}

/** Seconds a 429 of Docker Hub's API asks to wait: Retry-After, else the X-RateLimit-Reset time; capped at a day, as Retry-After is. */
export function hubRetryAfter(res: HttpResponse): number | undefined {
  const reset = Number(res.headers.get('x-ratelimit-reset'));
  return (
    parseRetryAfter(res.headers.get('retry-after')) ??
    (Number.isFinite(reset) && reset > 0 ? Math.min(Math.max(1, Math.ceil(reset - Date.now() / 1000)), MAX_RETRY_AFTER_SECONDS) : undefined)
  );
}

/** Docker Hub's API limiting this connection; without `upstreamStatus`, Berth's own refusal while it waits. */
export function hubRateLimited(retryAfter: number | undefined, signedIn: boolean, upstreamStatus?: number): RegistryError {
  return new RegistryError({
    code: 'TOOMANYREQUESTS',
    host: DOCKER_HUB,
    ...(upstreamStatus !== undefined ? { upstreamStatus } : {}),
    ...(retryAfter !== undefined ? { retryAfter } : {}),
    message: `Docker Hub's API is limiting Berth's requests.${retryAfter !== undefined ? ` Try again in ${retryAfter} s.` : ' Wait a minute and try again.'}${signedIn ? '' : ' Everyone using this Berth without signing in shares one limit; signing in gives you your own.'}`,
  });
}

export function hubApiError(res: HttpResponse, signedIn: boolean, what: HubTarget = {}): RegistryError {
  const base = { upstreamStatus: res.status, host: DOCKER_HUB };
  const status = res.status;
  if (status === 401) {
    return new RegistryError({
      ...base,
      code: 'UNAUTHORIZED',
      message: signedIn ? 'Docker Hub no longer accepts the credentials saved for it. Sign in again.' : 'Docker Hub needs you to sign in to see this.',
    });
  }
  if (status === 403) {
    return new RegistryError({
      ...base,
      code: 'DENIED',
      message: `Docker Hub denied access to ${what.repository ?? what.namespace ?? 'this'}. ${signedIn ? 'Ask its owner for access, or sign in as an account that has it.' : 'Sign in to Docker Hub as an account that may see it.'}`,
    });
  }
  if (status === 404) {
    if (what.tag)
      return new RegistryError({ ...base, code: 'MANIFEST_UNKNOWN', message: `${what.repository}:${what.tag} was not found on Docker Hub. Check the tag.` });
    return new RegistryError({
      ...base,
      code: 'NAME_UNKNOWN',
      message: what.repository
        ? `The repository ${what.repository} does not exist on Docker Hub, or you cannot see it${signedIn ? '' : ' without signing in'}. Check the name.`
        : `Docker Hub has no such page of the list of ${what.namespace ?? 'this namespace'}'s repositories; the list may have changed. Reload it.`,
    });
  }
  if (status === 429) return hubRateLimited(hubRetryAfter(res), signedIn, status);
  if (status >= 500) {
    return new RegistryError({ ...base, code: 'UNAVAILABLE', message: `Docker Hub's API answered with an error (HTTP ${status}). Try again in a moment.` });
  }
  return new RegistryError({
    ...base,
    code: 'BAD_RESPONSE',
    message: `Docker Hub's API refused Berth's request (HTTP ${status}). Try again; if it keeps refusing, open the repository by name instead.`,
  });
}
