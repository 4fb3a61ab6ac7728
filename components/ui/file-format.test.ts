import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromBase64, hexDump, joinPath, modeString, ownerString, pathCrumbs } from './file-format';

test('modes read as ls -l writes them, set-id and sticky bits included', () => {
  assert.equal(modeString('file', 0o644), '-rw-r--r--');
  assert.equal(modeString('dir', 0o755), 'drwxr-xr-x');
  assert.equal(modeString('symlink', 0o777), 'lrwxrwxrwx');
  assert.equal(modeString('file', 0o4755), '-rwsr-xr-x');
  assert.equal(modeString('file', 0o2644), '-rw-r-Sr--');
  assert.equal(modeString('dir', 0o1777), 'drwxrwxrwt');
  assert.equal(modeString('dir', 0o1776), 'drwxrwxrwT');
  assert.equal(modeString('char', 0o600), 'crw-------');
  assert.equal(modeString('block', 0o660), 'brw-rw----');
  assert.equal(modeString('fifo', 0o640), 'prw-r-----');
  assert.equal(modeString('hardlink', 0o755), '-rwxr-xr-x');
});

test('owners by name where the archive has one, by number otherwise; a different group after a colon', () => {
  assert.equal(ownerString({ uid: 0, gid: 0, uname: 'root', gname: 'root' }), 'root');
  assert.equal(ownerString({ uid: 1000, gid: 1000 }), '1000');
  assert.equal(ownerString({ uid: 0, gid: 50, uname: 'root', gname: 'staff' }), 'root:staff');
  assert.equal(ownerString({ uid: 0, gid: 7 }), '0:7');
});

test('a hex dump writes offsets, byte pairs and the printable characters, a short last line padded', () => {
  const bytes = new Uint8Array([...Buffer.from('Berth!\n'), 0, 0xff, ...Buffer.from('0123456789ab')]);
  assert.equal(
    hexDump(bytes),
    ['00000000: 4265 7274 6821 0a00 ff30 3132 3334 3536  Berth!...0123456', '00000010: 3738 3961 62                             789ab'].join('\n'),
  );
  assert.equal(hexDump(new Uint8Array()), '');
});

test('base64 decodes to the bytes it was made from', () => {
  const bytes = new Uint8Array([0, 1, 2, 250, 255]);
  assert.deepEqual(fromBase64(Buffer.from(bytes).toString('base64')), bytes);
});

test('paths join and split into crumbs', () => {
  assert.equal(joinPath('/', 'etc'), '/etc');
  assert.equal(joinPath('/usr/lib/', 'x'), '/usr/lib/x');
  assert.equal(joinPath('/usr/lib', 'x'), '/usr/lib/x');
  assert.deepEqual(pathCrumbs('/usr/lib/'), [
    ['usr', '/usr/'],
    ['lib', '/usr/lib/'],
  ]);
  assert.deepEqual(pathCrumbs('/'), []);
});
