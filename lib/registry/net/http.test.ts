import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { RegistryError } from '../errors';
import { send, tlsFactsOf } from './http';
import { AddressPolicy } from '../policy';

// The address policy is checked again on the address a name resolves to, when connecting: a
// name (not an IP literal) that resolves to loopback passes the URL check but never gets a
// connection. A plain TCP listener on loopback counts what reaches it.

const hub = 'https://registry-1.docker.io';
let server: Server;
let port = 0;
let connections = 0;
const sockets = new Set<Socket>();

before(async () => {
  server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.destroy();
  });
  // Dual-stack where the machine has IPv6, so localhost reaches it whichever address comes first.
  const listen = (host: string) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => resolve());
    });
  await listen('::').catch(() => listen('127.0.0.1'));
  port = (server.address() as AddressInfo).port;
});
after(() => {
  for (const s of sockets) s.destroy();
  server.close();
});

async function outcome(policy: AddressPolicy, url: string): Promise<RegistryError> {
  try {
    await send(policy, { url: new URL(url), maxBytes: 1024, timeoutMs: 5_000 });
  } catch (e) {
    assert.ok(e instanceof RegistryError, `expected a RegistryError, got ${String(e)}`);
    return e;
  }
  assert.fail(`${url} was fetched`);
}

test('localhost:<port> passes the URL check (a name, not an address) …', () => {
  const open = new AddressPolicy({ allowed: null, dockerHubRegistryUrl: hub });
  assert.deepEqual(open.check(new URL(`https://localhost:${port}/v2/`)), { privateOk: false });
});

test('… and is refused when it resolves to loopback, before any connection', async () => {
  const open = new AddressPolicy({ allowed: null, dockerHubRegistryUrl: hub });
  const before = connections;
  const e = await outcome(open, `https://localhost:${port}/v2/`);
  assert.equal(e.code, 'NOT_ALLOWED');
  assert.equal(e.status, 403);
  assert.match(e.message, new RegExp(`localhost:${port}: its name resolves to a loopback, private or link-local address`));
  assert.doesNotMatch(e.message, /127\.0\.0\.1|::1/, 'the refusal does not say where the name leads');
  assert.equal(connections, before, 'nothing connected to the listener');
});

test('the same name listed exactly is connected to (so the refusal above was the policy’s)', async () => {
  const listed = new AddressPolicy({ allowed: [`https://localhost:${port}`], dockerHubRegistryUrl: hub });
  const before = connections;
  const e = await outcome(listed, `https://localhost:${port}/v2/`);
  assert.notEqual(e.code, 'NOT_ALLOWED', e.message);
  assert.ok(connections > before, 'the listener saw the connection');
});

// The certificate facts the diagnosis shows, read from a real TLS handshake with a local server.

test('tlsFactsOf reads subject, issuer, validity, names and protocol of the peer certificate', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-tls-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '30',
      '-subj',
      '/O=Berth Test/CN=registry.test',
      '-addext',
      'subjectAltName=DNS:registry.test',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  const server = tls.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (s) => s.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const { port } = server.address() as { port: number };
  // Self-signed, so not trusted: only what the certificate says is read here.
  const socket = tls.connect({ host: '127.0.0.1', port, servername: 'registry.test', rejectUnauthorized: false });
  await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
  const facts = tlsFactsOf(socket);
  socket.destroy();
  assert.ok(facts);
  assert.equal(facts.subject, 'O=Berth Test, CN=registry.test');
  assert.equal(facts.issuer, 'O=Berth Test, CN=registry.test');
  assert.equal(facts.altNames, 'DNS:registry.test');
  assert.match(facts.protocol ?? '', /^TLSv1\.[23]$/);
  const days = (Date.parse(facts.validTo) - Date.parse(facts.validFrom)) / 86_400_000;
  assert.equal(Math.round(days), 30);
  assert.equal(new Date(facts.validTo).toISOString(), facts.validTo);
  // A plain connection has no certificate.
  const plain = createConnection({ host: '127.0.0.1', port });
  assert.equal(tlsFactsOf(plain), undefined);
  plain.destroy();
});

// Answers that break off or run long, from a real HTTP server: what each one is called.
describe('answers that are cut short or too long', () => {
  let answers: HttpServer;
  let origin = '';
  before(async () => {
    answers = createHttpServer((req, res) => {
      if (req.url === '/cut') {
        res.writeHead(200, { 'content-length': 1000 });
        res.write(Buffer.alloc(400, 'x'), () => res.socket?.destroy());
      } else {
        // 3 KB, announced or streamed without a length (chunked).
        if (req.url === '/long') res.setHeader('content-length', 3072);
        res.writeHead(200);
        res.end(req.method === 'HEAD' ? undefined : Buffer.alloc(3072, 'y'));
      }
    });
    await new Promise<void>((resolve) => answers.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(answers.address() as AddressInfo).port}`;
  });
  after(() => {
    answers.closeAllConnections();
    answers.close();
  });
  const policy = () => new AddressPolicy({ allowed: [origin], dockerHubRegistryUrl: hub });
  const get = (path: string, method: 'GET' | 'HEAD' = 'GET') => send(policy(), { url: new URL(path, origin), method, maxBytes: 2048, timeoutMs: 5_000 });

  test('a body that stops before its Content-Length is a cut-off answer, not an unreachable registry', async () => {
    await assert.rejects(get('/cut'), (e: unknown) => {
      assert.ok(e instanceof RegistryError);
      assert.equal(e.code, 'UNAVAILABLE');
      assert.match(e.message, /closed the connection before its answer was complete \(400 of 1000 bytes\)\. Try again/);
      return true;
    });
  });

  for (const path of ['/long', '/streamed']) {
    test(`more than the cap is refused with the cap named (${path})`, async () => {
      await assert.rejects(get(path), (e: unknown) => {
        assert.ok(e instanceof RegistryError);
        assert.equal(e.code, 'BAD_RESPONSE');
        assert.match(e.message, /sent an answer larger than 2 KiB, more than Berth reads for one request/);
        return true;
      });
    });
  }

  test('a HEAD announcing a long GET is answered', async () => {
    assert.equal((await get('/long', 'HEAD')).status, 200);
  });
});

test('a request whose person has gone (its signal) is ended at once, and its connection closed', async () => {
  let closed = false;
  let received = false;
  const slow = createHttpServer((req, res) => {
    received = true;
    req.socket.on('close', () => (closed = true));
    setTimeout(() => res.end('late'), 10_000).unref();
  });
  await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', () => resolve()));
  const origin = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;
  try {
    const policy = new AddressPolicy({ allowed: [origin], dockerHubRegistryUrl: hub });
    const controller = new AbortController();
    const started = Date.now();
    const pending = send(policy, { url: new URL(`${origin}/v2/`), maxBytes: 1024, timeoutMs: 10_000, signal: controller.signal });
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(received, 'the request reached the registry');
    controller.abort();
    await assert.rejects(pending, (e: unknown) => e instanceof RegistryError && e.code === 'CANCELLED');
    assert.ok(Date.now() - started < 2000, 'ended at once, not at the registry’s answer');
    for (let i = 0; i < 50 && !closed; i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(closed, 'the connection to the registry was closed');
  } finally {
    slow.closeAllConnections();
    slow.close();
  }
});

describe('an answer read as it arrives (consume)', () => {
  let streams: HttpServer;
  let closedEndless = () => {};
  const endlessClosed = new Promise<void>((resolve) => (closedEndless = resolve));
  let origin = '';
  before(async () => {
    streams = createHttpServer((req, res) => {
      const part = Buffer.alloc(64 * 1024, 'z');
      if (req.url === '/slow-steady') {
        // Ten parts, 150 ms apart: longer in all than the deadline below, never silent for long.
        res.writeHead(200, { 'content-length': part.length * 10 });
        let sent = 0;
        const next = () => {
          res.write(part);
          if (++sent === 10) res.end();
          else setTimeout(next, 150);
        };
        next();
      } else if (req.url === '/endless') {
        // Parts until the reader hangs up.
        res.writeHead(200);
        const next = () => {
          if (res.destroyed) return;
          res.write(part, () => setTimeout(next, 5));
        };
        res.on('close', () => closedEndless());
        next();
      } else if (req.url === '/stalls') {
        res.writeHead(200, { 'content-length': part.length * 2 });
        res.write(part); // and then nothing
      } else if (req.url === '/cut') {
        res.writeHead(200, { 'content-length': part.length * 2 });
        res.write(part, () => res.socket?.destroy());
      } else if (req.url === '/partial') {
        // A 206 whatever was asked: read as it arrives only by a request that asked for a range.
        res.writeHead(206, { 'content-range': `bytes 0-9/${part.length}`, 'content-length': 10, 'x-range-asked': req.headers.range ?? '' });
        res.end(part.subarray(0, 10));
      } else if (req.url === '/big-error' || req.url === '/big-error-announced') {
        // An error page of 2 MiB, its length said or not.
        res.writeHead(500, req.url === '/big-error-announced' ? { 'content-length': 2 * 1024 * 1024 } : {});
        res.end(Buffer.alloc(2 * 1024 * 1024, 'e'));
      } else if (req.url === '/missing') {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"errors":[{"code":"BLOB_UNKNOWN"}]}');
      } else {
        res.writeHead(200);
        res.end(Buffer.concat([part, part, part]));
      }
    });
    await new Promise<void>((resolve) => streams.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(streams.address() as AddressInfo).port}`;
  });
  after(() => {
    streams.closeAllConnections();
    streams.close();
  });
  const policy = () => new AddressPolicy({ allowed: [origin], dockerHubRegistryUrl: hub });
  /** Counts the bytes of `path` as they arrive. */
  const count = (path: string, options: { maxBytes?: number; timeoutMs?: number; idleTimeoutMs?: number } = {}) =>
    send(policy(), {
      url: new URL(path, origin),
      maxBytes: options.maxBytes ?? 10 * 1024 * 1024,
      timeoutMs: options.timeoutMs ?? 5_000,
      idleTimeoutMs: options.idleTimeoutMs,
      consume: async (body) => {
        let n = 0;
        for await (const chunk of body) n += chunk.length;
        return n;
      },
    });

  test('the body goes to the consumer, not into memory; its answer is what the consumer returned', async () => {
    const res = await count('/whole');
    assert.deepEqual([res.status, res.consumed, res.body.length], [200, 3 * 64 * 1024, 0]);
  });

  test('the deadline bounds the wait for the head; a body that keeps coming may take longer, one that goes silent ends', async () => {
    assert.equal((await count('/slow-steady', { timeoutMs: 500, idleTimeoutMs: 1000 })).consumed, 10 * 64 * 1024);
    await assert.rejects(
      count('/stalls', { idleTimeoutMs: 300 }),
      (e: unknown) => e instanceof RegistryError && e.code === 'TIMEOUT' && /stopped sending its answer/.test(e.message),
    );
  });

  test('the cap holds while streaming; an answer cut short is said so; other statuses are read as usual', async () => {
    await assert.rejects(count('/whole', { maxBytes: 100 * 1024 }), (e: unknown) => e instanceof RegistryError && e.code === 'BAD_RESPONSE');
    await assert.rejects(
      count('/cut'),
      (e: unknown) => e instanceof RegistryError && e.code === 'UNAVAILABLE' && /before its answer was complete/.test(e.message),
    );
    const missing = await count('/missing');
    assert.deepEqual([missing.status, missing.consumed, missing.body.toString()], [404, undefined, '{"errors":[{"code":"BLOB_UNKNOWN"}]}']);
  });

  test('a 206 is read as it arrives when the request asked for a range, with its status and headers; otherwise as usual', async () => {
    const ranged = await send(policy(), {
      url: new URL('/partial', origin),
      headers: { range: 'bytes=0-9' },
      maxBytes: 1024,
      timeoutMs: 5_000,
      consume: async (body, answer) => {
        let n = 0;
        for await (const chunk of body) n += chunk.length;
        return `${answer.status} ${answer.headers.get('content-range')} ${answer.headers.get('x-range-asked')} ${n}`;
      },
    });
    assert.deepEqual([ranged.status, ranged.consumed], [206, `206 bytes 0-9/${64 * 1024} bytes=0-9 10`]);
    const unasked = await count('/partial');
    assert.deepEqual([unasked.status, unasked.consumed, unasked.body.length], [206, undefined, 10]);
  });

  test('an answer a consumer does not read (an error) is kept to 1 MiB however large the request allows', async () => {
    for (const path of ['/big-error', '/big-error-announced']) {
      await assert.rejects(count(path, { maxBytes: 4 * 1024 * 1024 * 1024 }), (e: unknown) => e instanceof RegistryError && e.code === 'BAD_RESPONSE', path);
    }
  });

  test('a consumer that gives up ends the answer with its own error', async () => {
    const stop = new Error('enough');
    await assert.rejects(
      send(policy(), {
        url: new URL('/slow-steady', origin),
        maxBytes: 10 * 1024 * 1024,
        timeoutMs: 5_000,
        consume: async (body) => {
          for await (const _ of body) throw stop;
        },
      }),
      (e: unknown) => e === stop,
    );
  });

  test('a consumer that has what it wanted before the end ends the download', async () => {
    const res = await send(policy(), {
      url: new URL('/endless', origin),
      maxBytes: 1024 ** 3,
      timeoutMs: 5_000,
      consume: async (body) => {
        // One part, and the body left as it is (not closed, as a for-await's break would).
        const first = await body[Symbol.asyncIterator]().next();
        return (first.value as Buffer).length;
      },
    });
    assert.ok((res.consumed as number) > 0);
    await endlessClosed; // never settles (the test times out) while the answer goes on
  });

  test('a person who leaves while the body passes ends it', async () => {
    const controller = new AbortController();
    let read = 0;
    await assert.rejects(
      send(policy(), {
        url: new URL('/slow-steady', origin),
        maxBytes: 10 * 1024 * 1024,
        timeoutMs: 5_000,
        signal: controller.signal,
        consume: async (body) => {
          for await (const chunk of body) {
            read += chunk.length;
            controller.abort();
          }
        },
      }),
      (e: unknown) => e instanceof RegistryError && e.code === 'CANCELLED',
    );
    assert.ok(read < 10 * 64 * 1024);
  });
});
