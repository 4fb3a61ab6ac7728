import { RegistryError } from '../registry/errors';

// Berth's answers in flight, bounded in bytes. A JSON answer lives in memory until the browser has
// read it, and a client that asks for large answers and never reads them (a "slow reader") would
// otherwise keep them all: a few dozen such requests once took the server past its memory limit.
// Small answers are sent as they are; large ones reserve their size from a budget for the whole
// server and a smaller one per client, are streamed a piece at a time as the client reads, and
// give the reservation back when the last piece is read or the client has gone. When the budget is
// spent the request is refused at once (BUSY, 503 with Retry-After) rather than queued.

/** Answers up to this size are not counted: they are the tag lists and manifests of everyday browsing. */
export const SMALL_ANSWER_BYTES = 64 * 1024;
const PIECE_BYTES = 64 * 1024;
/** However a client behaves, a reservation ends after this long (the answer's bytes are then the stream's to drop). */
const LONGEST_HOLD_MS = 2 * 60_000;

export class AnswerBudget {
  private used = 0;
  private readonly byClient = new Map<string, number>();

  constructor(
    readonly totalBytes: number,
    readonly perClientBytes: number,
  ) {}

  get inFlight(): number {
    return this.used;
  }

  /** Clients holding a reservation now. */
  get clientsHeld(): number {
    return this.byClient.size;
  }

  /** Reserves `bytes` for `client`: the release, or undefined when the budget has no room. */
  reserve(client: string, bytes: number): (() => void) | undefined {
    const mine = this.byClient.get(client) ?? 0;
    if (this.used + bytes > this.totalBytes || mine + bytes > this.perClientBytes) return undefined;
    this.used += bytes;
    this.byClient.set(client, mine + bytes);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used -= bytes;
      const left = (this.byClient.get(client) ?? bytes) - bytes;
      if (left > 0) this.byClient.set(client, left);
      else this.byClient.delete(client);
    };
  }
}

/**
 * `data` as a JSON response with `headers`. Large bodies are counted against `budget` for
 * `client` while they are in flight, and sent as the client reads them.
 */
export function budgetedJson(data: unknown, init: { headers: Record<string, string>; budget: AnswerBudget; client: string }): Response {
  const bytes = Buffer.from(JSON.stringify(data), 'utf8');
  const headers = { 'content-type': 'application/json', ...init.headers };
  if (bytes.length <= SMALL_ANSWER_BYTES) return new Response(bytes, { headers });
  const release = init.budget.reserve(init.client, bytes.length);
  if (!release) {
    throw new RegistryError({
      code: 'BUSY',
      retryAfter: 5,
      message: 'Berth is sending many large answers right now and did not prepare this one. Try again in a few seconds.',
    });
  }
  const timer = setTimeout(release, LONGEST_HOLD_MS);
  timer.unref?.();
  const done = () => {
    clearTimeout(timer);
    release();
  };
  let offset = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const piece = bytes.subarray(offset, offset + PIECE_BYTES);
        offset += piece.length;
        controller.enqueue(piece);
        if (offset >= bytes.length) {
          controller.close();
          done();
        }
      },
      cancel: done,
    },
    { highWaterMark: 0 },
  );
  return new Response(body, { headers: { ...headers, 'content-length': String(bytes.length) } });
}
