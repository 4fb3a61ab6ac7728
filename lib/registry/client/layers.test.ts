// A layer's files through the client: a real gzip'ed tar (GNU tar, gzip) served by a stub
// registry, read as it streams, verified, kept for the next person only once the registry lets
// them read the repository.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { RegistryClient } from './index';
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
  const context = testContext();
  const { transport } = testRegistry(
    (req): Answer => {
      const who = basicUser(req) ?? '';
      seen.push(`${who} ${req.method} ${req.url.pathname.split('/').pop()}`);
      if (!readers.includes(who)) return { status: 403, body: { errors: [{ code: 'DENIED', message: 'no' }] } };
      const blob = blobs.get(req.url.pathname.split('/').pop() ?? '');
      if (!blob) return { status: 404, body: { errors: [{ code: 'BLOB_UNKNOWN' }] } };
      return { headers: { 'content-length': String(blob.length) }, body: req.method === 'HEAD' ? undefined : blob };
    },
    { handshake: { scheme: 'basic' } },
  );
  const as = (username: string) =>
    new RegistryClient({ host: 'r.example', baseUrl: REGISTRY, context, transport, credentials: { username, password: 'p' }, scope: { client: username } });
  return { as, seen };
}

test('a layer’s files are read from its blob as it streams; the next reader is served them after a HEAD, one who may not read is refused', async () => {
  const { as, seen } = registryOf(new Map([[digest, layer]]));
  const toc = await as('alice').getLayerToc('team/app', digest);
  assert.deepEqual(
    toc.filter((e) => e.type === 'file').map((e) => [e.path, e.size]),
    [
      ['big', 300_000],
      ['etc/os-release', 19],
    ],
  );
  assert.deepEqual(await as('alice').getLayerToc('team/app', digest), toc);
  assert.deepEqual(await as('bob').getLayerToc('team/app', digest), toc);
  await assert.rejects(as('mallory').getLayerToc('team/app', digest), (e) => e instanceof RegistryError && e.code === 'DENIED');
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
