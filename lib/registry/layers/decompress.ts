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

/** Bytes zlib inflates into at a time: four times fewer calls than its default 16 KiB (about three times faster here). */
const INFLATE_CHUNK = 256 * 1024;

async function* gunzip(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const inflate = createGunzip({ chunkSize: INFLATE_CHUNK });
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

/** The largest zstd window Berth decodes: what zstd asks every decoder to support, and what its levels up to 19 and container tools use. */
export const MAX_ZSTD_WINDOW = 8 * 1024 * 1024;
/** zstd blocks a stream may have beyond one per KiB it decompresses to (encoders write blocks of up to 128 KiB). */
const SPARE_ZSTD_BLOCKS = 1000;
/**
 * Bytes of window the decoder may move per byte it yields: an encoder's full blocks (128 KiB)
 * under the largest window (8 MiB) move 64; a stream of small blocks under a large window far more.
 */
const WINDOW_COST_PER_BYTE = 128;
/** Window the decoder may move before its output counts: 64 blocks under the largest window. */
const SPARE_WINDOW_COST = 64 * MAX_ZSTD_WINDOW;
/** Blocks handed to the decoder at once, so that one push yields a few MiB at most (a block yields 128 KiB at most). */
const BLOCKS_PER_PUSH = 32;

const notZstd = (why: string) => new DecompressError(`The layer is not valid zstd: ${why}.`);

/**
 * Walks a zstd stream's frames and blocks as its bytes pass, without decoding them: each frame's
 * window is checked before the decoder sees the frame (the decoder would make room for whatever
 * window a frame names), and the stream is cut at block boundaries for the decoder, a few blocks
 * at a time. Skippable frames are stepped over.
 */
export class ZstdFrames {
  /** Blocks seen so far. */
  blocks = 0;
  /** What the decoder pays for them: each block moves its frame's whole window (bytes, summed). */
  cost = 0;
  private window = 0;
  private field: number[] = [];
  private need = 4;
  private state: 'magic' | 'descriptor' | 'header' | 'block' | 'content' | 'checksum' | 'skippable-size' | 'skip' = 'magic';
  private left = 0;
  private single = false;
  private checksum = false;
  private last = false;
  private sizes = { window: 0, dictionary: 0, content: 0 };

  /**
   * `chunk` cut where the decoder may be handed a piece: after every BLOCKS_PER_PUSH blocks. With
   * each piece, the blocks begun by its end (the stream's so far), which the decoder's output is
   * weighed against once it has decoded that piece.
   */
  split(chunk: Uint8Array): Array<{ bytes: Uint8Array; blocks: number; cost: number }> {
    const pieces: Array<{ bytes: Uint8Array; blocks: number; cost: number }> = [];
    let from = 0;
    let blocksInPiece = 0;
    let at = 0;
    while (at < chunk.length) {
      if (this.state === 'content' || this.state === 'skip') {
        const take = Math.min(this.left, chunk.length - at);
        at += take;
        this.left -= take;
        if (this.left === 0) this.endOfBody();
        continue;
      }
      this.field.push(chunk[at++]!);
      if (this.field.length < this.need) continue;
      const field = this.field;
      this.field = [];
      if (this.state === 'block') {
        blocksInPiece++;
        this.block(field);
        if (blocksInPiece >= BLOCKS_PER_PUSH) {
          pieces.push({ bytes: chunk.subarray(from, at), blocks: this.blocks, cost: this.cost });
          from = at;
          blocksInPiece = 0;
        }
      } else this.header(field);
    }
    if (from < chunk.length) pieces.push({ bytes: chunk.subarray(from), blocks: this.blocks, cost: this.cost });
    return pieces;
  }

  private header(field: number[]): void {
    const le = (bytes: number[]) => bytes.reduce((n, b, i) => n + b * 2 ** (8 * i), 0);
    switch (this.state) {
      case 'magic': {
        const magic = le(field);
        if (magic === 0xfd2fb528) {
          this.state = 'descriptor';
          this.need = 1;
        } else if (magic >>> 4 === 0x184d2a5) {
          this.state = 'skippable-size';
          this.need = 4;
        } else throw notZstd('a frame does not begin as zstd frames do');
        return;
      }
      case 'descriptor': {
        const fhd = field[0]!;
        this.single = (fhd & 0x20) !== 0;
        this.checksum = (fhd & 0x04) !== 0;
        this.sizes.dictionary = [0, 1, 2, 4][fhd & 3]!;
        this.sizes.content = [this.single ? 1 : 0, 2, 4, 8][fhd >> 6]!;
        this.sizes.window = this.single ? 0 : 1;
        this.need = this.sizes.window + this.sizes.dictionary + this.sizes.content;
        this.state = 'header';
        if (this.need === 0) this.startBlocks(0);
        return;
      }
      case 'header': {
        let window: number;
        if (this.single) {
          const size = le(field.slice(this.sizes.dictionary));
          window = this.sizes.content === 2 ? size + 256 : size;
        } else {
          const descriptor = field[0]!;
          const base = 2 ** (10 + (descriptor >> 3));
          window = base + (base / 8) * (descriptor & 7);
        }
        this.startBlocks(window);
        return;
      }
      case 'checksum':
        this.state = 'magic';
        this.need = 4;
        return;
      case 'skippable-size':
        this.left = le(field);
        this.state = 'skip';
        if (this.left === 0) this.endOfBody();
        return;
    }
  }

  private startBlocks(window: number): void {
    this.window = window;
    if (window > MAX_ZSTD_WINDOW) {
      throw new DecompressError(
        `The layer is compressed with a zstd window of ${Math.ceil(window / 1024 / 1024)} MiB; Berth decodes windows of up to ${MAX_ZSTD_WINDOW / 1024 / 1024} MiB.`,
      );
    }
    this.state = 'block';
    this.need = 3;
  }

  private block(field: number[]): void {
    const header = field[0]! | (field[1]! << 8) | (field[2]! << 16);
    this.blocks++;
    this.cost += this.window;
    this.last = (header & 1) === 1;
    const type = (header >> 1) & 3;
    const size = header >>> 3;
    if (type === 3) throw notZstd('a block is of a reserved type');
    this.left = type === 1 ? 1 : size;
    this.state = 'content';
    if (this.left === 0) this.endOfBody();
  }

  private endOfBody(): void {
    if (this.state === 'skip' || (this.state === 'content' && this.last && !this.checksum)) {
      this.state = 'magic';
      this.need = 4;
    } else if (this.state === 'content' && this.last) {
      this.state = 'checksum';
      this.need = 4;
    } else {
      this.state = 'block';
      this.need = 3;
    }
  }
}

async function* unzstd(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let out: Uint8Array[] = [];
  let produced = 0;
  const stream = new Decompress((data) => {
    produced += data.length;
    out.push(data);
  });
  const frames = new ZstdFrames();
  const push = (chunk: Uint8Array, final: boolean, blocks: number, cost: number) => {
    try {
      stream.push(chunk, final);
    } catch (e) {
      throw notZstd(e instanceof Error ? e.message : String(e));
    }
    // A block costs the decoder about the same whatever it holds: a stream of tiny blocks is
    // refused before it costs more than its bytes are worth (the blocks of what was pushed, however
    // the stream came cut).
    if (blocks > SPARE_ZSTD_BLOCKS + produced / 1024) {
      throw new DecompressError(
        `The layer's zstd stream is cut into ${blocks} blocks for ${produced} bytes, far more than encoders write; Berth does not decode it.`,
      );
    }
    // The decoder moves a block's whole window for it: small blocks under a large window cost far
    // more than what they yield (encoders fill their blocks, 128 KiB, so they stay well within).
    if (cost > WINDOW_COST_PER_BYTE * produced + SPARE_WINDOW_COST) {
      throw new DecompressError(
        `The layer's zstd stream asks its decoder to move ${Math.round(cost / 1024 / 1024)} MiB of window for ${produced} bytes, far more than encoders make it; Berth does not decode it.`,
      );
    }
  };
  for await (const chunk of chunks) {
    for (const piece of frames.split(chunk)) {
      push(piece.bytes, false, piece.blocks, piece.cost);
      const ready = out;
      out = [];
      yield* ready;
    }
  }
  push(new Uint8Array(0), true, frames.blocks, frames.cost);
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

export interface DecompressOptions {
  /** Bytes out at most. */
  maxBytes: number;
  /** The compression the bytes are known to have (gzip members cut from an eStargz layer), instead of what their first bytes say. */
  kind?: Compression;
  /** Told what compresses the stream, once its first bytes are in. */
  seen?: (kind: Compression) => void;
}

/** The uncompressed bytes of a layer blob, refused once more than `maxBytes` came out. */
export async function* decompressed(chunks: AsyncIterable<Uint8Array>, { maxBytes, kind: known, seen }: DecompressOptions): AsyncGenerator<Uint8Array> {
  const { head, rest } = await peek(chunks, ZSTD.length);
  const kind = known ?? compressionOf(head);
  seen?.(kind);
  const out = kind === 'gzip' ? gunzip(rest) : kind === 'zstd' ? unzstd(rest) : rest;
  let total = 0;
  for await (const chunk of out) {
    total += chunk.length;
    if (total > maxBytes) throw new DecompressError(`The layer holds more than ${maxBytes} bytes uncompressed, more than Berth reads.`);
    yield chunk;
  }
}
