// Long work several people may wait for at once (reading a layer blob): one run per key, however
// many ask; how far it has got, for everyone waiting to see; stopped as soon as the last of them
// has gone (closed the page, pressed Cancel), and not before.
import { RegistryError } from './errors';

/** How far a run has got: units done (bytes read) of `total`, when that is known. */
export interface Progress<F = unknown> {
  done: number;
  total?: number;
  /** What the run has found so far, where it can show it (a layer's entries as they are read). */
  found?: readonly F[];
}

interface Run<T, F> {
  promise: Promise<T>;
  controller: AbortController;
  waiters: number;
  progress: Progress<F>;
}

const cancelled = () => new RegistryError({ code: 'CANCELLED', message: 'The request was cancelled.' });

export class SharedWork<T, F = unknown> {
  private readonly runs = new Map<string, Run<T, F>>();

  /**
   * Waits for the run of `key`, started with `start` if none is running. `start` gets the run's
   * own signal (aborted when every waiter has gone) and its progress to move on. `signal` is this
   * waiter's: when it aborts, this waiter stops waiting (CANCELLED). A failure reaches every
   * waiter when `shared(failure)` says it is the same for all of them (the content is broken);
   * otherwise those who did not start the run start their own.
   */
  join(
    key: string,
    start: (signal: AbortSignal, progress: Progress<F>) => Promise<T>,
    options: { signal?: AbortSignal; total?: number; shared?: (e: unknown) => boolean } = {},
  ): Promise<T> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(cancelled());
    let run = this.runs.get(key);
    const starter = run === undefined;
    if (run === undefined) {
      const controller = new AbortController();
      const progress: Progress<F> = options.total !== undefined ? { done: 0, total: options.total } : { done: 0 };
      const begun: Run<T, F> = { controller, waiters: 0, progress, promise: Promise.resolve().then(() => start(controller.signal, progress)) };
      const forget = () => {
        if (this.runs.get(key) === begun) this.runs.delete(key);
      };
      begun.promise.then(forget, forget);
      this.runs.set(key, begun);
      run = begun;
    }
    const joined = run;
    joined.waiters++;
    return new Promise<T>((resolve, reject) => {
      let waiting = true;
      const leave = () => {
        if (!waiting) return false;
        waiting = false;
        signal?.removeEventListener('abort', onAbort);
        joined.waiters--;
        return true;
      };
      const onAbort = () => {
        if (!leave()) return;
        if (joined.waiters === 0) {
          // Nobody waits any more: stop reading, and let whoever asks next start afresh.
          if (this.runs.get(key) === joined) this.runs.delete(key);
          joined.controller.abort();
        }
        reject(cancelled());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      joined.promise.then(
        (value) => {
          if (leave()) resolve(value);
        },
        (e: unknown) => {
          if (!leave()) return;
          if (starter || options.shared?.(e)) reject(e);
          else this.join(key, start, options).then(resolve, reject);
        },
      );
    });
  }

  /** How far the run of `key` has got, while one runs. */
  progress(key: string): Progress<F> | undefined {
    const run = this.runs.get(key);
    return run ? { ...run.progress } : undefined;
  }

  /** Runs going on now. */
  get running(): number {
    return this.runs.size;
  }
}
