import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { RegistryError } from './errors';
import { send } from './http';
import { AddressPolicy } from './policy';

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
  assert.match(e.message, new RegExp(`localhost:${port}: its name resolves to (127\\.0\\.0\\.1|::1)`));
  assert.equal(connections, before, 'nothing connected to the listener');
});

test('the same name listed exactly is connected to (so the refusal above was the policy’s)', async () => {
  const listed = new AddressPolicy({ allowed: [`https://localhost:${port}`], dockerHubRegistryUrl: hub });
  const before = connections;
  const e = await outcome(listed, `https://localhost:${port}/v2/`);
  assert.notEqual(e.code, 'NOT_ALLOWED', e.message);
  assert.ok(connections > before, 'the listener saw the connection');
});
