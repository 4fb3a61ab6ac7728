'use client';

import { useEffect, useId, useRef, useState } from 'react';
import { useRouter } from 'next/navigation';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ManifestBody } from '@/lib/api/types';
import { traitsOf } from '@/lib/registry/traits';
import { hrefFor } from '@/lib/route-target';
import { ApiError, deleteReference, deletionCheckOptions, keys, manifestQueryOptions } from '@/components/data';
import { Button } from '@/components/ui/button';
import { ErrorState } from '@/components/ui/error-state';
import { fieldClass, nameInputProps } from '@/components/ui/field';
import { formatCount, plural, shortDigest } from '@/components/ui/format';
import { Notice } from '@/components/ui/notice';
import { ProgressBar } from '@/components/ui/progress-bar';
import { forgetDeleted, listAllTags, scanTags, type Deleted, type TagScanResult } from './scan';

// Deleting, as docs/protocol.md ("Deleting") explains it: most registries delete a manifest by
// digest and every tag on it goes too, so the dialog finds those tags first and names them all;
// where the registry deletes a tag alone, only that tag goes.

/** Above this many tags the dialog shows how far its search has got. */
const PROGRESS_FROM = 100;

interface DeleteProps {
  host: string;
  repository: string;
  /** The tag the view was opened by; undefined on a digest view. */
  tag?: string;
  manifest: ManifestBody;
}

/**
 * The Delete button of a tag or digest view (`reference`: the tag or digest it was opened by),
 * once the view has its manifest, where deleting can work: not on Docker Hub (its registry API
 * does not delete), nor on a registry that said in this tab that deletion is off.
 */
export function DeleteButton({ reference, ...props }: Omit<DeleteProps, 'manifest'> & { reference: string }) {
  const [open, setOpen] = useState(false);
  const off = useQuery({ queryKey: keys.deletionOff(props.host), queryFn: () => false, enabled: false, staleTime: Infinity });
  // The view's own query: read here, never asked again.
  const manifest = useQuery(manifestQueryOptions(props.host, props.repository, reference)).data;
  if (!manifest || !traitsOf(props.host).deletes || off.data === true) return null;
  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Delete
      </Button>
      {open ? <DeleteDialog {...props} manifest={manifest} onClose={() => setOpen(false)} /> : null}
    </>
  );
}

type Scan =
  | { phase: 'listing' }
  | { phase: 'checking'; done: number; total: number }
  | { phase: 'done'; result: TagScanResult; total: number }
  | { phase: 'failed'; error: unknown };

/** The repository's tags on `digest`, looked up afresh when `enabled`; `attempt` starts again. */
function useTagsOn(host: string, repository: string, digest: string, enabled: boolean, attempt: number): Scan {
  const queryClient = useQueryClient();
  const [scan, setScan] = useState<Scan>({ phase: 'listing' });
  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    void (async () => {
      try {
        setScan({ phase: 'listing' });
        const tags = await listAllTags(queryClient, host, repository, controller.signal);
        setScan({ phase: 'checking', done: 0, total: tags.length });
        const progress = (done: number) => setScan({ phase: 'checking', done, total: tags.length });
        const result = await scanTags(queryClient, host, repository, tags, digest, progress, controller.signal);
        setScan({ phase: 'done', result, total: tags.length });
      } catch (error) {
        if (!controller.signal.aborted) setScan({ phase: 'failed', error });
      }
    })();
    return () => controller.abort();
  }, [queryClient, host, repository, digest, enabled, attempt]);
  return scan;
}

function TagNames({ tags, current }: { tags: string[]; current?: string }) {
  return (
    <ul aria-label="Tags that will disappear" className="max-h-48 space-y-1 overflow-y-auto rounded-md border border-border bg-subtle p-2">
      {tags.map((t) => (
        <li key={t} className="font-mono text-xs break-all">
          {t}
          {t === current ? <span className="font-sans text-faint"> (this tag)</span> : null}
        </li>
      ))}
    </ul>
  );
}

function DeleteDialog({ host, repository, tag, manifest, onClose }: DeleteProps & { onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const confirmId = useId();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [typed, setTyped] = useState('');
  const [attempt, setAttempt] = useState(0);
  const digest = manifest.digest;

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);

  const check = useQuery(deletionCheckOptions(host, repository));
  const alone = tag !== undefined && check.data?.deletes === 'tag';
  const scan = useTagsOn(host, repository, digest, check.isSuccess && !alone, attempt);
  const going = alone ? [tag] : scan.phase === 'done' ? scan.result.on : [];
  const needsTyping = going.length >= 2;

  const mutation = useMutation({
    mutationFn: () => deleteReference(host, repository, alone ? tag : digest),
    onSuccess: async (body) => {
      // A registry may remove the whole manifest with the tag after all: then say so.
      const deleted: Deleted = alone
        ? { tags: [tag], ...(body.manifest && !body.manifest.kept ? { manifestGone: body.manifest.digest } : {}) }
        : { digest, tags: going };
      router.push(hrefFor({ host, repository }));
      await forgetDeleted(queryClient, host, repository, deleted);
    },
  });

  const close = () => {
    // A registry that has deletion off keeps it off: no Delete button on its views from now on.
    if (check.error instanceof ApiError && check.error.code === 'UNSUPPORTED') queryClient.setQueryData(keys.deletionOff(host), true);
    onClose();
  };

  const ready =
    check.isSuccess && (alone || scan.phase === 'done') && (!needsTyping || typed.trim() === repository) && !mutation.isPending && !mutation.isSuccess;
  const what = tag !== undefined ? `${repository}:${tag}` : `${repository}@${shortDigest(digest)}`;

  return (
    <dialog
      ref={dialog}
      aria-labelledby={titleId}
      onClose={close}
      className="m-auto max-h-[calc(100dvh-2rem)] w-[min(36rem,calc(100vw-2rem))] overflow-y-auto rounded-lg border border-border bg-surface p-0 text-fg shadow-xl backdrop:bg-black/50"
    >
      <form
        method="dialog"
        className="space-y-4 p-5"
        onSubmit={(event) => {
          event.preventDefault();
          if (ready) mutation.mutate();
        }}
      >
        <h2 id={titleId} className="text-lg font-semibold break-all">
          Delete {what}?
        </h2>

        {check.isPending ? (
          <p role="status" className="text-sm text-muted">
            Checking that you may delete in {repository}…
          </p>
        ) : check.isError ? (
          <ErrorState error={check.error} host={host} title="Berth cannot delete this" onRetry={() => void check.refetch()} />
        ) : alone ? (
          <p className="text-sm">
            {host} deletes a tag alone: only the tag <code className="font-mono">{tag}</code> disappears. The manifest{' '}
            <code className="font-mono" title={digest}>
              {shortDigest(digest)}
            </code>{' '}
            stays, reachable by its digest and any other tag on it.
          </p>
        ) : (
          <WhatGoes scan={scan} host={host} digest={digest} tag={tag} manifest={manifest} onRetry={() => setAttempt((n) => n + 1)} />
        )}

        {needsTyping ? (
          <div className="space-y-1">
            <label htmlFor={confirmId} className="block text-sm font-medium text-fg-soft">
              Type <span className="font-mono">{repository}</span> to confirm
            </label>
            <input
              id={confirmId}
              value={typed}
              onChange={(event) => setTyped(event.target.value)}
              {...nameInputProps}
              className={`w-full px-3 py-1.5 font-mono text-sm ${fieldClass}`}
            />
          </div>
        ) : null}

        {mutation.isError ? <ErrorState error={mutation.error} host={host} title="Could not delete" /> : null}

        {check.isSuccess ? <p className="text-xs text-faint">The registry frees the storage only when its garbage collection runs.</p> : null}

        <div className="flex flex-wrap justify-end gap-2">
          <Button variant="secondary" onClick={() => dialog.current?.close()} autoFocus>
            Cancel
          </Button>
          <Button type="submit" variant="danger" disabled={!ready} className="disabled:cursor-not-allowed">
            {mutation.isPending || mutation.isSuccess ? 'Deleting…' : 'Delete permanently'}
          </Button>
        </div>
      </form>
    </dialog>
  );
}

interface WhatGoesProps {
  scan: Scan;
  host: string;
  digest: string;
  tag?: string;
  manifest: ManifestBody;
  onRetry: () => void;
}

/** Deleting by digest: the manifest, and every tag found on it. */
function WhatGoes({ scan, host, digest, tag, manifest, onRetry }: WhatGoesProps) {
  if (scan.phase === 'failed') {
    return <ErrorState error={scan.error} host={host} title="Could not find the tags on this digest" onRetry={onRetry} />;
  }
  if (scan.phase !== 'done') {
    const counting = scan.phase === 'checking' ? `${formatCount(scan.done)} of ${plural(scan.total, 'tag', 'tags')} checked` : 'listing tags';
    return (
      <div role="status" className="space-y-2 text-sm text-muted">
        <p>
          {host} deletes by digest: every tag on {shortDigest(digest)} goes with it. Looking for them ({counting})…
        </p>
        {scan.phase === 'checking' && scan.total > PROGRESS_FROM ? (
          <ProgressBar label="Tags checked" done={scan.done} total={scan.total} className="w-full" />
        ) : null}
      </div>
    );
  }
  const { on, inIndex, unknown } = scan.result;
  const platforms = manifest.kind === 'index' ? manifest.manifests.filter((m) => m.attestationFor === undefined).length : 0;
  return (
    <div className="space-y-3 text-sm">
      <p>
        {host} deletes by digest. This disappears: the manifest <code className="font-mono text-xs break-all">{digest}</code>
        {on.length === 0 ? ', which no tag points at.' : <> and {on.length === 1 ? 'its tag:' : `all ${on.length} of its tags:`}</>}
      </p>
      {on.length > 0 ? <TagNames tags={on} current={tag} /> : null}
      {platforms > 0 ? (
        <p className="text-muted">The {plural(platforms, 'platform image', 'platform images')} this index lists are not deleted with it.</p>
      ) : null}
      {inIndex.length > 0 ? (
        <Notice tone="warning">
          {plural(inIndex.length, 'tag points', 'tags point')} at a multi-platform index that lists this image ({inIndex.slice(0, 5).join(', ')}
          {inIndex.length > 5 ? '…' : ''}): after deleting it, pulling this platform through {inIndex.length === 1 ? 'it' : 'them'} fails.
        </Notice>
      ) : null}
      {unknown.length > 0 ? (
        <Notice tone="warning">
          {plural(unknown.length, 'tag', 'tags')} could not be checked ({unknown.slice(0, 5).join(', ')}
          {unknown.length > 5 ? '…' : ''}): {unknown.length === 1 ? 'it' : 'they'} may point at this digest and disappear too.
        </Notice>
      ) : null}
    </div>
  );
}
