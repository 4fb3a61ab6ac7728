import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filesHref, resolveRoute } from './route-target';

const D = 'sha256:' + 'c'.repeat(64);
const routes: Array<[string, ReturnType<typeof resolveRoute>]> = [
  ['docker.io', { kind: 'registry', host: 'docker.io' }],
  ['127.0.0.1:5000', { kind: 'registry', host: '127.0.0.1:5000' }],
  ['alpine:3.20', { kind: 'redirect', to: '/docker.io/library/alpine:3.20' }],
  ['alpine', { kind: 'redirect', to: '/docker.io/library/alpine' }],
  ['docker.io/alpine', { kind: 'redirect', to: '/docker.io/library/alpine' }],
  ['grafana/grafana', { kind: 'redirect', to: '/docker.io/grafana/grafana' }],
  ['GHCR.io/o/r:v1', { kind: 'redirect', to: '/ghcr.io/o/r:v1' }],
  ['ghcr.io/o/r', { kind: 'repository', host: 'ghcr.io', repository: 'o/r' }],
  ['127.0.0.1%3A5000/team/app%3Av1', { kind: 'tag', host: '127.0.0.1:5000', repository: 'team/app', tag: 'v1' }],
  [`r.io/hello%40${encodeURIComponent(D)}`, { kind: 'digest', host: 'r.io', repository: 'hello', digest: D }],
  [`r.io/a/b:t@${D}`, { kind: 'digest', host: 'r.io', repository: 'a/b', digest: D, tag: 't' }],
];
for (const [path, want] of routes) {
  test(`resolveRoute(/${path})`, () => assert.deepEqual(resolveRoute(path.split('/')), want));
}
for (const [path, part] of [
  ['r.io/Bad', 'repository'],
  ['r.io/a:b%20c', 'tag'],
  ['r.io/a@sha256:zz', 'digest'],
  ['r.io:0/a', 'host'],
  ['%E0%A4%A', 'repository'],
] as const) {
  test(`resolveRoute(/${path}) is invalid in its ${part}`, () => {
    const t = resolveRoute(path.split('/'));
    assert.equal(t.kind, 'invalid');
    assert.equal(t.kind === 'invalid' && t.part, part);
  });
}

test('Berth views behind "-": diagnose a registry, compare in a repository', () => {
  assert.deepEqual(resolveRoute(['r.io', '-', 'diagnose']), { kind: 'diagnose', host: 'r.io' });
  assert.deepEqual(resolveRoute(['127.0.0.1:5000', '-', 'diagnose']), { kind: 'diagnose', host: '127.0.0.1:5000' });
  assert.deepEqual(resolveRoute(['R.IO', '-', 'diagnose']), { kind: 'redirect', to: '/r.io/-/diagnose' });
  assert.deepEqual(resolveRoute(['r.io', 'team', 'app', '-', 'compare']), { kind: 'compare', host: 'r.io', repository: 'team/app' });
  assert.deepEqual(resolveRoute(['docker.io', 'alpine', '-', 'compare']), { kind: 'redirect', to: '/docker.io/library/alpine/-/compare' });
  for (const path of ['r.io/-/nothing', 'r.io/-', 'r.io/-/diagnose/more', 'r.io/a/-/diagnose', 'r.io/-/compare', 'r.io/a/-/compare/x']) {
    assert.equal(resolveRoute(path.split('/')).kind, 'invalid', path);
  }
  assert.equal(resolveRoute(['r.io', 'A', '-', 'compare']).kind, 'invalid');
});

test('an image’s files behind "-" after its tag or digest; links written back the same way', () => {
  const seg = (path: string) => resolveRoute(path.split('/'));
  assert.deepEqual(seg('r.io/team/app:v1/-/files'), { kind: 'files', host: 'r.io', repository: 'team/app', tag: 'v1' });
  assert.deepEqual(seg(`r.io/team/app@${D}/-/files`), { kind: 'files', host: 'r.io', repository: 'team/app', digest: D });
  assert.deepEqual(seg(`r.io/team/app:v1@${D}/-/files`), { kind: 'files', host: 'r.io', repository: 'team/app', digest: D, tag: 'v1' });
  assert.deepEqual(seg('docker.io/alpine:3/-/files'), { kind: 'redirect', to: '/docker.io/library/alpine:3/-/files' });
  assert.deepEqual(seg('R.IO/team/app:v1/-/files'), { kind: 'redirect', to: '/r.io/team/app:v1/-/files' });
  const bare = seg('r.io/team/app/-/files');
  assert.equal(bare.kind, 'invalid');
  assert.match((bare as { message: string }).message, /^Name a tag or digest to see an image's files: \/r\.io\/REPOSITORY:TAG\/-\/files\. $/);
  assert.equal(seg('r.io/team/app:BAD TAG/-/files').kind, 'invalid');
  assert.equal(seg('r.io/-/files').kind, 'invalid');
  const ref = { host: 'r.io', repository: 'team/app', tag: 'v1' };
  assert.equal(filesHref(ref), '/r.io/team/app:v1/-/files');
  assert.equal(filesHref(ref, { path: '/usr/lib/' }), '/r.io/team/app:v1/-/files?path=/usr/lib/');
  assert.equal(filesHref(ref, { path: '/' }), '/r.io/team/app:v1/-/files');
  assert.equal(filesHref(ref, { platform: 'linux/arm64/v8', layer: 2, path: '/a b/' }), '/r.io/team/app:v1/-/files?platform=linux/arm64/v8&layer=2&path=/a+b/');
  assert.equal(filesHref(ref, { file: '/etc/os-release', path: '/etc/' }), '/r.io/team/app:v1/-/files?file=/etc/os-release');
  assert.equal(filesHref({ host: 'r.io', repository: 'team/app', digest: D }, { file: '/x&y=%2F' }), `/r.io/team/app@${D}/-/files?file=/x%26y%3D%252F`);
});
