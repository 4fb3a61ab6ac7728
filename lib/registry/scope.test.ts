import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CATALOG_SCOPE, decodeGrantedAccess, grants, mergeScopes, parseScope, repositoryScope } from './scope';

const parseCases: Array<[string, ReturnType<typeof parseScope>]> = [
  ['repository:library/alpine:pull', { type: 'repository', name: 'library/alpine', actions: ['pull'] }],
  ['repository:a/b:pull,push', { type: 'repository', name: 'a/b', actions: ['pull', 'push'] }],
  ['repository:127.0.0.1:5000/x:pull', { type: 'repository', name: '127.0.0.1:5000/x', actions: ['pull'] }],
  ['registry:catalog:*', { type: 'registry', name: 'catalog', actions: ['*'] }],
  ['repository(plugin):a/b:pull', { type: 'repository(plugin)', name: 'a/b', actions: ['pull'] }],
  ['repository:a: pull , ,push', { type: 'repository', name: 'a', actions: ['pull', 'push'] }],
  ['repository:a:', { type: 'repository', name: 'a', actions: [] }],
  ['nonsense', undefined],
  ['a:b', undefined],
  [':a:pull', undefined],
];
for (const [input, want] of parseCases) {
  test(`parseScope(${input})`, () => assert.deepEqual(parseScope(input), want));
}

test('mergeScopes unions actions per resource and sorts', () => {
  assert.deepEqual(mergeScopes(['repository:a:pull'], ['repository:a:push', 'repository:b:pull']), ['repository:a:pull,push', 'repository:b:pull']);
  assert.deepEqual(mergeScopes(['repository:a:pull repository:c:delete']), ['repository:a:pull', 'repository:c:delete']);
  assert.deepEqual(mergeScopes(['repository:a:pull', 'repository:a:pull']), ['repository:a:pull']);
  // sorted whatever the order given; actions deduplicated and sorted; what is not a scope is dropped
  assert.deepEqual(mergeScopes(['repository:b:pull', 'nonsense', 'repository:a:push,pull,push'], ['repository:a:pull  registry:catalog:*']), [
    'registry:catalog:*',
    'repository:a:pull,push',
    'repository:b:pull',
  ]);
});

test('repositoryScope asks for pull unless told, each action once and sorted', () => {
  assert.equal(repositoryScope('team/app'), 'repository:team/app:pull');
  assert.equal(repositoryScope('team/app', ['push', 'pull', 'pull']), 'repository:team/app:pull,push');
  assert.deepEqual(parseScope(CATALOG_SCOPE), { type: 'registry', name: 'catalog', actions: ['*'] });
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
  assert.equal(decodeGrantedAccess('a..c'), undefined);
  assert.equal(decodeGrantedAccess('a.b.c.d'), undefined);
  assert.equal(decodeGrantedAccess(`${token}.extra`), undefined);
});

test('decodeGrantedAccess keeps only well-formed entries', () => {
  const part = (x: unknown) => Buffer.from(JSON.stringify(x)).toString('base64url');
  const decode = (claims: unknown) => decodeGrantedAccess(`${part({})}.${part(claims)}.sig`);
  assert.equal(decode(null), undefined);
  assert.equal(decode(5), undefined);
  assert.deepEqual(decode({ access: 'repository:a:pull' }), []);
  const long = 'x'.repeat(301);
  const longest = 'y'.repeat(300);
  assert.deepEqual(
    decode({
      access: [
        null,
        'repository:a:pull',
        { type: 1, name: 'a', actions: ['pull'] },
        { type: 'repository', name: 2, actions: ['pull'] },
        { type: long, name: 'a', actions: ['pull'] },
        { type: 'repository', name: long, actions: ['pull'] },
        { type: 'repository', name: 'a', actions: 'pull' },
        { type: 'repository', name: 'b', actions: ['pull', 3, long, longest] },
        { type: longest, name: longest, actions: [] },
      ],
    }),
    [
      { type: 'repository', name: 'a', actions: [] },
      { type: 'repository', name: 'b', actions: ['pull', longest] },
      { type: longest, name: longest, actions: [] },
    ],
  );
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
  // the type and the name must both match
  assert.equal(grants(access, 'registry:a/b:pull'), false);
  assert.equal(grants(access, 'repository:catalog:*'), false);
  assert.equal(grants(access, 'nonsense'), false);
  assert.equal(grants([{ type: 'repository', name: 'a/b', actions: ['*'] }], 'repository:a/b:pull,push,delete'), true);
});

test('a decoded access claim is bounded: entries, actions and name lengths', () => {
  const part = (x: unknown) => Buffer.from(JSON.stringify(x)).toString('base64url');
  const access = Array.from({ length: 10_000 }, (_, i) => ({ type: 'repository', name: `r/${i}`, actions: Array.from({ length: 50 }, (_, j) => `a${j}`) }));
  access.unshift({ type: 'repository', name: 'x'.repeat(10_000), actions: ['pull'] });
  const decoded = decodeGrantedAccess(`${part({})}.${part({ access })}.sig`) ?? [];
  assert.equal(decoded.length, 100);
  assert.ok(decoded.every((a) => a.actions.length <= 16 && a.name.length <= 300));
});
