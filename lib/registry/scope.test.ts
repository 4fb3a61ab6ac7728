import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeGrantedAccess, grants, mergeScopes, parseScope } from './scope';

const parseCases: Array<[string, ReturnType<typeof parseScope>]> = [
  ['repository:library/alpine:pull', { type: 'repository', name: 'library/alpine', actions: ['pull'] }],
  ['repository:a/b:pull,push', { type: 'repository', name: 'a/b', actions: ['pull', 'push'] }],
  ['repository:127.0.0.1:5000/x:pull', { type: 'repository', name: '127.0.0.1:5000/x', actions: ['pull'] }],
  ['registry:catalog:*', { type: 'registry', name: 'catalog', actions: ['*'] }],
  ['repository(plugin):a/b:pull', { type: 'repository(plugin)', name: 'a/b', actions: ['pull'] }],
  ['nonsense', undefined],
  ['a:b', undefined],
];
for (const [input, want] of parseCases) {
  test(`parseScope(${input})`, () => assert.deepEqual(parseScope(input), want));
}

test('mergeScopes unions actions per resource and sorts', () => {
  assert.deepEqual(mergeScopes(['repository:a:pull'], ['repository:a:push', 'repository:b:pull']), ['repository:a:pull,push', 'repository:b:pull']);
  assert.deepEqual(mergeScopes(['repository:a:pull repository:c:delete']), ['repository:a:pull', 'repository:c:delete']);
  assert.deepEqual(mergeScopes(['repository:a:pull', 'repository:a:pull']), ['repository:a:pull']);
});

function jwt(payload: unknown): string {
  const b = (x: unknown) => Buffer.from(JSON.stringify(x)).toString('base64url');
  return `${b({ alg: 'RS256' })}.${b(payload)}.sig`;
}

test('decodeGrantedAccess reads the access claim', () => {
  const token = jwt({ access: [{ type: 'repository', name: 'a/b', actions: ['pull'] }] });
  assert.deepEqual(decodeGrantedAccess(token), [{ type: 'repository', name: 'a/b', actions: ['pull'] }]);
  assert.deepEqual(decodeGrantedAccess(jwt({ sub: 'x' })), []);
  assert.equal(decodeGrantedAccess('opaque-token'), undefined);
  assert.equal(decodeGrantedAccess('a.!!!.c'), undefined);
});

test('grants compares asked and granted actions', () => {
  const access = [
    { type: 'repository', name: 'a/b', actions: ['pull'] },
    { type: 'registry', name: 'catalog', actions: ['*'] },
  ];
  assert.equal(grants(access, 'repository:a/b:pull'), true);
  assert.equal(grants(access, 'repository:a/b:pull,push'), false);
  assert.equal(grants(access, 'registry:catalog:*'), true);
  assert.equal(grants(access, 'repository:c:pull'), false);
});

test('a decoded access claim is bounded: entries, actions and name lengths', () => {
  const part = (x: unknown) => Buffer.from(JSON.stringify(x)).toString('base64url');
  const access = Array.from({ length: 10_000 }, (_, i) => ({ type: 'repository', name: `r/${i}`, actions: Array.from({ length: 50 }, (_, j) => `a${j}`) }));
  access.unshift({ type: 'repository', name: 'x'.repeat(10_000), actions: ['pull'] });
  const decoded = decodeGrantedAccess(`${part({})}.${part({ access })}.sig`) ?? [];
  assert.equal(decoded.length, 100);
  assert.ok(decoded.every((a) => a.actions.length <= 16 && a.name.length <= 300));
});
