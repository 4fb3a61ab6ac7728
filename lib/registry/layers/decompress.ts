// A layer blob's bytes, decompressed as they pass: gzip (OCI tar+gzip, Docker's diff.tar.gzip),
// zstd (OCI tar+zstd) or none (plain tar), told apart by the stream's own first bytes rather than
// its media type, which registries and builders do not always get right. What comes out is
// counted: a layer that inflates past `maxBytes` (a decompression bomb) is refused.
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Decompress } from 'fzstd';

export type Compression = 'gzip' | 'zstd' | 'none';

export class DecompressError extends Error {}

const GZIP = [0x1f, 0x8b];
const ZSTD = [0x28, 0xb5, 0x2f, 0xfd];

const startsWith = (head: Uint8Array, magic: number[]) => magic.every((b, i) => head[i] === b);

/** What compresses a stream that begins with `head` (at least four bytes of it, where it has them). */
export function compressionOf(head: Uint8Array): Compression {
  if (startsWith(head, GZIP)) return 'gzip';
  if (startsWith(head, ZSTD)) return 'zstd';
  return 'none';
}

async function* gunzip(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const inflate = createGunzip();
  const source = Readable.from(chunks);
  source.on('error', (e) => inflate.destroy(e));
  source.pipe(inflate);
  try {
    for await (const out of inflate) yield out as Buffer;
  } catch (e) {
    throw e instanceof Error && 'code' in e && String(e.code).startsWith('Z_') ? new DecompressError(`The layer is not valid gzip: ${e.message}.`) : e;
  } finally {
    source.destroy();
    inflate.destroy();
  }
}

async function* unzstd(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let out: Uint8Array[] = [];
  const stream = new Decompress((data) => void out.push(data));
  const push = (chunk: Uint8Array, final: boolean) => {
    try {
      stream.push(chunk, final);
    } catch (e) {
      throw new DecompressError(`The layer is not valid zstd: ${e instanceof Error ? e.message : String(e)}.`);
    }
  };
  for await (const chunk of chunks) {
    push(chunk, false);
    const ready = out;
    out = [];
    yield* ready;
  }
  push(new Uint8Array(0), true);
  yield* out;
}

/** The first chunks, joined until they hold `n` bytes (or the stream ends), and the stream from there. */
async function peek(chunks: AsyncIterable<Uint8Array>, n: number): Promise<{ head: Uint8Array; rest: AsyncIterable<Uint8Array> }> {
  const iterator = chunks[Symbol.asyncIterator]();
  const seen: Uint8Array[] = [];
  let length = 0;
  while (length < n) {
    const step = await iterator.next();
    if (step.done) break;
    seen.push(step.value);
    length += step.value.length;
  }
  const head = Buffer.concat(seen);
  async function* rest() {
    if (head.length) yield head;
    for (;;) {
      const step = await iterator.next();
      if (step.done) return;
      yield step.value;
    }
  }
  return { head, rest: rest() };
}

/** The uncompressed bytes of a layer blob, refused once more than `maxBytes` came out. */
export async function* decompressed(chunks: AsyncIterable<Uint8Array>, { maxBytes }: { maxBytes: number }): AsyncGenerator<Uint8Array> {
  const { head, rest } = await peek(chunks, ZSTD.length);
  const kind = compressionOf(head);
  const out = kind === 'gzip' ? gunzip(rest) : kind === 'zstd' ? unzstd(rest) : rest;
  let total = 0;
  for await (const chunk of out) {
    total += chunk.length;
    if (total > maxBytes) throw new DecompressError(`The layer holds more than ${maxBytes} bytes uncompressed, more than Berth reads.`);
    yield chunk;
  }
}
