import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from './env';

const SECRET = 'x'.repeat(32);

test('the session cookie is Secure by default in production, and only over https in development', () => {
  const cases: Array<[string, NodeJS.ProcessEnv, 'always' | 'https']> = [
    ['production, unset', { NODE_ENV: 'production' }, 'always'],
    ['production, SESSION_COOKIE_SECURE=0 (plain http on purpose)', { NODE_ENV: 'production', SESSION_COOKIE_SECURE: '0' }, 'https'],
    ['production, SESSION_COOKIE_SECURE=false', { NODE_ENV: 'production', SESSION_COOKIE_SECURE: 'false' }, 'https'],
    ['production, SESSION_COOKIE_SECURE=1', { NODE_ENV: 'production', SESSION_COOKIE_SECURE: '1' }, 'always'],
    ['development, unset', { NODE_ENV: 'development' }, 'https'],
    ['development, SESSION_COOKIE_SECURE=true', { NODE_ENV: 'development', SESSION_COOKIE_SECURE: 'true' }, 'always'],
    ['production, an unknown value keeps the default', { NODE_ENV: 'production', SESSION_COOKIE_SECURE: 'maybe' }, 'always'],
  ];
  for (const [name, env, expected] of cases) assert.equal(loadConfig({ SESSION_SECRET: SECRET, ...env }).secureCookie, expected, name);
});

/** An environment of just these variables. */
const vars = (variables: Record<string, string | undefined>) => variables as NodeJS.ProcessEnv;

/** The configuration error `env` makes, or 'ok'. */
function refusal(variables: Record<string, string | undefined>): string {
  try {
    loadConfig(vars(variables));
    return 'ok';
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

test('production refuses to start without a secret of 32 characters; development and the demo make one', () => {
  assert.match(
    refusal({ NODE_ENV: 'production' }),
    /^Berth: SESSION_SECRET is not set\. It encrypts the session cookie and must be at least 32 characters, e\.g\. SESSION_SECRET=\$\(openssl rand -hex 32\) npm start$/,
  );
  assert.match(refusal({ NODE_ENV: 'production', SESSION_SECRET: '' }), /SESSION_SECRET is not set/);
  assert.equal(refusal({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(31) }), 'Berth: SESSION_SECRET must be at least 32 characters long (it is 31).');
  assert.equal(
    refusal({ NODE_ENV: 'production', SESSION_SECRET: SECRET, SESSION_SECRET_PREVIOUS: 'short' }),
    'Berth: SESSION_SECRET_PREVIOUS must be at least 32 characters long (it is 5).',
  );
  assert.equal(loadConfig(vars({ NODE_ENV: 'production', SESSION_SECRET: SECRET })).sessionSecret, SECRET);
  const demo = loadConfig(vars({ NODE_ENV: 'production', BERTH_DEMO: '1' })).sessionSecret;
  assert.match(demo, /^[0-9a-f]{64}$/, 'the demo gets a generated secret');
  assert.equal(loadConfig(vars({ NODE_ENV: 'development' })).sessionSecret, demo, 'one generated secret per process: sessions survive a re-read');
  assert.equal(loadConfig(vars({ NODE_ENV: 'production', SESSION_SECRET: SECRET })).previousSessionSecret, undefined);
  assert.equal(loadConfig(vars({ SESSION_SECRET: SECRET, SESSION_SECRET_PREVIOUS: 'p'.repeat(32) })).previousSessionSecret, 'p'.repeat(32));
});

test('numbers: a usable value is taken, anything else falls back to the default', () => {
  const config = (variables: Record<string, string>) => loadConfig(vars({ SESSION_SECRET: SECRET, ...variables }));
  assert.equal(config({}).sessionMaxAgeSeconds, 8 * 3600);
  assert.equal(config({ SESSION_MAX_AGE_SECONDS: '600' }).sessionMaxAgeSeconds, 600);
  for (const bad of ['0', '-5', 'soon', 'Infinity']) assert.equal(config({ SESSION_MAX_AGE_SECONDS: bad }).sessionMaxAgeSeconds, 8 * 3600, bad);
  assert.equal(config({}).timeoutMs, 15_000);
  assert.equal(config({ UPSTREAM_TIMEOUT_MS: '2500' }).timeoutMs, 2500);
  for (const bad of ['0', '-1', 'fast', 'Infinity']) assert.equal(config({ UPSTREAM_TIMEOUT_MS: bad }).timeoutMs, 15_000, bad);
  assert.deepEqual(config({}).concurrency, { perOrigin: 6, total: 64 });
  assert.deepEqual(config({ UPSTREAM_CONCURRENCY: '2', UPSTREAM_CONCURRENCY_TOTAL: '10' }).concurrency, { perOrigin: 2, total: 10 });
  for (const bad of ['0', '-3', '1.5', 'many']) {
    assert.deepEqual(config({ UPSTREAM_CONCURRENCY: bad, UPSTREAM_CONCURRENCY_TOTAL: bad }).concurrency, { perOrigin: 6, total: 64 }, bad);
  }
});

test('PUBLIC_ORIGIN: origins only, each checked; unset or empty means any host', () => {
  const origins = (value: string | undefined) => loadConfig(vars({ SESSION_SECRET: SECRET, PUBLIC_ORIGIN: value })).publicOrigins;
  assert.equal(origins(undefined), null);
  assert.equal(origins('  '), null);
  assert.deepEqual(origins(' https://Berth.Example.com , http://127.0.0.1:3000/,, https://b.example:443'), [
    'https://berth.example.com',
    'http://127.0.0.1:3000',
    'https://b.example',
  ]);
  for (const bad of [
    'berth.example.com',
    'ftp://berth.example.com',
    'https://berth.example.com/registry',
    'https://berth.example.com/?x=1',
    'https://u@berth.example.com',
  ]) {
    assert.match(
      refusal({ SESSION_SECRET: SECRET, PUBLIC_ORIGIN: bad }),
      new RegExp(`^Berth: PUBLIC_ORIGIN lists ${JSON.stringify(bad).replace(/[.?/]/g, '\\$&')}`),
      bad,
    );
  }
  assert.match(refusal({ SESSION_SECRET: SECRET, PUBLIC_ORIGIN: 'not a url' }), /which is not an origin such as https:\/\/berth\.example\.com\./);
  assert.match(refusal({ SESSION_SECRET: SECRET, PUBLIC_ORIGIN: 'https://b.example/x' }), /give only the scheme, host and port/);
});

test('TRUSTED_PROXIES: a count from 0 to 10; unset is 0; anything else stops start-up', () => {
  const proxies = (value: string | undefined) => loadConfig(vars({ SESSION_SECRET: SECRET, TRUSTED_PROXIES: value })).trustedProxies;
  assert.equal(proxies(undefined), 0);
  assert.equal(proxies(' '), 0);
  assert.equal(proxies('0'), 0);
  assert.equal(proxies(' 2 '), 2);
  assert.equal(proxies('10'), 10);
  for (const bad of ['-1', '11', '1.5', 'yes']) {
    assert.equal(
      refusal({ SESSION_SECRET: SECRET, TRUSTED_PROXIES: bad }),
      `Berth: TRUSTED_PROXIES must be the number of proxies in front of Berth (0 to 10); it is ${JSON.stringify(bad)}.`,
    );
  }
});

test('DNS_SERVERS: IP addresses with optional ports; unset means the system’s', () => {
  const servers = (value: string | undefined) => loadConfig(vars({ SESSION_SECRET: SECRET, DNS_SERVERS: value })).dnsServers;
  assert.equal(servers(undefined), undefined);
  assert.equal(servers('  '), undefined);
  assert.deepEqual(servers(' 10.0.0.2 ,10.0.0.3:5353,, [2001:db8::53]:53, 2001:db8::54'), ['10.0.0.2', '10.0.0.3:5353', '[2001:db8::53]:53', '2001:db8::54']);
  for (const bad of ['dns.example', '10.0.0.2:x', '10.0.0', '[2001:db8::53', 'a10.0.0.2:53']) {
    assert.equal(
      refusal({ SESSION_SECRET: SECRET, DNS_SERVERS: bad }),
      `Berth: DNS_SERVERS lists ${JSON.stringify(bad)}, which is not an IP address (with an optional port).`,
      bad,
    );
  }
});

test('Docker Hub: its registry and API default to Docker’s own, and can be pointed elsewhere', () => {
  const hub = loadConfig(vars({ SESSION_SECRET: SECRET })).policy;
  assert.equal(hub.dockerHubUrl.href, 'https://registry-1.docker.io/');
  assert.equal(hub.dockerHubApiUrl.href, 'https://hub.docker.com/');
  const elsewhere = loadConfig(
    vars({
      SESSION_SECRET: SECRET,
      DOCKER_HUB_REGISTRY_URL: 'https://mirror.example',
      DOCKER_HUB_API_URL: 'https://api.mirror.example',
    }),
  ).policy;
  assert.equal(elsewhere.dockerHubUrl.href, 'https://mirror.example/');
  assert.equal(elsewhere.dockerHubApiUrl.href, 'https://api.mirror.example/');
});
