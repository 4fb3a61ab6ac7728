// Every failed answer's error, branch by branch: its code, its sentence, and what it keeps of the
// answer (status, the registry's message and detail, the wait).
import { describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_RETRY_AFTER_SECONDS, type RegistryError } from './errors';
import { deletionErrorFromResponse, errorFromResponse, hubApiError, hubRateLimited, hubRetryAfter, type Requester, type Target } from './response-error';
import { respond, type Answer } from './test-registry';

const anonymous: Requester = { host: 'r.example' };
const alice: Requester = { host: 'r.example', username: 'alice' };
const DIGEST = `sha256:${'a'.repeat(64)}`;
const answer = (a: Answer) => respond(new URL('https://r.example/v2/team/app/tags/list'), a);
const errors = (code: string, message?: string, detail?: unknown) => ({ errors: [{ code, message, detail }] });
const said = (e: RegistryError) => [e.code, e.message];

describe('errorFromResponse', () => {
  test('what every error keeps of the answer: its status, the registry’s message and detail, the wait, the host', () => {
    const e = errorFromResponse(answer({ status: 503, headers: { 'retry-after': '30' }, body: errors('UNAVAILABLE', 'busy', { why: 'x' }) }), alice);
    assert.deepEqual([e.upstreamStatus, e.registryMessage, e.detail, e.retryAfter, e.host], [503, 'busy', { why: 'x' }, 30, 'r.example']);
  });

  test('401 to someone signed in: Basic alone means the credentials are wrong; a token challenge, that access was not granted', () => {
    const basic = { status: 401, headers: { 'www-authenticate': 'Basic realm="r"' } };
    assert.deepEqual(said(errorFromResponse(answer(basic), alice, { repository: 'team/app' })), [
      'UNAUTHORIZED',
      'r.example rejected the username or password (or token) for team/app. Sign in again.',
    ]);
    const both = { status: 401, headers: { 'www-authenticate': 'Basic realm="r", Bearer realm="https://auth.example/token"' } };
    assert.deepEqual(said(errorFromResponse(answer(both), alice, { repository: 'team/app' })), [
      'DENIED',
      "alice may not read team/app on r.example. Ask the registry's owner for access, or sign in as another user.",
    ]);
    const scope = { status: 401, headers: { 'www-authenticate': 'Bearer realm="https://auth.example/token",error="insufficient_scope"' } };
    assert.deepEqual(said(errorFromResponse(answer(scope), alice, { repository: 'team/app' })), [
      'DENIED',
      "alice may not read team/app on r.example (the token service did not grant that access). Ask the registry's owner for access, or sign in as another user.",
    ]);
    const invalid = { status: 401, headers: { 'www-authenticate': 'Bearer realm="https://auth.example/token",error="invalid_token"' } };
    assert.doesNotMatch(errorFromResponse(answer(invalid), alice).message, /did not grant/);
    assert.deepEqual(said(errorFromResponse(answer({ status: 401 }), alice)), [
      'DENIED',
      "alice may not read this resource on r.example. Ask the registry's owner for access, or sign in as another user.",
    ]);
  });

  test('401 to someone anonymous: sign in, whatever the challenge', () => {
    for (const headers of [{}, { 'www-authenticate': 'Basic realm="r"' }]) {
      assert.deepEqual(said(errorFromResponse(answer({ status: 401, headers }), anonymous, { repository: 'team/app' })), [
        'UNAUTHORIZED',
        'r.example needs you to sign in to read team/app.',
      ]);
    }
  });

  test('what was asked for is named: a repository, a tag of it, a digest of it, or nothing in particular', () => {
    const denied = (what = {}) => errorFromResponse(answer({ status: 403 }), alice, what).message;
    assert.equal(denied(), "r.example denied access to this resource. Ask the registry's owner for access, or sign in as another user.");
    assert.match(denied({ repository: 'team/app' }), /^r\.example denied access to team\/app\. /);
    assert.match(denied({ repository: 'team/app', reference: 'v1' }), /^r\.example denied access to team\/app:v1\. /);
    assert.match(denied({ repository: 'team/app', reference: DIGEST }), new RegExp(`^r\\.example denied access to team/app@${DIGEST}\\. `));
    assert.equal(errorFromResponse(answer({ status: 403 }), alice).code, 'DENIED');
  });

  test('404: a repository, a manifest or a blob that is not there, as the registry’s code says or the request implies', () => {
    const missing = (a: Answer, what = {}) => said(errorFromResponse(answer({ status: 404, ...a }), alice, what));
    assert.deepEqual(missing({}, { repository: 'team/app' }), [
      'NAME_UNKNOWN',
      'The repository team/app does not exist on r.example, or you cannot see it. Check the name.',
    ]);
    assert.deepEqual(missing({}), ['NAME_UNKNOWN', 'The repository  does not exist on r.example, or you cannot see it. Check the name.']);
    assert.deepEqual(missing({ body: errors('UNKNOWN') }, { repository: 'team/app', reference: 'v1' }), [
      'MANIFEST_UNKNOWN',
      'team/app:v1 was not found on r.example. Check the tag or digest.',
    ]);
    assert.deepEqual(missing({ body: errors('NAME_UNKNOWN') }, { repository: 'team/app', reference: 'v1' }), [
      'NAME_UNKNOWN',
      'The repository team/app does not exist on r.example, or you cannot see it. Check the name.',
    ]);
    assert.deepEqual(missing({ body: errors('BLOB_UNKNOWN') }, { repository: 'team/app', reference: DIGEST }), [
      'BLOB_UNKNOWN',
      `r.example does not have the blob ${DIGEST} in team/app.`,
    ]);
    assert.deepEqual(missing({ body: errors('BLOB_UNKNOWN') }), ['BLOB_UNKNOWN', 'r.example does not have the blob  in this repository.']);
  });

  test('429: when to try again, and that signing in helps only the anonymous', () => {
    const limited = (headers: Record<string, string>, who: Requester) => errorFromResponse(answer({ status: 429, headers }), who);
    assert.deepEqual(said(limited({ 'retry-after': '7' }, alice)), ['TOOMANYREQUESTS', 'r.example is rate-limiting requests. Try again in 7 s.']);
    assert.deepEqual(said(limited({}, anonymous)), [
      'TOOMANYREQUESTS',
      'r.example is rate-limiting requests. Wait a minute and try again. Signing in usually raises the limit.',
    ]);
    assert.equal(limited({ 'retry-after': '7' }, alice).retryAfter, 7);
  });

  test('405, or UNSUPPORTED with another status: the registry does not support it', () => {
    for (const a of [{ status: 405 }, { status: 400, body: errors('UNSUPPORTED') }]) {
      assert.deepEqual(said(errorFromResponse(answer(a), alice)), ['UNSUPPORTED', 'r.example does not support this operation.']);
    }
  });

  test('5xx: the registry failed; its own code only where that code also means a failure of the registry', () => {
    const failed = (a: Answer) => errorFromResponse(answer({ status: 500, ...a }), alice);
    assert.deepEqual(said(failed({})), [
      'UNAVAILABLE',
      'r.example answered with an error (HTTP 500). Try again in a moment; if it persists, the registry may be down.',
    ]);
    assert.equal(failed({ headers: { 'retry-after': '30' } }).message, 'r.example answered with an error (HTTP 500). Try again in 30 s.');
    assert.equal(
      errorFromResponse(answer({ status: 503 }), alice).message,
      'r.example answered with an error (HTTP 503). Try again in a moment; if it persists, the registry may be down.',
    );
    assert.equal(failed({ body: errors('BLOB_UPLOAD_INVALID') }).code, 'BLOB_UPLOAD_INVALID');
    assert.equal(failed({ body: errors('DENIED') }).code, 'UNAVAILABLE');
    assert.equal(failed({ body: errors('UNKNOWN') }).code, 'UNAVAILABLE');
  });

  test('any other status: refused, with the registry’s code and message when it sent them', () => {
    const refused = (a: Answer) => said(errorFromResponse(answer({ status: 400, ...a }), alice));
    assert.deepEqual(refused({}), ['UNKNOWN', 'r.example refused the request (HTTP 400).']);
    assert.deepEqual(refused({ body: errors('NAME_INVALID') }), ['NAME_INVALID', 'r.example refused the request (HTTP 400, NAME_INVALID).']);
    assert.deepEqual(refused({ body: errors('NAME_INVALID', 'bad name') }), [
      'NAME_INVALID',
      'r.example refused the request (HTTP 400, NAME_INVALID): bad name.',
    ]);
    assert.deepEqual(said(errorFromResponse(answer({ status: 302 }), alice)), ['UNKNOWN', 'r.example refused the request (HTTP 302).']);
  });
});

describe('deletionErrorFromResponse', () => {
  const deleting = (a: Answer, who: Requester = alice, what: Target = { repository: 'team/app', reference: 'v1' }) =>
    deletionErrorFromResponse(answer(a), who, what);

  test('401 to someone anonymous: sign in to delete', () => {
    assert.deepEqual(said(deleting({ status: 401 }, anonymous)), ['UNAUTHORIZED', 'r.example needs you to sign in to delete from team/app.']);
    assert.equal(deleting({ status: 401 }, anonymous, {}).message, 'r.example needs you to sign in to delete from this repository.');
  });

  test('401 to someone signed in, or 403: the delete right was not granted, and nothing was deleted', () => {
    const sentence = (who: string) =>
      `${who} may not delete from team/app on r.example: the registry did not grant the delete right. Nothing was deleted. Ask the registry's owner for it, or sign in as a user who has it.`;
    assert.deepEqual(said(deleting({ status: 401 })), ['DENIED', sentence('alice')]);
    assert.deepEqual(said(deleting({ status: 403 })), ['DENIED', sentence('alice')]);
    assert.deepEqual(said(deleting({ status: 403 }, anonymous)), ['DENIED', sentence('You')]);
  });

  test('405, or UNSUPPORTED: deletion is turned off, with the status it answered', () => {
    const off = (status: number) =>
      `r.example has deletion turned off: it answers every DELETE with ${status} UNSUPPORTED. Nothing was deleted. Its operator can turn deletion on (CNCF distribution: storage.delete.enabled).`;
    assert.deepEqual(said(deleting({ status: 405 })), ['UNSUPPORTED', off(405)]);
    assert.deepEqual(said(deleting({ status: 400, body: errors('UNSUPPORTED') })), ['UNSUPPORTED', off(400)]);
  });

  test('404: not there (any more), as a manifest unless the registry says the repository is unknown', () => {
    assert.deepEqual(said(deleting({ status: 404 })), ['MANIFEST_UNKNOWN', 'team/app:v1 is not on r.example (any more): nothing was deleted.']);
    assert.equal(deleting({ status: 404, body: errors('NAME_UNKNOWN') }).code, 'NAME_UNKNOWN');
    assert.equal(deleting({ status: 404, body: errors('BLOB_UNKNOWN') }).code, 'MANIFEST_UNKNOWN');
  });

  test('anything else is what any request is told, and keeps what the answer said', () => {
    const e = deleting({ status: 500, body: errors('UNKNOWN', 'disk full', { free: 0 }) });
    assert.deepEqual(said(e), ['UNAVAILABLE', 'r.example answered with an error (HTTP 500). Try again in a moment; if it persists, the registry may be down.']);
    assert.deepEqual([e.upstreamStatus, e.registryMessage, e.detail, e.host], [500, 'disk full', { free: 0 }, 'r.example']);
    const denied = deleting({ status: 403, body: errors('DENIED', 'no', { right: 'delete' }) });
    assert.deepEqual([denied.upstreamStatus, denied.registryMessage, denied.detail, denied.host], [403, 'no', { right: 'delete' }, 'r.example']);
  });
});

describe("Docker Hub's API", () => {
  const hub = (status: number, headers: Record<string, string> = {}) =>
    respond(new URL('https://hub.example/v2/namespaces/library/repositories'), { status, headers });

  test('the wait after a 429: Retry-After, else X-RateLimit-Reset from now (a second at least, a day at most), else none', (t) => {
    t.after(() => mock.timers.reset());
    mock.timers.enable({ apis: ['Date'], now: 1_767_225_600_000 });
    const now = 1_767_225_600;
    assert.equal(hubRetryAfter(hub(429, { 'retry-after': '12', 'x-ratelimit-reset': String(now + 99) })), 12);
    assert.equal(hubRetryAfter(hub(429, { 'x-ratelimit-reset': String(now + 99.2) })), 100);
    assert.equal(hubRetryAfter(hub(429, { 'x-ratelimit-reset': String(now - 50) })), 1);
    assert.equal(hubRetryAfter(hub(429, { 'x-ratelimit-reset': String(now + 10 * MAX_RETRY_AFTER_SECONDS) })), MAX_RETRY_AFTER_SECONDS);
    for (const reset of ['0', '-5', 'soon', ''] as const) assert.equal(hubRetryAfter(hub(429, { 'x-ratelimit-reset': reset })), undefined, reset);
    assert.equal(hubRetryAfter(hub(429)), undefined);
  });

  test('rate-limited: when to try again, that anonymous people share a limit, and whether Docker Hub said so or Berth waits', () => {
    const limited = hubRateLimited(42, true, 429);
    assert.deepEqual(said(limited), ['TOOMANYREQUESTS', "Docker Hub's API is limiting Berth's requests. Try again in 42 s."]);
    assert.deepEqual([limited.retryAfter, limited.upstreamStatus, limited.host], [42, 429, 'docker.io']);
    const waiting = hubRateLimited(undefined, false);
    assert.equal(
      waiting.message,
      "Docker Hub's API is limiting Berth's requests. Wait a minute and try again. Everyone using this Berth without signing in shares one limit; signing in gives you your own.",
    );
    assert.deepEqual([waiting.retryAfter, waiting.upstreamStatus], [undefined, undefined]);
  });

  test('401: sign in, or sign in again', () => {
    assert.deepEqual(said(hubApiError(hub(401), true)), ['UNAUTHORIZED', 'Docker Hub no longer accepts the credentials saved for it. Sign in again.']);
    assert.deepEqual(said(hubApiError(hub(401), false)), ['UNAUTHORIZED', 'Docker Hub needs you to sign in to see this.']);
  });

  test('403: what was denied, and what to do about it', () => {
    assert.deepEqual(said(hubApiError(hub(403), true, { repository: 'library/alpine', namespace: 'library' })), [
      'DENIED',
      'Docker Hub denied access to library/alpine. Ask its owner for access, or sign in as an account that has it.',
    ]);
    assert.equal(
      hubApiError(hub(403), false, { namespace: 'acme' }).message,
      'Docker Hub denied access to acme. Sign in to Docker Hub as an account that may see it.',
    );
    assert.match(hubApiError(hub(403), false).message, /^Docker Hub denied access to this\. /);
  });

  test('404: a tag, a repository, or a page of a list that is not there', () => {
    assert.deepEqual(said(hubApiError(hub(404), true, { repository: 'library/alpine', tag: 'v9' })), [
      'MANIFEST_UNKNOWN',
      'library/alpine:v9 was not found on Docker Hub. Check the tag.',
    ]);
    assert.deepEqual(said(hubApiError(hub(404), true, { repository: 'acme/app' })), [
      'NAME_UNKNOWN',
      'The repository acme/app does not exist on Docker Hub, or you cannot see it. Check the name.',
    ]);
    assert.equal(
      hubApiError(hub(404), false, { repository: 'acme/app' }).message,
      'The repository acme/app does not exist on Docker Hub, or you cannot see it without signing in. Check the name.',
    );
    assert.deepEqual(said(hubApiError(hub(404), false, { namespace: 'acme' })), [
      'NAME_UNKNOWN',
      "Docker Hub has no such page of the list of acme's repositories; the list may have changed. Reload it.",
    ]);
    assert.match(hubApiError(hub(404), false).message, /list of this namespace's repositories/);
  });

  test('429, 5xx and anything else', () => {
    const limited = hubApiError(hub(429, { 'retry-after': '5' }), false);
    assert.deepEqual([limited.code, limited.retryAfter, limited.upstreamStatus], ['TOOMANYREQUESTS', 5, 429]);
    assert.match(limited.message, /shares one limit/);
    assert.deepEqual(said(hubApiError(hub(500), true)), ['UNAVAILABLE', "Docker Hub's API answered with an error (HTTP 500). Try again in a moment."]);
    assert.deepEqual(said(hubApiError(hub(400), true)), [
      'BAD_RESPONSE',
      "Docker Hub's API refused Berth's request (HTTP 400). Try again; if it keeps refusing, open the repository by name instead.",
    ]);
    assert.deepEqual([hubApiError(hub(400), true).upstreamStatus, hubApiError(hub(400), true).host], [400, 'docker.io']);
  });
});
