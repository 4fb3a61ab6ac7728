// The recording transport: each exchange kept in order, as it was sent and as it ended, timed, and
// never with a password or a token in what it keeps to show.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { RegistryError } from '../errors';
import { REDACTED, describeRequest, recording, redactAuthorization } from './record';
import { REGISTRY, testRegistry } from '../test-registry';
import type { TransportRequest } from './transport';

const basic = `Basic ${Buffer.from('alice:s3cret-password').toString('base64')}`;
const token = 'eyJhbGciOiJSUzI1NiJ9.eyJhY2Nlc3MiOltdfQ.c2lnbmF0dXJl';
const get = (path: string, authorization?: string): TransportRequest => ({
  url: new URL(path, REGISTRY),
  method: 'GET',
  headers: authorization ? { authorization } : {},
  maxBytes: 1024,
});

describe('redactAuthorization', () => {
  test('Basic shows the username alone; a token, its length alone; whatever the case of the scheme', () => {
    assert.equal(redactAuthorization(basic, 'alice'), `Basic alice:${REDACTED}`);
    assert.equal(redactAuthorization(basic.replace('Basic', 'BASIC'), 'alice'), `Basic alice:${REDACTED}`);
    assert.equal(redactAuthorization(basic, undefined), `Basic :${REDACTED}`);
    assert.equal(redactAuthorization(`Bearer ${token}`, 'alice'), `Bearer ${REDACTED} (${token.length} characters)`);
    assert.equal(redactAuthorization(`bearer ${token}`, undefined), `Bearer ${REDACTED} (${token.length} characters)`);
    assert.equal(redactAuthorization(undefined, 'alice'), undefined);
    assert.equal(REDACTED, '•••');
  });

  test('any other scheme is shown as a secret of its length too, never as sent', () => {
    assert.equal(redactAuthorization('Token abc', 'alice'), `Bearer ${REDACTED} (9 characters)`);
    // The scheme is the header's first word: a word inside its value is not taken for it.
    assert.equal(redactAuthorization('Token bearer abc', 'alice'), `Bearer ${REDACTED} (16 characters)`);
    assert.equal(redactAuthorization('Bearer basic abc', 'alice'), `Bearer ${REDACTED} (9 characters)`);
  });
});

describe('describeRequest', () => {
  test('the method and URL as sent, the authorization redacted, and only when there is one', () => {
    assert.deepEqual(describeRequest(get('/v2/?n=1', basic), 'alice'), {
      method: 'GET',
      url: `${REGISTRY}/v2/?n=1`,
      authorization: `Basic alice:${REDACTED}`,
      ms: 0,
    });
    const anonymous = describeRequest({ ...get('/v2/'), method: 'HEAD' }, undefined);
    assert.deepEqual(anonymous, { method: 'HEAD', url: `${REGISTRY}/v2/`, ms: 0 });
    assert.equal('authorization' in anonymous, false);
  });
});

describe('recording', () => {
  test('every exchange in the order sent: the request, its answer, its status, where redirects led', async () => {
    const registry = testRegistry((req) => (req.url.pathname === '/v2/moved' ? { status: 200, url: `${REGISTRY}/elsewhere` } : { status: 401 }));
    const { transport, exchanges } = recording(registry.transport, 'alice');
    const first = get('/v2/', basic);
    const answer = await transport(first);
    await transport(get('/v2/moved', `Bearer ${token}`));
    assert.equal(exchanges.length, 2);
    assert.equal(exchanges[0]?.request, first);
    assert.equal(exchanges[0]?.response, answer);
    assert.deepEqual(
      exchanges.map((e) => [e.sent.url, e.sent.status, e.sent.finalUrl, e.error]),
      [
        [`${REGISTRY}/v2/`, 401, undefined, undefined],
        [`${REGISTRY}/v2/moved`, 200, `${REGISTRY}/elsewhere`, undefined],
      ],
    );
    assert.equal('finalUrl' in (exchanges[0]?.sent ?? {}), false);
  });

  test('no password, Basic string or token is kept in what is shown', async () => {
    const { transport, exchanges } = recording(testRegistry(() => ({})).transport, 'alice');
    await transport(get('/v2/', basic));
    await transport(get('/v2/', `Bearer ${token}`));
    const shown = JSON.stringify(exchanges.map((e) => e.sent));
    for (const secret of ['s3cret-password', basic.slice(6), token]) assert.ok(!shown.includes(secret), secret);
    assert.deepEqual(
      exchanges.map((e) => e.sent.authorization),
      [`Basic alice:${REDACTED}`, `Bearer ${REDACTED} (${token.length} characters)`],
    );
  });

  test('each exchange is timed, answered or not', async () => {
    const slow = testRegistry(async (req) => {
      await sleep(40);
      if (req.url.pathname === '/v2/down') throw new RegistryError({ code: 'TIMEOUT', host: 'r.example', message: 'slow' });
      return {};
    });
    const { transport, exchanges } = recording(slow.transport, undefined);
    const elapsed: number[] = [];
    let start = performance.now();
    await transport(get('/v2/'));
    elapsed.push(performance.now() - start);
    start = performance.now();
    await assert.rejects(transport(get('/v2/down')));
    elapsed.push(performance.now() - start);
    exchanges.forEach(({ sent }, i) => {
      assert.ok(Number.isInteger(sent.ms), String(sent.ms));
      assert.ok(sent.ms >= 30 && sent.ms <= Math.ceil(elapsed[i] ?? 0), `${sent.ms} ms of ${elapsed[i]}`);
    });
  });

  test('a RegistryError is kept as why no answer came, and thrown; any other failure is thrown, not kept', async () => {
    const down = new RegistryError({ code: 'UNREACHABLE', host: 'r.example', message: 'refused' });
    const registry = testRegistry((req) => {
      if (req.url.pathname === '/v2/down') throw down;
      throw new Error('bug');
    });
    const { transport, exchanges } = recording(registry.transport, undefined);
    await assert.rejects(transport(get('/v2/down')), (e) => e === down);
    await assert.rejects(transport(get('/v2/bug')), /bug/);
    assert.deepEqual(
      exchanges.map((e) => [e.error, e.response, e.sent.status]),
      [
        [down, undefined, undefined],
        [undefined, undefined, undefined],
      ],
    );
  });
});
