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
import { paced, tocBytes } from './layers';
import { RegistryError } from '../errors';
import { sha256Digest } from '../manifest';
import { REGISTRY, basicUser, testContext, testRegistry, type Answer, type Handshake } from '../test-registry';
import type { TransportRequest } from '../net/transport';
import type { FsNode } from '../layers/merge';
import type { ImageFiles } from './files';

const dir = mkdtempSync(join(tmpdir(), 'berth-layer-'));
after(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'root/etc'), { recursive: true });
writeFileSync(join(dir, 'root/etc/os-release'), 'NAME="Berth Linux"\n');
writeFileSync(join(dir, 'root/big'), Buffer.alloc(300_000, 1));
const layer = execFileSync('gzip', ['-c'], { input: execFileSync('tar', ['-C', join(dir, 'root'), '--sort=name', '-cf', '-', '.']) });
const digest = sha256Digest(layer);

/** A registry holding `blobs` (by digest), letting only `readers` read (Basic), counting what it is asked. */
function registryOf(
  blobs: Map<string, Buffer>,
  readers = ['alice', 'bob'],
  options: { gate?: (req: TransportRequest, n: number) => Promise<Answer | undefined>; handshake?: Handshake } = {},
) {
  const seen: string[] = [];
  const maxBytes: number[] = [];
  const context = testContext();
  const { transport, tokenRequests } = testRegistry(
    async (req, n): Promise<Answer> => {
      const who = basicUser(req) ?? '';
      seen.push(`${who} ${req.method} ${req.url.pathname.split('/').pop()}`);
      maxBytes.push(req.maxBytes);
      if (!readers.includes(who)) return { status: 403, body: { errors: [{ code: 'DENIED', message: 'no' }] } };
      const blob = blobs.get(req.url.pathname.split('/').pop() ?? '');
      if (!blob) return { status: 404, body: { errors: [{ code: 'BLOB_UNKNOWN' }] } };
      const gated = req.method === 'GET' && options.gate ? await options.gate(req, n) : undefined;
      if (gated) return gated;
      return { headers: { 'content-length': String(blob.length) }, body: req.method === 'HEAD' ? undefined : blob };
    },
    { handshake: options.handshake ?? { scheme: 'basic' } },
  );
  const as = (username: string) =>
    new RegistryClient({ host: 'r.example', baseUrl: REGISTRY, context, transport, credentials: { username, password: 'p' }, scope: { client: username } });
  /** Berth's own connection: no person's budget. */
  const own = () => new RegistryClient({ host: 'r.example', baseUrl: REGISTRY, context, transport, credentials: { username: 'alice', password: 'p' } });
  return { as, own, seen, maxBytes, tokenRequests };
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
  assert.equal(tocBytes([{ ...entry, blob: { start: 0, end: 1, gzip: false } }]), 162 + 48, 'where its content lies in the blob');
});

const tar = execFileSync('gzip', ['-d', '-c'], { input: layer });
/** Another, small layer: /etc alone. */
const small = execFileSync('gzip', ['-c', '-n'], { input: execFileSync('tar', ['-C', join(dir, 'root'), '-cf', '-', 'etc']) });
/** The content of `length` bytes from `offset` of the layer's tar, as `who` reads it (each part handed, in order). */
function readRange(client: RegistryClient, offset: number, length: number, blob = digest) {
  const files = {
    digest: blob,
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: blob, size: 1 }],
    tocs: [[]],
  } as unknown as ImageFiles;
  const node = { layer: 1, entry: { path: 'f', type: 'file', size: length, offset, mode: 0o644, uid: 0, gid: 0, mtime: 0 } } as unknown as FsNode;
  return client.readFileContent('team/app', files, { node, path: '/f', followed: [] }, length, async (bytes) => {
    const parts: Buffer[] = [];
    for await (const part of bytes) parts.push(Buffer.from(part));
    return parts;
  });
}

test('a file’s content is read from its layer’s start up to its end: across parts, from a part’s edge, nothing, or too short', async () => {
  const broken = Buffer.concat([layer.subarray(0, 10), Buffer.alloc(200, 0xff)]);
  const { as, seen } = registryOf(
    new Map([
      [digest, layer],
      [sha256Digest(broken), broken],
    ]),
  );
  const alice = as('alice');
  // The parts as the layer decompresses, to read from the edge of one.
  const whole = await readRange(alice, 0, tar.length);
  assert.deepEqual(Buffer.concat(whole), tar);
  assert.ok(whole.length >= 2);
  const edge = whole[0]!.length;
  for (const [offset, length] of [
    [edge, 100],
    [edge - 7, 100],
    [20_000, edge],
    [edge + 5, 3],
  ] as const) {
    const parts = await readRange(alice, offset, length);
    assert.deepEqual(Buffer.concat(parts), tar.subarray(offset, offset + length), `${length} bytes from ${offset}`);
    assert.ok(
      parts.every((p) => p.length > 0),
      'no empty part is handed',
    );
  }
  assert.deepEqual(await readRange(alice, 1000, 0), [], 'nothing to read, nothing handed');
  await assert.rejects(
    readRange(alice, tar.length - 10, 100),
    (e) =>
      e instanceof RegistryError &&
      e.message === `The layer ${digest} of team/app ended before the file Berth was reading; the registry's copy may be damaged.`,
  );
  await assert.rejects(
    readRange(alice, 0, 10, sha256Digest(broken)),
    (e) =>
      e instanceof RegistryError &&
      e.message.startsWith(`The layer ${sha256Digest(broken)} of team/app is not an archive Berth can read: `) &&
      e.message.endsWith(" Its files cannot be listed: the layer may be damaged, or not a filesystem at all; the image's other views still work."),
  );
  await assert.rejects(readRange(as('mallory'), 0, 10), (e) => e instanceof RegistryError && e.code === 'DENIED' && /team\/app/.test(e.message));
  assert.ok(seen.includes(`mallory GET ${digest}`));
});

/** A gate the test opens: each gated GET waits for `open()`; `arrived` counts them. */
function gates() {
  const waiting: Array<() => void> = [];
  let arrived = 0;
  return {
    gate: () =>
      new Promise<undefined>((resolve) => {
        arrived++;
        waiting.push(() => resolve(undefined));
      }),
    arrived: () => arrived,
    open: () => {
      for (const go of waiting.splice(0)) go();
    },
  };
}
const tick = () => new Promise((r) => setTimeout(r, 20));

/** The big and the small layer, which only alice may read, their GETs held at gates. */
function gatedTwoLayers() {
  const g = gates();
  const registry = registryOf(
    new Map([
      [digest, layer],
      [sha256Digest(small), small],
    ]),
    ['alice'],
    { gate: g.gate },
  );
  return { g, ...registry };
}

test('a person reads one layer at a time: a second waits for the first, then is read', async () => {
  const other = small;
  const { g, as } = gatedTwoLayers();
  const alice = as('alice');
  const both = [alice.getLayerToc('team/app', digest), alice.getLayerToc('team/app', sha256Digest(other))];
  await tick();
  assert.equal(g.arrived(), 1);
  g.open();
  await tick();
  g.open();
  const [first, second] = await Promise.all(both);
  assert.notDeepEqual(first, second);
  const contents = [readRange(alice, 0, 100), readRange(alice, 512, 100)];
  await tick();
  assert.equal(g.arrived(), 3);
  g.open();
  await tick();
  g.open();
  assert.deepEqual(
    (await Promise.all(contents)).map((parts) => Buffer.concat(parts)),
    [tar.subarray(0, 100), tar.subarray(512, 612)],
  );
});

test('a broken layer’s failure is everyone’s who waited for it; another’s failure is not, and one who may not read reads alone', async () => {
  const junk = Buffer.from('<html>not a layer</html>'.repeat(100));
  const flaky = small;
  const g = gates();
  const { as, seen } = registryOf(
    new Map([
      [digest, layer],
      [sha256Digest(junk), junk],
      [sha256Digest(flaky), flaky],
    ]),
    ['alice', 'bob'],
    {
      gate: async (req, n) => {
        await g.gate();
        // The flaky layer's first read fails (for whoever asked: not the layer's fault).
        return req.url.pathname.endsWith(sha256Digest(flaky)) && n === 1 ? { status: 404, body: { errors: [{ code: 'BLOB_UNKNOWN' }] } } : undefined;
      },
    },
  );
  const [alice, bob] = [as('alice'), as('bob')];
  // Both unknown to the registry yet: each reads for themselves.
  const first = [alice.getLayerToc('team/app', digest), bob.getLayerToc('team/app', digest)];
  await tick();
  assert.equal(g.arrived(), 2);
  g.open();
  await Promise.all(first);
  // Now both may read the repository: one read of a layer for both.
  const broken = [alice.getLayerToc('team/app', sha256Digest(junk)), bob.getLayerToc('team/app', sha256Digest(junk))];
  const mallory = as('mallory').getLayerToc('team/app', sha256Digest(junk));
  await assert.rejects(mallory, (e) => e instanceof RegistryError && e.code === 'DENIED');
  await tick();
  assert.equal(g.arrived(), 3);
  g.open();
  for (const p of broken) await assert.rejects(p, (e) => e instanceof RegistryError && /is not an archive Berth can read/.test(e.message));
  assert.equal(seen.filter((s) => s.endsWith(`GET ${sha256Digest(junk)}`)).length, 2, 'alice’s read for both, mallory’s own');
  const failing = [alice.getLayerToc('team/app', sha256Digest(flaky)), bob.getLayerToc('team/app', sha256Digest(flaky))];
  await tick();
  g.open();
  await assert.rejects(failing[0]!, (e) => e instanceof RegistryError && e.code === 'BLOB_UNKNOWN');
  await tick();
  g.open();
  assert.ok((await failing[1]!).length > 0, 'bob reads it again himself');
});

test('a layer’s GETs ask the token service for the repository', async () => {
  const { as, tokenRequests } = registryOf(new Map([[digest, layer]]), ['', 'alice'], { handshake: { scheme: 'bearer' } });
  await as('alice').getLayerToc('team/app', digest);
  const { as: as2, tokenRequests: tokenRequests2 } = registryOf(new Map([[digest, layer]]), ['', 'alice'], { handshake: { scheme: 'bearer' } });
  assert.deepEqual(Buffer.concat(await readRange(as2('alice'), 0, 10)), tar.subarray(0, 10));
  for (const asked of [tokenRequests(), tokenRequests2()]) {
    assert.ok(asked.length > 0);
    assert.ok(asked.every((r) => r.url.searchParams.getAll('scope').includes('repository:team/app:pull')));
  }
});

test('Berth’s own reads of layers (no person’s) are not held to one at a time', async () => {
  const { g, own } = gatedTwoLayers();
  const tocs = [own().getLayerToc('team/app', digest), own().getLayerToc('team/app', sha256Digest(small))];
  await tick();
  assert.equal(g.arrived(), 2);
  g.open();
  await Promise.all(tocs);
  const contents = [readRange(own(), 0, 10), readRange(own(), 512, 10)];
  await tick();
  assert.equal(g.arrived(), 4);
  g.open();
  await Promise.all(contents);
});

test('a layer that arrives slower than 32 KiB/s on average, after its first 30 s, is ended with a sentence; one at that pace is not', async () => {
  /** `seconds` of chunks of `bytesPerSecond`, one a second, on a clock that moves a second per chunk. */
  const arriving = (bytesPerSecond: number, seconds: number) => {
    let t = 0;
    async function* chunks() {
      for (let i = 0; i < seconds; i++) {
        t += 1000;
        yield new Uint8Array(bytesPerSecond);
      }
    }
    return paced(chunks(), 'r.example', () => t);
  };
  const drain = async (body: AsyncIterable<Uint8Array>) => {
    let n = 0;
    for await (const chunk of body) n += chunk.length;
    return n;
  };
  assert.equal(await drain(arriving(32 * 1024, 120)), 32 * 1024 * 120);
  assert.equal(await drain(arriving(1, 30)), 30, 'slow, but within the first 30 s');
  await assert.rejects(
    drain(arriving(32 * 1024 - 100, 120)),
    (e) => e instanceof RegistryError && e.code === 'TIMEOUT' && /sent the layer at 31 KiB\/s, slower than Berth waits for \(32 KiB\/s\)/.test(e.message),
  );
  await assert.rejects(drain(arriving(1, 31)), (e) => e instanceof RegistryError && /at 0 KiB\/s/.test(e.message));
});

test('the time a slow reader of the layer takes (a person’s download) does not count against the registry', async () => {
  let t = 0;
  async function* quick() {
    for (let i = 0; i < 100; i++) {
      t += 10; // the registry: 1 KiB each 10 ms
      yield new Uint8Array(1024);
    }
  }
  let n = 0;
  for await (const chunk of paced(quick(), 'r.example', () => t)) {
    n += chunk.length;
    t += 5_000; // the reader: 5 s a chunk
  }
  assert.equal(n, 100 * 1024);
});
