// A layer's files through the client: a real gzip'ed tar (GNU tar, gzip) served by a stub
// registry, read as it streams, verified, kept for the next person only once the registry lets
// them read the repository.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { RegistryClient } from './index';
import { tocBytes } from './layers';
import { RegistryError } from '../errors';
import { sha256Digest } from '../manifest';
import { REGISTRY, basicUser, testContext, testRegistry, type Answer } from '../test-registry';

const dir = mkdtempSync(join(tmpdir(), 'berth-layer-'));
after(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'root/etc'), { recursive: true });
writeFileSync(join(dir, 'root/etc/os-release'), 'NAME="Berth Linux"\n');
writeFileSync(join(dir, 'root/big'), Buffer.alloc(300_000, 1));
const layer = execFileSync('gzip', ['-c'], { input: execFileSync('tar', ['-C', join(dir, 'root'), '--sort=name', '-cf', '-', '.']) });
const digest = sha256Digest(layer);

/** A registry holding `blobs` (by digest), letting only `readers` read (Basic), counting what it is asked. */
function registryOf(blobs: Map<string, Buffer>, readers = ['alice', 'bob']) {
  const seen: string[] = [];
  const maxBytes: number[] = [];
  const context = testContext();
  const { transport } = testRegistry(
    (req): Answer => {
      const who = basicUser(req) ?? '';
      seen.push(`${who} ${req.method} ${req.url.pathname.split('/').pop()}`);
      maxBytes.push(req.maxBytes);
      if (!readers.includes(who)) return { status: 403, body: { errors: [{ code: 'DENIED', message: 'no' }] } };
      const blob = blobs.get(req.url.pathname.split('/').pop() ?? '');
      if (!blob) return { status: 404, body: { errors: [{ code: 'BLOB_UNKNOWN' }] } };
      return { headers: { 'content-length': String(blob.length) }, body: req.method === 'HEAD' ? undefined : blob };
    },
    { handshake: { scheme: 'basic' } },
  );
  const as = (username: string) =>
    new RegistryClient({ host: 'r.example', baseUrl: REGISTRY, context, transport, credentials: { username, password: 'p' }, scope: { client: username } });
  return { as, seen, maxBytes };
}

test('a layer’s files are read from its blob as it streams; the next reader is served them after a HEAD, one who may not read is refused', async () => {
  const { as, seen, maxBytes } = registryOf(new Map([[digest, layer]]));
  const toc = await as('alice').getLayerToc('team/app', digest);
  assert.deepEqual(maxBytes, [4 * 1024 ** 3], 'a layer blob is read up to 4 GiB');
  assert.deepEqual(
    toc.filter((e) => e.type === 'file').map((e) => [e.path, e.size]),
    [
      ['big', 300_000],
      ['etc/os-release', 19],
    ],
  );
  assert.deepEqual(await as('alice').getLayerToc('team/app', digest), toc);
  assert.deepEqual(await as('bob').getLayerToc('team/app', digest), toc);
  await assert.rejects(as('mallory').getLayerToc('team/app', digest), (e) => e instanceof RegistryError && e.code === 'DENIED' && /team\/app/.test(e.message));
  assert.deepEqual(
    seen.filter((s) => !s.endsWith(' ')),
    [`alice GET ${digest}`, `bob HEAD ${digest}`, `mallory HEAD ${digest}`],
  );
});

test('a layer that is not what its digest names, or no archive, is refused with a sentence and not kept', async () => {
  // A valid layer, but not the one the digest names: the same archive compressed otherwise.
  const altered = execFileSync('gzip', ['-c', '-1'], { input: execFileSync('gzip', ['-d', '-c'], { input: layer }) });
  assert.notEqual(sha256Digest(altered), digest);
  const junk = Buffer.from('<html>not a layer</html>'.repeat(100));
  const { as, seen } = registryOf(
    new Map([
      [digest, altered],
      [sha256Digest(junk), junk],
    ]),
  );
  await assert.rejects(as('alice').getLayerToc('a', digest), (e) => e instanceof RegistryError && /does not match its digest/.test(e.message));
  await assert.rejects(
    as('alice').getLayerToc('a', sha256Digest(junk)),
    (e) => e instanceof RegistryError && /is not an archive Berth can read/.test(e.message),
  );
  await assert.rejects(as('alice').getLayerToc('a', digest));
  assert.equal(seen.filter((s) => s === `alice GET ${digest}`).length, 2, 'nothing was kept of the altered layer');
});

test('a layer named by a sha512 digest is verified with sha512; a missing layer says so', async () => {
  const digest512 = `sha512:${createHash('sha512').update(layer).digest('hex')}`;
  const { as } = registryOf(new Map([[digest512, layer]]));
  assert.equal((await as('alice').getLayerToc('a', digest512)).filter((e) => e.type === 'file').length, 2);
  await assert.rejects(
    as('alice').getLayerToc('a', digest),
    (e) => e instanceof RegistryError && e.code === 'BLOB_UNKNOWN' && e.message.includes(digest.slice(0, 19)),
  );
});

test('what a table of contents is counted as in the cache grows with its paths, link targets and owner names', () => {
  const entry = { path: 'a', type: 'file' as const, size: 1, mode: 0o644, uid: 0, gid: 0, mtime: 0 };
  assert.equal(tocBytes([entry]), 162);
  assert.equal(tocBytes([entry, { ...entry, path: 'abc', link: 'xy', uname: 'root', gname: 'wheel' }]), 162 + 160 + 6 + 4 + 4 + 5);
});
