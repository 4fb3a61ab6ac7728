import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSafeNextPath, safeNextPath, signInHref } from './sign-in-href';

// Where sign-in returns to. A browser resolves dot segments (also percent-encoded ones) and reads
// `\` as `/` before it looks at the path, so `/.//evil.com` is `//evil.com`: another host as soon
// as anything uses the path as a relative URL. Only the normalised path, query and hash go back.

const kept: Array<[string, string]> = [
  ['/', '/'],
  ['/127.0.0.1:5000', '/127.0.0.1:5000'],
  ['/127.0.0.1:5000/team/app:v1', '/127.0.0.1:5000/team/app:v1'],
  ['/docker.io/library/alpine@sha256:0123abcd', '/docker.io/library/alpine@sha256:0123abcd'],
  ['/ghcr.io/owner/app?sort=newest', '/ghcr.io/owner/app?sort=newest'],
  ['/ghcr.io/owner/app?sort=newest#layers', '/ghcr.io/owner/app?sort=newest#layers'],
  ['/docker.io?namespace=library', '/docker.io?namespace=library'],
  ['/ghcr.io/-/diagnose', '/ghcr.io/-/diagnose'],
  ['/login?registry=ghcr.io', '/login?registry=ghcr.io'],
  // normalised, still on this site
  ['/a/./b', '/a/b'],
  ['/a/../b', '/b'],
  ['/../../ghcr.io', '/ghcr.io'],
  ['/./ghcr.io', '/ghcr.io'],
  ['/%2e%2e/ghcr.io', '/ghcr.io'],
  ['/a b', '/a%20b'],
  ['/javascript:alert(1)', '/javascript:alert(1)'],
  ['/\uff0fevil.com', '/%EF%BC%8Fevil.com'], // a fullwidth solidus is not a slash to a browser
];

const refused: Array<[string | null | undefined, string]> = [
  [undefined, 'nothing'],
  [null, 'nothing'],
  ['', 'empty'],
  ['ghcr.io', 'no leading slash'],
  [' /ghcr.io', 'leading space'],
  ['https://evil.com', 'absolute URL'],
  ['http:evil.com', 'scheme without slashes'],
  ['javascript:alert(1)', 'javascript: URL'],
  ['data:text/html,hi', 'data: URL'],
  ['//evil.com', 'protocol-relative'],
  ['///evil.com', 'three slashes'],
  ['/\\evil.com', 'slash backslash'],
  ['\\\\evil.com', 'two backslashes'],
  ['\\/evil.com', 'backslash slash'],
  // dot segments that leave `//host` behind
  ['/.//evil.com', 'dot segment before //'],
  ['/..//evil.com', 'double-dot segment before //'],
  ['/a/..//evil.com', 'a segment and .. before //'],
  ['/a/b/../..//evil.com', 'two segments and two .. before //'],
  ['/./..//evil.com', '. and .. before //'],
  ['/.//evil.com/ghcr.io?x=1#y', 'dot segment before // with query and hash'],
  // the same, percent-encoded
  ['/%2e//evil.com', 'encoded dot'],
  ['/%2E//evil.com', 'encoded dot, upper case'],
  ['/%2e%2e//x', 'encoded double dot'],
  ['/%2E%2E//x', 'encoded double dot, upper case'],
  ['/.%2e//x', 'half-encoded double dot'],
  ['/%2e.//x', 'half-encoded double dot, other half'],
  ['/%2f%2fevil.com', 'encoded slashes'],
  ['/%2F/evil.com', 'one encoded slash'],
  ['/%5cevil.com', 'encoded backslash'],
  ['/%5C%5Cevil.com', 'encoded backslashes'],
  ['/%252f%252fevil.com', 'double-encoded slashes'],
  ['/%', 'broken percent-encoding'],
  // backslashes, which browsers read as slashes
  ['/.\\/evil.com', 'dot segment, backslash, slash'],
  ['/..\\/evil.com', 'double-dot segment, backslash, slash'],
  ['/.\\\\evil.com', 'dot segment, two backslashes'],
  ['/a\\..\\\\evil.com', 'backslash dot segments'],
  // control characters (a browser drops tab and newline, which would join the slashes)
  ['/\t/evil.com', 'tab between slashes'],
  ['/\n/evil.com', 'newline between slashes'],
  ['/\r/evil.com', 'carriage return between slashes'],
  ['/\u0000/evil.com', 'NUL'],
  ['/ghcr.io\u007f', 'DEL'],
];

for (const [input, want] of kept) {
  test(`next ${JSON.stringify(input)} returns to ${want}`, () => {
    assert.equal(safeNextPath(input), want);
    assert.equal(isSafeNextPath(input), true);
    assert.equal(signInHref('ghcr.io', input), `/login?${new URLSearchParams({ registry: 'ghcr.io', next: want })}`);
  });
}

for (const [input, why] of refused) {
  test(`next ${JSON.stringify(input)} is refused (${why})`, () => {
    assert.equal(safeNextPath(input), undefined);
    assert.equal(isSafeNextPath(input), false);
    assert.equal(signInHref('ghcr.io', input ?? undefined), '/login?registry=ghcr.io');
  });
}

test('every path that is kept stays on this site and is its own normal form', () => {
  for (const [input] of kept) {
    const out = safeNextPath(input) ?? '';
    const url = new URL(out, 'http://berth.invalid/some/page');
    assert.equal(url.origin, 'http://berth.invalid', input);
    assert.equal(`${url.pathname}${url.search}${url.hash}`, out, input);
    assert.equal(safeNextPath(out), out, input);
  }
});

test('signInHref without a registry or a next path', () => {
  assert.equal(signInHref(undefined), '/login');
  assert.equal(signInHref(''), '/login');
  assert.equal(signInHref(undefined, '/ghcr.io'), '/login?next=%2Fghcr.io');
  assert.equal(signInHref('127.0.0.1:5000'), '/login?registry=127.0.0.1%3A5000');
});
