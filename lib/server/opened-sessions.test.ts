import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sealData, unsealData } from 'iron-session';
import { OPENED_FOR_MS, sealExpiry, sessionOpener } from './opened-sessions';

const SECRET = 'a'.repeat(32);
const OTHER = 'b'.repeat(32);
const TTL = 3600;
const data = { registries: [{ host: 'r.example', url: 'https://r.example', username: 'alice', password: 'secret' }] };

/** An opener over the real unsealData that counts how often a cookie is really opened, on a clock the test moves. */
function counted() {
  const clock = { now: Date.now() };
  let opens = 0;
  const open = sessionOpener({
    now: () => clock.now,
    unseal: ((sealed: string, options: Parameters<typeof unsealData>[1]) => {
      opens++;
      return unsealData(sealed, options);
    }) as typeof unsealData,
  });
  return { open, clock, opens: () => opens };
}

test('a cookie is opened once; later reads of the same cookie are served without opening it again', async () => {
  const sealed = await sealData(data, { password: SECRET, ttl: TTL });
  const { open, opens } = counted();
  assert.deepEqual(await open(sealed, SECRET, TTL), data);
  assert.deepEqual(await open(sealed, SECRET, TTL), data);
  assert.deepEqual(await open(sealed, SECRET, TTL), data);
  assert.equal(opens(), 1);
});

test('each read gets its own copy: changing one (a sign-in adding a registry) changes no other', async () => {
  const sealed = await sealData(data, { password: SECRET, ttl: TTL });
  const { open } = counted();
  const first = await open<typeof data>(sealed, SECRET, TTL);
  first.registries.push({ ...data.registries[0]!, host: 'other.example' });
  first.registries[0]!.password = 'changed';
  assert.deepEqual(await open(sealed, SECRET, TTL), data);
});

test('another secret, another ttl or a cookie that differs in one byte is opened afresh', async () => {
  const sealed = await sealData(data, { password: SECRET, ttl: TTL });
  const { open, opens } = counted();
  await open(sealed, SECRET, TTL);
  assert.deepEqual(await open(sealed, OTHER, TTL), {}, 'the other secret does not open it');
  assert.equal(opens(), 2);
  await open(sealed, SECRET, TTL - 1);
  assert.equal(opens(), 3);
  const tampered = sealed.slice(0, -3) + (sealed.at(-3) === 'A' ? 'B' : 'A') + sealed.slice(-2);
  assert.deepEqual(await open(tampered, SECRET, TTL), {});
  assert.equal(opens(), 4);
});

test('kept for a minute after opening, then opened again', async () => {
  const sealed = await sealData(data, { password: SECRET, ttl: TTL });
  const { open, clock, opens } = counted();
  await open(sealed, SECRET, TTL);
  clock.now += OPENED_FOR_MS - 1;
  await open(sealed, SECRET, TTL);
  assert.equal(opens(), 1);
  clock.now += 1;
  await open(sealed, SECRET, TTL);
  assert.equal(opens(), 2);
});

test('never kept past the seal’s own expiry', async () => {
  const sealed = await sealData(data, { password: SECRET, ttl: 10 });
  const expiry = sealExpiry(sealed);
  assert.ok(expiry !== undefined && Math.abs(expiry - (Date.now() + 10_000)) < 2_000, 'the expiry is read from the seal');
  const { open, clock, opens } = counted();
  await open(sealed, SECRET, 10);
  clock.now = expiry - 1;
  await open(sealed, SECRET, 10);
  assert.equal(opens(), 1);
  clock.now = expiry;
  await open(sealed, SECRET, 10);
  assert.equal(opens(), 2, 'at its expiry the seal is opened again (and iron-session decides)');
});

test('a cookie iron-session cannot parse is no session, and is not kept', async () => {
  const { open, opens } = counted();
  const broken = 'Fe26.2**a*b*c*notanumber*e*f~2';
  assert.equal(sealExpiry(broken), undefined);
  assert.deepEqual(await open(broken, SECRET, TTL), {});
  assert.deepEqual(await open(broken, SECRET, TTL), {});
  assert.equal(opens(), 2);
});

test('sealExpiry: a seal without an expiry never expires; other shapes are not seals', () => {
  assert.equal(sealExpiry('Fe26.2**a*b*c**e*f~2'), 0);
  assert.equal(sealExpiry('Fe26.2**a*b*c*123*e*f'), 123);
  assert.equal(sealExpiry('Fe26.2**a*b*c*123*e'), undefined);
  assert.equal(sealExpiry('Fe26.2**a*b*c*1e3*e*f~2'), undefined);
  assert.equal(sealExpiry('Fe26.2**a*b*c*-5*e*f~2'), undefined);
});

test('bounded: past its entries, the oldest cookie is opened again', async () => {
  const clock = { now: Date.now() };
  let opens = 0;
  const open = sessionOpener({
    now: () => clock.now,
    maxEntries: 2,
    unseal: ((sealed: string, options: Parameters<typeof unsealData>[1]) => {
      opens++;
      return unsealData(sealed, options);
    }) as typeof unsealData,
  });
  const cookies = await Promise.all([1, 2, 3].map((n) => sealData({ n }, { password: SECRET, ttl: TTL })));
  for (const c of cookies) await open(c, SECRET, TTL);
  assert.equal(opens, 3);
  await open(cookies[2]!, SECRET, TTL);
  await open(cookies[1]!, SECRET, TTL);
  assert.equal(opens, 3);
  await open(cookies[0]!, SECRET, TTL);
  assert.equal(opens, 4);
});
