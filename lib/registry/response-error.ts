// Maps a registry's failed response to a RegistryError with a sentence a person can act on.
import { findChallenge, parseChallenges } from './challenge';
import { RegistryError, STATUS_OF, parseErrorBody, parseRetryAfter } from './errors';
import type { HttpResponse } from './net/http';
import { isDigest } from './reference';

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
