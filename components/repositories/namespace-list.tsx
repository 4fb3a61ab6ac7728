'use client';

import { useCallback, useId, useMemo, useState } from 'react';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { HubRepositoryEntry } from '@/lib/api/types';
import { DOCKER_HUB } from '@/lib/registry/reference';
import { hrefFor } from '@/lib/route-target';
import {
  DEFAULT_HUB_SORT,
  HUB_SORTS,
  isApiError,
  namespaceQueryOptions,
  normaliseNamespace,
  parseHubSort,
  sessionQueryOptions,
  signedInAs,
  type HubSort,
} from '@/components/data';
import { OpenByName } from '@/components/repositories/open-by-name';
import { signInHref } from '@/lib/sign-in-href';
import { Button, buttonClass } from '@/components/ui/button';
import { ErrorState } from '@/components/ui/error-state';
import { fieldClass, nameInputProps } from '@/components/ui/field';
import { FilterableList, usePaging, type ItemDetails } from '@/components/ui/filterable-list';
import { formatDate, formatRelative } from '@/components/ui/format';
import { ListSkeleton } from '@/components/ui/skeleton';
import { InlineLabel } from '@/components/ui/inline-label';

const HUB_SORT_LABELS: Record<HubSort, string> = { updated: 'Last updated', name: 'Name', pulls: 'Pulls' };

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const exact = new Intl.NumberFormat('en-US');

/** Description, visibility, date, pulls and stars of one repository row. */
function repositoryDetails(r: HubRepositoryEntry | undefined): ItemDetails {
  if (!r) return {};
  const updated = r.lastUpdated ? (
    <time dateTime={r.lastUpdated} title={formatDate(r.lastUpdated)} suppressHydrationWarning>
      {formatRelative(r.lastUpdated)}
    </time>
  ) : (
    'never'
  );
  const pulls = <span title={`${exact.format(r.pullCount)} pulls`}>{compact.format(r.pullCount)} pulls</span>;
  const stars = <span title={`${exact.format(r.starCount)} stars`}>{compact.format(r.starCount)} ★</span>;
  return {
    badge: (
      <span className={`shrink-0 rounded px-1.5 py-0.5 text-[11px] font-medium ${r.isPrivate ? 'bg-warning-soft text-warning-fg' : 'bg-chip text-muted'}`}>
        {r.isPrivate ? 'Private' : 'Public'}
      </span>
    ),
    below: (
      <>
        <p className="truncate text-xs text-muted" title={r.description}>
          {r.description || <span className="text-placeholder">No description</span>}
        </p>
        {/* Phones: the counts go under the description instead of at the row's end. */}
        <p className="truncate text-xs text-faint tabular-nums sm:hidden">
          Updated {updated} · {pulls} · {stars}
        </p>
      </>
    ),
    aside: (
      <dl className="hidden shrink-0 grid-cols-[7rem_6rem_4rem] gap-x-3 text-right text-xs text-muted tabular-nums sm:grid">
        <dt className="sr-only">Last updated</dt>
        <dd>{updated}</dd>
        <dt className="sr-only">Pulls</dt>
        <dd>{pulls}</dd>
        <dt className="sr-only">Stars</dt>
        <dd>{stars}</dd>
      </dl>
    ),
  };
}

/** The box to switch namespace, labelled "Namespace". */
function NamespaceForm({ current, onOpen }: { current: string; onOpen: (namespace: string) => void }) {
  const id = useId();
  const [text, setText] = useState(current);
  const submit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const namespace = normaliseNamespace(text);
    if (namespace) onOpen(namespace);
  };
  return (
    <form className="flex items-center gap-2" onSubmit={submit}>
      <InlineLabel htmlFor={id}>Namespace</InlineLabel>
      <input
        id={id}
        value={text}
        onChange={(event) => setText(event.target.value)}
        placeholder="library"
        {...nameInputProps}
        className={`w-40 min-w-0 px-3 py-1.5 font-mono text-sm placeholder:text-placeholder ${fieldClass}`}
      />
      <Button type="submit" variant="secondary">
        Show
      </Button>
    </form>
  );
}

/** The orders Docker Hub can list a namespace in, as links: the sort is part of the page's link. */
function SortLinks({ sort, hrefFor: href }: { sort: HubSort; hrefFor: (sort: HubSort) => string }) {
  return (
    <nav aria-label="Sort" className="flex items-center gap-1 text-sm">
      <span className="mr-1 font-medium text-fg-soft">Sort</span>
      {HUB_SORTS.map((s) => (
        <Link
          key={s}
          href={href(s)}
          replace
          scroll={false}
          aria-current={s === sort ? 'true' : undefined}
          className={`rounded-md px-2 py-1 ${s === sort ? 'bg-chip font-medium text-fg' : 'text-muted hover:bg-subtle hover:text-fg'}`}
        >
          {HUB_SORT_LABELS[s]}
        </Link>
      ))}
    </nav>
  );
}

/**
 * The page for /docker.io: a namespace's repositories from the Hub API (the signed-in account's
 * own by default, `?namespace=` for any other), in the Hub's order (`?sort=`), with a Filter that
 * reaches every page.
 */
export function HubRepositoryList() {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const asked = normaliseNamespace(searchParams.get('namespace') ?? '');
  const sort = parseHubSort(searchParams.get('sort'));
  const session = useQuery(sessionQueryOptions());
  const username = signedInAs(session.data, DOCKER_HUB);
  // Without a namespace and without signing in there is nothing to ask Docker Hub for.
  const namespaceRequired = asked === '' && session.isSuccess && username === null;
  const query = useInfiniteQuery({ ...namespaceQueryOptions(DOCKER_HUB, asked, sort), enabled: !namespaceRequired });
  const paging = usePaging(query);

  const pages = query.data?.pages;
  const namespace = pages?.[0]?.namespace ?? asked;
  const byName = useMemo(() => new Map((pages ?? []).flatMap((p) => p.repositories).map((r) => [r.name, r])), [pages]);
  const names = useMemo(() => [...byName.keys()], [byName]);
  const details = useCallback((name: string) => repositoryDetails(byName.get(name)), [byName]);

  /** This page's link with `changes` applied; the default sort is left out of it. */
  const linkWith = (changes: { namespace?: string; sort?: HubSort }) => {
    const params = new URLSearchParams(searchParams.toString());
    if (changes.namespace !== undefined) params.set('namespace', changes.namespace);
    if (changes.sort === DEFAULT_HUB_SORT) params.delete('sort');
    else if (changes.sort !== undefined) params.set('sort', changes.sort);
    const search = params.toString();
    return search ? `${pathname}?${search}` : pathname;
  };

  const mine = username !== null && namespace === username.toLowerCase();
  const controls = (
    <div className="mb-4 flex flex-wrap items-center gap-x-6 gap-y-3">
      {/* Keyed by the namespace: one new in the link (Back, a link) starts the box afresh with it. */}
      <NamespaceForm key={namespace} current={namespace} onOpen={(ns) => router.push(linkWith({ namespace: ns }))} />
      <SortLinks sort={sort} hrefFor={(s) => linkWith({ sort: s })} />
      {username && !mine ? (
        <Link href="/docker.io" className={buttonClass('link', { className: 'text-sm' })}>
          Your repositories ({username})
        </Link>
      ) : null}
    </div>
  );

  let body: React.ReactNode;
  if (namespaceRequired || (query.isError && !query.data && isApiError(query.error) && query.error.code === 'NAMESPACE_REQUIRED')) {
    body = (
      <OpenByName host={DOCKER_HUB}>
        Docker Hub lists one namespace at a time: name one above, for example{' '}
        <Link href="/docker.io?namespace=library" className={buttonClass('link')}>
          library
        </Link>{' '}
        (Docker&apos;s official images), or{' '}
        <Link href={signInHref(DOCKER_HUB, '/docker.io')} className={buttonClass('link')}>
          sign in to Docker Hub
        </Link>{' '}
        to see your own.
      </OpenByName>
    );
  } else if (query.isPending) {
    body = <ListSkeleton />;
  } else if (query.isError && !query.data) {
    body = (
      <ErrorState
        error={query.error}
        onRetry={() => void query.refetch()}
        host={DOCKER_HUB}
        title={`Could not list the repositories of ${namespace || 'your namespace'}`}
      />
    );
  } else {
    body = (
      <>
        {session.isSuccess && username === null ? (
          <p className="mb-3 text-sm text-muted">
            Public repositories only.{' '}
            <Link href={signInHref(DOCKER_HUB, `${pathname}?${searchParams.toString()}`)} className={buttonClass('link')}>
              Sign in to Docker Hub
            </Link>{' '}
            to see the private ones you may read.
          </p>
        ) : null}
        <FilterableList
          items={names}
          ordered
          total={pages?.[0]?.count}
          details={details}
          noun={{ one: 'repository', many: 'repositories' }}
          href={(name) => hrefFor({ host: DOCKER_HUB, repository: `${namespace}/${name}` })}
          paging={paging}
          host={DOCKER_HUB}
          emptyMessage={`${namespace} has no repositories you can see, or there is no such namespace on Docker Hub.`}
        />
      </>
    );
  }

  return (
    <div>
      {controls}
      {body}
    </div>
  );
}
