// The one way Berth pages through a list, for a registry (its Link header) and for Docker Hub's API
// (its `next`): a cursor is the path and query of the list's own next link, a page of the same list;
// a page size stays within bounds whoever wrote the cursor; a next link is followed only on the
// list's own origin and path, and never back to a page already read (a list would loop forever).

/** Whether `cursor` is a page of the list at `path` (its path and query), rather than a plain value. */
export function isPageOf(cursor: string | undefined, path: string): cursor is string {
  return cursor?.startsWith(`${path}?`) ?? false;
}

/** Keeps a page size (`param`) within 1 to `max`; `required`: set it when absent too. */
export function capPageSize(url: URL, param: string, max: number, required = false): URL {
  const size = url.searchParams.get(param);
  if ((size !== null || required) && !(Number(size) >= 1 && Number(size) <= max)) url.searchParams.set(param, String(max));
  return url;
}

/** Where a next link leads: the next page's cursor (null: none, or a page already read), or why it is not followed. */
export type NextPage = { next: string | null } | { refused: 'elsewhere' | 'another-list'; link: URL };

/**
 * The cursor of the page a next link leads to. `list` is the list's origin and path; `read`, the
 * cursors already read; `requireQuery`: a link without a query is no page of the list.
 */
export function nextPage(
  link: URL | undefined,
  list: { origin: string; pathname: string },
  read: ReadonlyArray<string | undefined>,
  requireQuery: boolean,
): NextPage {
  if (!link) return { next: null };
  if (link.origin !== list.origin) return { refused: 'elsewhere', link };
  if (link.pathname !== list.pathname || (requireQuery && !link.search)) return { refused: 'another-list', link };
  const next = `${link.pathname}${link.search}`;
  return { next: read.includes(next) ? null : next };
}
