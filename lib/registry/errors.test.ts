import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RegistryError, parseErrorBody, parseRetryAfter } from './errors';
import { InvalidReferenceError } from './reference';

test('RegistryError is recognised across module copies, subclasses keep the plain check', () => {
  // A second copy of the module, as Next.js bundles server code once per layer.
  const path = require.resolve('./errors');
  const original = require.cache[path];
  delete require.cache[path];
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a second, fresh copy of the module is the point
  const copy = require('./errors') as typeof import('./errors');
  if (original) require.cache[path] = original;
  assert.notEqual(copy.RegistryError, RegistryError);
  const foreign = new copy.RegistryError({ code: 'NOT_ALLOWED', message: 'x' });
  assert.ok(foreign instanceof RegistryError);
  assert.ok(new RegistryError({ code: 'INTERNAL', message: 'y' }) instanceof copy.RegistryError);
  assert.ok(!(new Error('plain') instanceof RegistryError));
  assert.ok(!((null as unknown) instanceof RegistryError));
  assert.ok(!(foreign instanceof InvalidReferenceError));
  assert.ok(new InvalidReferenceError('tag', 'x', 'bad tag') instanceof InvalidReferenceError);
  assert.ok(new InvalidReferenceError('tag', 'x', 'bad tag') instanceof RegistryError);
});

test('parseErrorBody reads the spec envelope and tolerates anything else', () => {
  assert.deepEqual(parseErrorBody('{"errors":[{"code":"DENIED","message":"no","detail":{"a":1}}]}'), [{ code: 'DENIED', message: 'no', detail: { a: 1 } }]);
  assert.deepEqual(parseErrorBody('{"errors":[{"code":"SOMETHING_NEW"}]}'), [{ code: 'UNKNOWN', message: undefined, detail: undefined }]);
  for (const junk of ['<html>', '', 'null', '[]', '{"errors":"x"}', '{"errors":[1,null]}']) assert.deepEqual(parseErrorBody(junk), []);
});

test('parseRetryAfter takes seconds or an HTTP date (relative to a given now, not the clock)', () => {
  const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
  assert.equal(parseRetryAfter('7', now), 7);
  assert.equal(parseRetryAfter(' 0 ', now), 0);
  assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', now), 30);
  assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', now), 0);
  assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', now - 1), 1, 'a part of a second counts as a second');
  assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:27:00 GMT', now), 0, 'a date in the past: now');
  assert.equal(parseRetryAfter('Fri, 21 Oct 2016 07:28:00 GMT', now), 86_400, 'at most a day');
  assert.equal(parseRetryAfter('soon', now), undefined);
  assert.equal(parseRetryAfter(undefined, now), undefined);
  assert.equal(parseRetryAfter('999999999', now), 86_400);
});
