// The certificate facts the diagnosis shows, read from a real TLS handshake with a local server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { tlsFactsOf } from './http';

test('tlsFactsOf reads subject, issuer, validity, names and protocol of the peer certificate', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-tls-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '30',
    '-subj', '/O=Berth Test/CN=registry.test', '-addext', 'subjectAltName=DNS:registry.test',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
  ], { stdio: 'ignore' });
  const server = tls.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (s) => s.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const { port } = server.address() as { port: number };
  // Self-signed, so not trusted: only what the certificate says is read here.
  const socket = tls.connect({ host: '127.0.0.1', port, servername: 'registry.test', rejectUnauthorized: false });
  await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
  const facts = tlsFactsOf(socket);
  socket.destroy();
  assert.ok(facts);
  assert.equal(facts.subject, 'O=Berth Test, CN=registry.test');
  assert.equal(facts.issuer, 'O=Berth Test, CN=registry.test');
  assert.equal(facts.altNames, 'DNS:registry.test');
  assert.match(facts.protocol ?? '', /^TLSv1\.[23]$/);
  const days = (Date.parse(facts.validTo) - Date.parse(facts.validFrom)) / 86_400_000;
  assert.equal(Math.round(days), 30);
  assert.equal(new Date(facts.validTo).toISOString(), facts.validTo);
  // A plain connection has no certificate.
  const plain = createConnection({ host: '127.0.0.1', port });
  assert.equal(tlsFactsOf(plain), undefined);
  plain.destroy();
});
