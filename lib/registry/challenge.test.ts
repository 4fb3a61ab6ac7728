import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseChallenges } from './challenge';

const cases: Array<{ name: string; header: string | string[]; want: Array<{ scheme: string; params: Record<string, string>; token68?: string }> }> = [
  {
    name: 'distribution bearer',
    header: 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"',
    want: [{ scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/alpine:pull' } }],
  },
  {
    name: 'scheme and names are case-insensitive, spaces around = and ,',
    header: 'BEARER Realm = "https://r/t" ,  SERVICE="s"',
    want: [{ scheme: 'bearer', params: { realm: 'https://r/t', service: 's' } }],
  },
  {
    name: 'scope with several actions keeps its comma',
    header: 'Bearer realm="https://r/token",service="reg",scope="repository:a/b:pull,push",error="insufficient_scope"',
    want: [{ scheme: 'bearer', params: { realm: 'https://r/token', service: 'reg', scope: 'repository:a/b:pull,push', error: 'insufficient_scope' } }],
  },
  {
    name: 'two challenges on one line',
    header: 'Bearer realm="https://r/token",service="reg", Basic realm="Registry Realm"',
    want: [
      { scheme: 'bearer', params: { realm: 'https://r/token', service: 'reg' } },
      { scheme: 'basic', params: { realm: 'Registry Realm' } },
    ],
  },
  {
    name: 'several header lines',
    header: ['Basic realm="x"', 'Bearer realm="/token",service="s"'],
    want: [
      { scheme: 'basic', params: { realm: 'x' } },
      { scheme: 'bearer', params: { realm: '/token', service: 's' } },
    ],
  },
  {
    name: 'escaped quotes and backslashes in quoted strings',
    header: 'Basic realm="say \\"hi\\", \\\\ ok"',
    want: [{ scheme: 'basic', params: { realm: 'say "hi", \\ ok' } }],
  },
  {
    name: 'unquoted token values',
    header: 'Bearer realm=https://r/token, service=reg',
    want: [{ scheme: 'bearer', params: { realm: 'https://r/token', service: 'reg' } }],
  },
  {
    name: 'bare scheme',
    header: 'Basic',
    want: [{ scheme: 'basic', params: {} }],
  },
  {
    name: 'token68',
    header: 'Negotiate abc123==, Basic realm="r"',
    want: [
      { scheme: 'negotiate', params: {}, token68: 'abc123==' },
      { scheme: 'basic', params: { realm: 'r' } },
    ],
  },
  {
    name: 'scope naming a host:port repository',
    header: 'Bearer realm="http://127.0.0.1:5001/token",service="berth",scope="repository:127.0.0.1:5000/x:pull"',
    want: [{ scheme: 'bearer', params: { realm: 'http://127.0.0.1:5001/token', service: 'berth', scope: 'repository:127.0.0.1:5000/x:pull' } }],
  },
  { name: 'empty', header: '', want: [] },
  { name: 'garbage does not hang', header: '=,=,"', want: [] },
  {
    name: 'unterminated quote takes the rest',
    header: 'Bearer realm="https://r/t',
    want: [{ scheme: 'bearer', params: { realm: 'https://r/t' } }],
  },
  { name: 'a backslash at the very end is kept', header: 'Basic realm="a\\', want: [{ scheme: 'basic', params: { realm: 'a\\' } }] },
  { name: 'tabs are white space like spaces', header: '\tBearer\trealm="r"\t,\tservice=s', want: [{ scheme: 'bearer', params: { realm: 'r', service: 's' } }] },
  { name: "a tab before '='", header: 'Bearer realm\t=\t"r"', want: [{ scheme: 'bearer', params: { realm: 'r' } }] },
  {
    name: 'an unquoted value ends at a space',
    header: 'Bearer realm=https://r/token service=reg',
    want: [{ scheme: 'bearer', params: { realm: 'https://r/token', service: 'reg' } }],
  },
  { name: 'a scheme followed by junk has no token68', header: 'Basic ;', want: [{ scheme: 'basic', params: {} }] },
  { name: 'an unquoted value ends at a tab', header: 'Basic realm=a\tservice=b', want: [{ scheme: 'basic', params: { realm: 'a', service: 'b' } }] },
  {
    name: 'empty list elements before and between challenges are skipped',
    header: ', ,Basic realm="r",, ,Bearer realm="t"',
    want: [
      { scheme: 'basic', params: { realm: 'r' } },
      { scheme: 'bearer', params: { realm: 't' } },
    ],
  },
  { name: 'an empty unquoted value', header: 'Bearer realm=,service=s', want: [{ scheme: 'bearer', params: { realm: '', service: 's' } }] },
  { name: 'a repeated parameter: the first one counts', header: 'Bearer realm="a", realm="b"', want: [{ scheme: 'bearer', params: { realm: 'a' } }] },
  { name: 'a trailing comma', header: 'Bearer error=invalid_token,', want: [{ scheme: 'bearer', params: { error: 'invalid_token' } }] },
  {
    name: 'every token character in a parameter name',
    header: "Custom !#$%&'*+-.^_`|~09AZaz=v",
    want: [{ scheme: 'custom', params: { "!#$%&'*+-.^_`|~09azaz": 'v' } }],
  },
  { name: "token68 ending in '=' is not a parameter", header: 'Basic abc=', want: [{ scheme: 'basic', params: {}, token68: 'abc=' }] },
  { name: "token68 with '==' inside is not a parameter", header: 'Bearer a==b', want: [{ scheme: 'bearer', params: {}, token68: 'a==b' }] },
];

for (const c of cases) {
  test(`parseChallenges: ${c.name}`, () => {
    const got = parseChallenges(c.header).map((ch) => (ch.token68 !== undefined ? ch : { scheme: ch.scheme, params: ch.params }));
    assert.deepEqual(got, c.want);
  });
}

test('parseChallenges: no header, or an empty list of header lines', () => {
  assert.deepEqual(parseChallenges(undefined), []);
  assert.deepEqual(parseChallenges(null), []);
  assert.deepEqual(parseChallenges([]), []);
});
