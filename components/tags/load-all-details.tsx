'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Button } from '@/components/ui/button';
import { Notice } from '@/components/ui/notice';
import { formatCount, plural } from '@/components/ui/format';
import { ProgressBar } from '@/components/ui/progress-bar';
import { DETAILS_BATCH, readDetails, seedDetails } from '@/components/data';
import { SORT_LABELS, type TagSort } from './tag-order';

/** Batches in flight at once while loading every tag's details (the server bounds the registry's share). */
const IN_FLIGHT = 2;

export interface LoadAll {
  running: boolean;
  done: number;
  total: number;
  failed: number;
  start: (tags: readonly string[]) => void;
  cancel: () => void;
}

/** Loads the details of many tags, a few batches at a time, with progress and a way to stop. */
export function useLoadAll(host: string, repository: string): LoadAll {
  const queryClient = useQueryClient();
  const [progress, setProgress] = useState({ running: false, done: 0, total: 0, failed: 0 });
  const current = useRef<AbortController | null>(null);

  const start = useCallback(
    (tags: readonly string[]) => {
      current.current?.abort();
      const controller = new AbortController();
      current.current = controller;
      const list = [...tags];
      setProgress({ running: true, done: 0, total: list.length, failed: 0 });
      // One batch of tags per request, a few at a time; each answer fills the rows' own queries.
      const batch = async (refs: string[]): Promise<number> => {
        try {
          const body = await readDetails(queryClient, { host, repository, ref: refs }, controller.signal);
          seedDetails(queryClient, host, repository, body.details);
          return body.details.filter((d) => 'error' in d).length;
        } catch {
          return refs.length;
        }
      };
      // A few batches in flight at all times: each one answered, the next is sent (waiting for a
      // whole wave would leave the registry idle while its slowest batch finishes).
      const batches = Array.from({ length: Math.ceil(list.length / DETAILS_BATCH) }, (_, k) => list.slice(k * DETAILS_BATCH, (k + 1) * DETAILS_BATCH));
      let next = 0;
      let done = 0;
      let failed = 0;
      const worker = async (): Promise<void> => {
        while (next < batches.length && !controller.signal.aborted) {
          const refs = batches[next++] ?? [];
          const failures = await batch(refs);
          if (controller.signal.aborted) return;
          done += refs.length;
          failed += failures;
          setProgress({ running: done < list.length, done, total: list.length, failed });
        }
      };
      void Promise.all(Array.from({ length: Math.min(IN_FLIGHT, batches.length) }, worker)).then(() => {
        if (!controller.signal.aborted) setProgress({ running: false, done, total: list.length, failed });
      });
    },
    [queryClient, host, repository],
  );

  // Cancel aborts the requests in flight too: the server stops working on them.
  const cancel = useCallback(() => {
    current.current?.abort();
    setProgress((p) => ({ ...p, running: false }));
  }, []);

  // Leaving the page stops the loading.
  useEffect(() => () => current.current?.abort(), []);

  return { ...progress, start, cancel };
}

interface LoadAllDetailsProps {
  sort: TagSort;
  /** Tags whose details are known. */
  known: number;
  total: number;
  state: LoadAll;
  onStart: () => void;
}

/** Sorting by date or size needs every tag's details: say how many are known, offer to load the rest. */
export function LoadAllDetails({ sort, known, total, state, onStart }: LoadAllDetailsProps) {
  const order = SORT_LABELS[sort].toLowerCase();
  if (state.running) {
    return (
      <Notice className="flex flex-wrap items-center gap-3">
        <span>Loading tag details for “{order}”…</span>
        <ProgressBar label="Tag details loaded" done={state.done} total={state.total} />
        <span className="text-muted tabular-nums">
          {formatCount(state.done)} / {formatCount(state.total)}
        </span>
        <Button variant="secondary" onClick={state.cancel}>
          Cancel
        </Button>
      </Notice>
    );
  }
  return (
    <Notice className="flex flex-wrap items-center gap-3">
      <span>
        Sorted “{order}” by the {formatCount(known)} of {formatCount(total)} tags whose details are loaded; the others follow by name. The whole order needs the
        details of {plural(total - known, 'more tag', 'more tags')}, a registry request each.
        {state.failed > 0 ? ` ${formatCount(state.failed)} could not be read.` : ''}
      </span>
      <Button variant="secondary" onClick={onStart}>
        Load all details
      </Button>
    </Notice>
  );
}
