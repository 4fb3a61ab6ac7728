import type { FileRow } from '@/lib/api/types';

// How the files view writes what a table of contents says: permissions as `ls -l` does, owners,
// and bytes as a hex dump. Pure: tested on its own.

const TYPE_LETTER: Record<FileRow['type'], string> = {
  file: '-',
  dir: 'd',
  symlink: 'l',
  hardlink: '-',
  char: 'c',
  block: 'b',
  fifo: 'p',
  deleted: ' ',
};

/** "-rwxr-xr-x", "drwxrwxrwt", "-rwsr-xr-x": the type and mode bits as `ls -l` shows them. */
export function modeString(type: FileRow['type'], mode: number): string {
  const triplet = (bits: number, special: boolean, specialLetter: string) => {
    const x = bits & 1;
    const exec = special ? (x ? specialLetter : specialLetter.toUpperCase()) : x ? 'x' : '-';
    return `${bits & 4 ? 'r' : '-'}${bits & 2 ? 'w' : '-'}${exec}`;
  };
  return (
    TYPE_LETTER[type] +
    triplet((mode >> 6) & 7, (mode & 0o4000) !== 0, 's') +
    triplet((mode >> 3) & 7, (mode & 0o2000) !== 0, 's') +
    triplet(mode & 7, (mode & 0o1000) !== 0, 't')
  );
}

/** "root" for a name, "1000" for a number without one; "root:staff" when the group differs. */
export function ownerString(row: Pick<FileRow, 'uid' | 'gid' | 'uname' | 'gname'>): string {
  const user = row.uname || String(row.uid);
  const group = row.gname || String(row.gid);
  return user === group ? user : `${user}:${group}`;
}

/** Lines of 16 bytes as `xxd` writes them: offset, hex in pairs, and the printable ASCII. */
export function hexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let at = 0; at < bytes.length; at += 16) {
    const row = bytes.subarray(at, at + 16);
    let hex = '';
    let text = '';
    for (let i = 0; i < 16; i++) {
      const b = row[i];
      hex += b === undefined ? '  ' : b.toString(16).padStart(2, '0');
      if (i % 2 === 1) hex += ' ';
      if (b !== undefined) text += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
    }
    lines.push(`${at.toString(16).padStart(8, '0')}: ${hex} ${text}`);
  }
  return lines.join('\n');
}

/** Base64 to bytes, in the browser as on the server. */
export function fromBase64(data: string): Uint8Array {
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The path of `name` in directory `dir` ("/usr/lib/" + "x" → "/usr/lib/x"). */
export function joinPath(dir: string, name: string): string {
  return `${dir.endsWith('/') ? dir : `${dir}/`}${name}`;
}

/** A directory path's parts, each with the path up to it: "/usr/lib/" → [["usr", "/usr/"], ["lib", "/usr/lib/"]]. */
export function pathCrumbs(path: string): Array<[string, string]> {
  const parts = path.split('/').filter(Boolean);
  return parts.map((part, i) => [part, `/${parts.slice(0, i + 1).join('/')}/`]);
}
