import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressKey, clientAddress } from './client-address';

const headers = (h: Record<string, string>) => new Headers(h);

test('without proxies the connection’s own address counts, and X-Forwarded-For (the client’s to write) is ignored', () => {
  assert.equal(clientAddress(headers({ 'x-berth-peer': '198.51.100.7', 'x-forwarded-for': '203.0.113.9' }), 0), '198.51.100.7');
  assert.equal(clientAddress(headers({ 'x-berth-peer': '::ffff:198.51.100.7' }), 0), '198.51.100.7');
});

test('behind N trusted proxies: the address the outermost one saw, counted from the right', () => {
  const forged = '6.6.6.6, 7.7.7.7';
  assert.equal(clientAddress(headers({ 'x-berth-peer': '10.0.0.2', 'x-forwarded-for': '198.51.100.7' }), 1), '198.51.100.7');
  assert.equal(clientAddress(headers({ 'x-berth-peer': '10.0.0.2', 'x-forwarded-for': `${forged}, 198.51.100.7` }), 1), '198.51.100.7');
  assert.equal(clientAddress(headers({ 'x-berth-peer': '10.0.0.3', 'x-forwarded-for': `${forged}, 198.51.100.7, 10.0.0.2` }), 2), '198.51.100.7');
  // Fewer hops than proxies (a request that bypassed one), or junk: the connection itself.
  assert.equal(clientAddress(headers({ 'x-berth-peer': '10.0.0.3', 'x-forwarded-for': '198.51.100.7' }), 2), '10.0.0.3');
  assert.equal(clientAddress(headers({ 'x-berth-peer': '10.0.0.2', 'x-forwarded-for': 'unknown' }), 1), '10.0.0.2');
  assert.equal(clientAddress(headers({ 'x-berth-peer': '10.0.0.2', 'x-forwarded-for': `${'1'.repeat(5000)}` }), 1), '10.0.0.2');
});

test('only IP addresses are keys; an IPv6 client is its /64', () => {
  assert.equal(addressKey('198.51.100.7:5000'), '198.51.100.7');
  assert.equal(addressKey('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2/64');
  assert.equal(addressKey('2001:db8:1:2::9'), '2001:db8:1:2/64');
  assert.equal(addressKey('[2001:db8:1:2::9]:443'), '2001:db8:1:2/64');
  assert.equal(addressKey('2001:db8::1'), '2001:db8:0:0/64');
  assert.equal(addressKey('::1'), '0:0:0:0/64');
  for (const junk of ['', 'localhost', 'evil.example', '1.2.3', '999.1.1.1', '1.2.3.4; drop', 'x'.repeat(100)]) assert.equal(addressKey(junk), undefined, junk);
});

test('no peer and no proxy (a development server): the nearest hop Next.js wrote', () => {
  assert.equal(clientAddress(headers({ 'x-forwarded-for': '203.0.113.9, 127.0.0.1' }), 0), '127.0.0.1');
  assert.equal(clientAddress(headers({}), 0), undefined);
});

test('addresses as servers and proxies write them: ports, brackets, mapped IPv4, zones, capitals, spaces', () => {
  const cases: Array<[string, string | undefined]> = [
    ['[2001:DB8:1:2::9]', '2001:db8:1:2/64'],
    ['[::ffff:198.51.100.7]:8080', '198.51.100.7'],
    ['::FFFF:198.51.100.7', '198.51.100.7'],
    ['fe80::1%eth0', 'fe80:0:0:0/64'],
    ['2001:db8:1:2::', '2001:db8:1:2/64'],
    ['::', '0:0:0:0/64'],
    ['::1:2:3:4:5', '0:0:0:1/64'],
    ['1:2:3:4:5::', '1:2:3:4/64'],
    ['2001:0db8:0001:0002::', '2001:db8:1:2/64'],
    ['::ffff:c633:6407', '0:0:0:0/64'],
    ['198.51.100.77:8080', '198.51.100.77'],
    ['::ffff:198.51.100.77', '198.51.100.77'],
    ['1::2:3:4:5:6:7', '1:0:2:3/64'],
    ['1:2::3:4:5:6', '1:2:0:0/64'],
    ['ABCD:EF01::1', 'abcd:ef01:0:0/64'],
    ['x198.51.100.7:80', undefined],
    ['198.51.100.7:80x', undefined],
    ['[2001:db8::1]x', undefined],
    ['x[2001:db8::1]', undefined],
    ['[2001:db8::1]:', undefined],
    ['198.51.100.7:', undefined],
    ['x::ffff:198.51.100.7', undefined],
    ['::ffff:198.51.100.7x', undefined],
    ['1'.repeat(65), undefined],
    [`${'0'.repeat(52)}198.51.100.7`, undefined],
  ];
  for (const [text, want] of cases) assert.equal(addressKey(text), want, text);
  // 64 characters is the longest an address may be written (a zone makes it long); 65 is not read.
  const written = (zone: number) => `[2001:0db8:0001:0002:0000:0000:0000:0001%${'e'.repeat(zone)}]`;
  assert.equal(written(22).length, 64);
  assert.equal(addressKey(written(22)), '2001:db8:1:2/64');
  assert.equal(addressKey(written(23)), undefined);
  assert.equal(addressKey('0000:0000:0000:0000:0000:0000:0000:0001'), '0:0:0:0/64');
  assert.equal(addressKey(`   198.51.100.7   `), '198.51.100.7');
});

test('hops are read with the spaces proxies put between them', () => {
  assert.equal(clientAddress(headers({ 'x-berth-peer': '10.0.0.2', 'x-forwarded-for': ' 6.6.6.6 ,  198.51.100.7  ' }), 1), '198.51.100.7');
  assert.equal(clientAddress(headers({ 'x-berth-peer': '10.0.0.3', 'x-forwarded-for': '198.51.100.7 , 10.0.0.2' }), 2), '198.51.100.7');
});
