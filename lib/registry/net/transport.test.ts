// The transport against a local server: redirects, the Authorization they may carry, and one
// deadline for the whole chain.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RegistryContext } from '../context';
import { RegistryError } from '../errors';
import { AddressPolicy } from '../policy';
import { followingTransport } from './transport';

async function server(handle: (path: string, headers: IncomingHttpHeaders, method: string) => { status: number; location?: string; delayMs?: number }) {
  const srv = createServer((req, res) => {
    const a = handle(req.url ?? '/', req.headers, req.method ?? '');
    setTimeout(() => {
      res.writeHead(a.status, a.location ? { location: a.location } : {});
      res.end('{}');
    }, a.delayMs ?? 0);
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  return { origin, close: () => new Promise<void>((resolve) => srv.close(() => resolve())) };
}

const contextFor = (origins: string[], timeoutMs: number) =>
  new RegistryContext({ policy: new AddressPolicy({ allowed: origins, dockerHubRegistryUrl: 'https://registry-1.docker.io' }), timeoutMs });

test('one deadline covers a request and all its redirects', async (t) => {
  // Three redirects in 400 ms each, then a last hop that takes 5 s: the whole request must give up
  // at 2 s, not 2 s after the last hop started (3.2 s).
  const s = await server((path) => {
    const hop = Number(path.split('/').pop());
    return hop < 3 ? { status: 307, location: `/hop/${hop + 1}`, delayMs: 400 } : { status: 200, delayMs: 5000 };
  });
  t.after(s.close);
  const transport = followingTransport(contextFor([s.origin], 2000), 'r');
  const started = Date.now();
  await assert.rejects(
    transport({ url: new URL('/hop/0', s.origin), method: 'GET', headers: {}, maxBytes: 1000 }),
    (e: unknown) => e instanceof RegistryError && e.code === 'TIMEOUT' && /within 2 s/.test(e.message),
  );
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= 1900 && elapsed < 2900, `gave up after ${elapsed} ms`);
});

/**
 * Origin a answers with `redirect(path, b's origin)`, origin b with 200; both record the
 * Authorization each request carried; the transport follows redirects between the two.
 */
async function twoOrigins(t: TestContext, redirect: (path: string, b: string) => { status: number; location: string }) {
  const seen: Array<[string, string | undefined]> = [];
  const b = await server((path, headers) => {
    seen.push([`b${path}`, headers.authorization]);
    return { status: 200 };
  });
  t.after(b.close);
  const a = await server((path, headers) => {
    seen.push([`a${path}`, headers.authorization]);
    return redirect(path, b.origin);
  });
  t.after(a.close);
  return { seen, a, transport: followingTransport(contextFor([a.origin, b.origin], 5000), 'r') };
}

test('Authorization is dropped when a redirect leaves the origin, kept within it', async (t) => {
  const { seen, a, transport } = await twoOrigins(t, (path, b) =>
    path === '/start' ? { status: 307, location: '/same' } : { status: 307, location: `${b}/other` },
  );
  const res = await transport({ url: new URL('/start', a.origin), method: 'GET', headers: { authorization: 'Bearer secret' }, maxBytes: 1000 });
  assert.equal(res.status, 200);
  assert.deepEqual(seen, [
    ['a/start', 'Bearer secret'],
    ['a/same', 'Bearer secret'],
    ['b/other', undefined],
  ]);
});

test('a Range request asks for the same bytes where a redirect leads (a blob in storage), without Authorization', async (t) => {
  const seen: string[] = [];
  const b = await server((path, headers) => {
    seen.push(`b${path} ${headers.range} ${headers.authorization ?? 'no authorization'}`);
    return { status: 200 };
  });
  t.after(b.close);
  const a = await server((path, headers) => {
    seen.push(`a${path} ${headers.range} ${headers.authorization}`);
    return { status: 307, location: `${b.origin}/blob` };
  });
  t.after(a.close);
  const transport = followingTransport(contextFor([a.origin, b.origin], 5000), 'r');
  await transport({ url: new URL('/start', a.origin), method: 'GET', headers: { authorization: 'Bearer secret', range: 'bytes=5-9' }, maxBytes: 1000 });
  assert.deepEqual(seen, ['a/start bytes=5-9 Bearer secret', 'b/blob bytes=5-9 no authorization']);
});

test('a POST body is resent by a 307 to the same origin, dropped by a 303, and never sent to another origin', async (t) => {
  const seen: string[] = [];
  const capture = (label: string) =>
    createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push(`${label} ${req.method} ${req.url} ${Buffer.concat(chunks).toString()}`);
        const to = req.url === '/login' ? '/login2' : req.url === '/login2' ? '/after' : req.url === '/away' ? `${other}/stolen` : undefined;
        res.writeHead(to ? (req.url === '/login2' ? 303 : 307) : 200, to ? { location: to } : {});
        res.end('{}');
      });
    });
  const listen = async (srv: ReturnType<typeof createServer>) => {
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise<void>((resolve) => srv.close(() => resolve())));
    return `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  };
  const other = await listen(capture('b'));
  const origin = await listen(capture('a'));
  const transport = followingTransport(contextFor([origin, other], 5000), 'r');
  const body = Buffer.from('{"secret":"s"}');
  const res = await transport({ url: new URL('/login', origin), method: 'POST', headers: { 'content-type': 'application/json' }, body, maxBytes: 1000 });
  assert.equal(res.status, 200);
  assert.deepEqual(seen, ['a POST /login {"secret":"s"}', 'a POST /login2 {"secret":"s"}', 'a GET /after ']);
  await assert.rejects(
    transport({ url: new URL('/away', origin), method: 'POST', headers: {}, body, maxBytes: 1000 }),
    (e: unknown) => e instanceof RegistryError && e.code === 'BAD_RESPONSE' && /body to another address/.test(e.message),
  );
  assert.ok(!seen.some((line) => line.startsWith('b ')), seen.join('\n'));
});

// A DELETE removes content: repeating it at an address the registry names could delete something
// else, somewhere else, with the person's token. Berth hands the redirect back as it came.
for (const status of [301, 302, 303, 307, 308]) {
  for (const where of ['another origin', 'the same origin'] as const) {
    test(`a DELETE answered ${status} to ${where} is returned as is, and nothing else is sent`, async (t) => {
      const seen: string[] = [];
      const b = await server((path, _headers, method) => {
        seen.push(`b ${method} ${path}`);
        return { status: 202 };
      });
      t.after(b.close);
      const a = await server((path, _headers, method) => {
        seen.push(`a ${method} ${path}`);
        if (path !== '/v2/app/manifests/x') return { status: 202 };
        return { status, location: where === 'the same origin' ? '/v2/other/manifests/y' : `${b.origin}/v2/app/manifests/x` };
      });
      t.after(a.close);
      const transport = followingTransport(contextFor([a.origin, b.origin], 5000), 'r');
      const res = await transport({
        url: new URL('/v2/app/manifests/x', a.origin),
        method: 'DELETE',
        headers: { authorization: 'Bearer secret' },
        maxBytes: 1000,
      });
      assert.equal(res.status, status);
      assert.equal(res.url.origin, a.origin);
      assert.deepEqual(seen, ['a DELETE /v2/app/manifests/x']);
    });
  }
}

for (const status of [301, 302, 303, 308]) {
  test(`Authorization is dropped when a ${status} leaves the origin`, async (t) => {
    const { seen, a, transport } = await twoOrigins(t, (_, b) => ({ status, location: `${b}/blob` }));
    for (const method of ['GET', 'HEAD'] as const) {
      const res = await transport({ url: new URL('/start', a.origin), method, headers: { authorization: 'Bearer secret', accept: 'x/y' }, maxBytes: 1000 });
      assert.equal(res.status, 200);
    }
    assert.deepEqual(seen, [
      ['a/start', 'Bearer secret'],
      ['b/blob', undefined],
      ['a/start', 'Bearer secret'],
      ['b/blob', undefined],
    ]);
  });
}

test('a redirect that leaves the origin and comes back does not bring Authorization back', async (t) => {
  const seen: Array<[string, string | undefined]> = [];
  let aOrigin = '';
  const b = await server((path, headers) => {
    seen.push([`b${path}`, headers.authorization]);
    return { status: 307, location: `${aOrigin}/back` };
  });
  t.after(b.close);
  const a = await server((path, headers) => {
    seen.push([`a${path}`, headers.authorization]);
    return path === '/start' ? { status: 307, location: `${b.origin}/away` } : { status: 200 };
  });
  t.after(a.close);
  aOrigin = a.origin;
  const transport = followingTransport(contextFor([a.origin, b.origin], 5000), 'r');
  await transport({ url: new URL('/start', a.origin), method: 'GET', headers: { authorization: 'Bearer secret' }, maxBytes: 1000 });
  assert.deepEqual(seen, [
    ['a/start', 'Bearer secret'],
    ['b/away', undefined],
    ['a/back', undefined],
  ]);
});

test('a body read as it arrives is read where the redirect leads (storage), without the credentials; the redirect itself is read as usual', async (t) => {
  const { seen, a, transport } = await twoOrigins(t, (_, b) => ({ status: 307, location: `${b}/blob` }));
  const bodies: string[] = [];
  const res = await transport({
    url: new URL('/start', a.origin),
    method: 'GET',
    headers: { authorization: 'Bearer secret' },
    maxBytes: 1000,
    consume: async (body) => {
      for await (const chunk of body) bodies.push(chunk.toString());
      return 'read';
    },
  });
  assert.deepEqual([res.status, res.consumed, bodies.join('')], [200, 'read', '{}']);
  assert.deepEqual(seen, [
    ['a/start', 'Bearer secret'],
    ['b/blob', undefined],
  ]);
});
