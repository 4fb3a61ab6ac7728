import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withBasePath, withoutBasePath } from './base-path';

const cases: Array<[base: string, browser: string, router: string]> = [
  ['', '/', '/'],
  ['', '/docker.io/library/alpine:3.20', '/docker.io/library/alpine:3.20'],
  ['/registry', '/registry', '/'],
  ['/registry', '/registry/', '/'],
  ['/registry', '/registry/docker.io/library/alpine:3.20', '/docker.io/library/alpine:3.20'],
  ['/registry', '/registry/registry.example.com/registry', '/registry.example.com/registry'],
  ['/a/b', '/a/b/ghcr.io/o/app@sha256:00', '/ghcr.io/o/app@sha256:00'],
];
for (const [base, browser, router] of cases) {
  test(`withoutBasePath(${JSON.stringify(browser)}) under ${JSON.stringify(base)}`, () => assert.equal(withoutBasePath(browser, base), router));
}

test('a path that only starts like the base path is left alone', () => {
  assert.equal(withoutBasePath('/registryx/ghcr.io', '/registry'), '/registryx/ghcr.io');
});

test('withBasePath puts the base in front of Berth paths', () => {
  assert.equal(withBasePath('/api/session', '/registry'), '/registry/api/session');
  assert.equal(withBasePath('/api/session', ''), '/api/session');
});
