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
