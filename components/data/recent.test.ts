import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_RECENT, parseRecent, withOpened, without } from './recent';

test('opening a repository puts it first, once, and keeps at most a dozen per registry', () => {
  let recent = withOpened({}, 'ghcr.io', 'a/one', 1);
  recent = withOpened(recent, 'ghcr.io', 'a/two', 2);
  recent = withOpened(recent, 'ghcr.io', 'a/one', 3);
  recent = withOpened(recent, 'docker.io', 'library/alpine', 4);
  assert.deepEqual(recent, {
    'ghcr.io': [
      { repository: 'a/one', openedAt: 3 },
      { repository: 'a/two', openedAt: 2 },
    ],
    'docker.io': [{ repository: 'library/alpine', openedAt: 4 }],
  });
  for (let i = 0; i < 20; i++) recent = withOpened(recent, 'ghcr.io', `bulk/r${i}`, 10 + i);
  assert.equal(recent['ghcr.io']?.length, MAX_RECENT);
  assert.equal(recent['ghcr.io']?.[0]?.repository, 'bulk/r19');
  assert.deepEqual(Object.keys(without(recent, 'ghcr.io')), ['docker.io']);
  assert.deepEqual(without(recent), {});
});

test('stored text is read strictly: anything malformed is left out, never shown as a link', () => {
  assert.deepEqual(parseRecent(null), {});
  assert.deepEqual(parseRecent('not json'), {});
  assert.deepEqual(parseRecent('[]'), {});
  const stored = JSON.stringify({
    'ghcr.io': [
      { repository: 'ok/app', openedAt: 5 },
      { repository: 'javascript:alert(1)', openedAt: 6 },
      { repository: 'UPPER/x', openedAt: 7 },
      { repository: 'ok/two' },
      'x',
    ],
    'evil host/': [{ repository: 'a/b', openedAt: 1 }],
    'GHCR.IO': [{ repository: 'a/b', openedAt: 1 }],
  });
  assert.deepEqual(parseRecent(stored), { 'ghcr.io': [{ repository: 'ok/app', openedAt: 5 }] });
});
