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
