import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pbkdf2 } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createResolver, parseHostsFile } from './resolve';

/** A DNS server that reads every query and never answers. */
async function silentDns(): Promise<{ address: string; queries: () => number; stop: () => void }> {
  const socket = createSocket('udp4');
  let queries = 0;
  socket.on('message', () => queries++);
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return { address: `127.0.0.1:${socket.address().port}`, queries: () => queries, stop: () => socket.close() };
}

const noHosts = { hostsFile: '' };

test('a name whose DNS never answers fails after the timeout, and does not hold a thread of the pool meanwhile', async () => {
  const dns = await silentDns();
  try {
    const resolve = createResolver({ servers: [dns.address], timeoutMs: 1500, ...noHosts });
    const started = Date.now();
    // More lookups than libuv has pool threads (4), each for a name nobody answers.
    const lookups = Array.from({ length: 16 }, (_, i) =>
      resolve(`never-${i}.example`, false).then(
        () => assert.fail('resolved'),
        (e: NodeJS.ErrnoException) => e,
      ),
    );
    // Work that needs the pool (session decryption does too) runs while they wait.
    const poolStarted = Date.now();
    await Promise.all(Array.from({ length: 8 }, () => promisify(pbkdf2)('secret', 'salt', 1, 32, 'sha256')));
    const poolMs = Date.now() - poolStarted;
    const errors = await Promise.all(lookups);
    const lookupMs = Date.now() - started;
    assert.ok(dns.queries() > 0, 'the names were asked of the DNS server given, not of the system');
    for (const e of errors) assert.equal(e.code, 'EAI_AGAIN');
    assert.ok(lookupMs >= 1000, `the lookups waited for the DNS server (${lookupMs} ms)`);
    assert.ok(lookupMs < 5000, `and gave up within the timeout (${lookupMs} ms)`);
    assert.ok(poolMs < lookupMs / 2, `the pool's work was not held behind the lookups (${poolMs} ms against ${lookupMs} ms)`);
  } finally {
    dns.stop();
  }
});

test('names being resolved at once are bounded: past the bound a new one fails at once', async () => {
  const dns = await silentDns();
  try {
    const resolve = createResolver({ servers: [dns.address], timeoutMs: 1000, maxPending: 2, ...noHosts });
    const waiting = [resolve('a.example', false), resolve('b.example', false)].map((p) => p.catch((e: NodeJS.ErrnoException) => e));
    const started = Date.now();
    await assert.rejects(resolve('c.example', false), (e: NodeJS.ErrnoException) => e.code === 'EAI_AGAIN');
    assert.ok(Date.now() - started < 500, 'refused without waiting');
    await Promise.all(waiting);
  } finally {
    dns.stop();
  }
});

test('addresses, localhost and the hosts file are answered without asking DNS', async () => {
  const dns = await silentDns();
  try {
    const dir = mkdtempSync(join(tmpdir(), 'berth-hosts-'));
    const hostsFile = join(dir, 'hosts');
    writeFileSync(hostsFile, '# comment\n10.1.2.3  registry.internal  Registry-Alias # trailing\n::1 six.internal\nnot-an-address ignored.internal\n');
    const resolve = createResolver({ servers: [dns.address], timeoutMs: 500, hostsFile });
    assert.deepEqual(await resolve('192.0.2.7', false), [{ address: '192.0.2.7', family: 4 }]);
    assert.deepEqual(await resolve('[2001:db8::1]', false), [{ address: '2001:db8::1', family: 6 }]);
    assert.deepEqual(await resolve('LOCALHOST', false), [
      { address: '127.0.0.1', family: 4 },
      { address: '::1', family: 6 },
    ]);
    assert.deepEqual(await resolve('api.localhost', false), [
      { address: '127.0.0.1', family: 4 },
      { address: '::1', family: 6 },
    ]);
    assert.deepEqual(await resolve('registry.internal', false), [{ address: '10.1.2.3', family: 4 }]);
    assert.deepEqual(await resolve('registry-alias', false), [{ address: '10.1.2.3', family: 4 }]);
    assert.deepEqual(await resolve('six.internal', false), [{ address: '::1', family: 6 }]);
    assert.equal(dns.queries(), 0);
    await assert.rejects(resolve('ignored.internal', false));
  } finally {
    dns.stop();
  }
});

test('parseHostsFile: addresses with their names, comments and junk left out', () => {
  const hosts = parseHostsFile('127.0.0.1 localhost a\n127.0.0.2 a\n\n#x 1.1.1.1 b\nbad c\n');
  assert.deepEqual(hosts.get('a'), [
    { address: '127.0.0.1', family: 4 },
    { address: '127.0.0.2', family: 4 },
  ]);
  assert.equal(hosts.get('b'), undefined);
  assert.equal(hosts.get('c'), undefined);
});
