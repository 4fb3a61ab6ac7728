// Listing: a registry's catalog and a repository's tags, a page at a time. A page's cursor is the
// path and query of the registry's own Link (so cursors under any parameter name work, e.g.
// Quay's), checked as every list's is (../paging.ts); a registry that caps page sizes lower than
// Berth asks is asked again for its default. Names that are not valid are counted, not shown.
import { z } from 'zod';
import { RegistryError, badResponse, parseErrorBody } from '../errors';
import { parseNextLink } from '../link';
import { capPageSize, isPageOf, nextPage } from '../paging';
import { isValidRepository, isValidTag, validateRepository } from '../reference';
import type { Target } from '../response-error';
import { CATALOG_SCOPE, repositoryScope } from '../scope';
import { registryUrl, type Connection } from './connection';
import { failure } from './pull-limit';

const MAX_LIST_BYTES = 16 * 1024 * 1024;
const MAX_PAGE_SIZE = 1000;

export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page (pass back as `cursor`), null at the end. */
  next: string | null;
  /** Entries of this page left out because they are not valid names (they would make broken links). */
  invalid: number;
}

const catalogSchema = z.object({ repositories: z.array(z.unknown()).nullable().optional() });
const tagsSchema = z.object({ name: z.string().optional(), tags: z.array(z.unknown()).nullable().optional() });

/** A list answered with something else: most often a web page or a sign-in proxy at the registry's address. */
function unreadableList(host: string, what: Target, why: string): RegistryError {
  return badResponse(
    host,
    `${host} answered the list of ${what.repository ? `tags of ${what.repository}` : 'repositories'} with something that ${why}. Check that ${host} is the registry itself, not a web page or a sign-in proxy in front of it.`,
  );
}

/** The strings of a registry's list that are valid names; the rest are counted, not shown. */
function validNames(list: readonly unknown[] | null | undefined, valid: (name: string) => boolean): { items: string[]; invalid: number } {
  const items: string[] = [];
  let invalid = 0;
  for (const entry of list ?? []) {
    if (typeof entry === 'string' && valid(entry)) items.push(entry);
    else if (entry !== null) invalid++;
  }
  return { items, invalid };
}

/**
 * One page of a list. `cursor` is what the previous page returned as `next`: the path and query
 * of the registry's own Link, or, for callers that start mid-list, a plain `last` value.
 */
async function page(
  c: Connection,
  path: string,
  scopes: string[],
  opts: { n?: number; cursor?: string },
  what: Target,
): Promise<{ body: unknown; next: string | null }> {
  const n = Math.min(Math.max(Math.trunc(opts.n ?? 100), 1), MAX_PAGE_SIZE);
  const fromLink = isPageOf(opts.cursor, path) ? opts.cursor : undefined;
  // A cursor comes from the registry, or from whoever calls Berth: its page size stays within bounds.
  const build = (size: number) =>
    fromLink ? capPageSize(new URL(fromLink, c.baseUrl), 'n', MAX_PAGE_SIZE) : registryUrl(c, path, { n: String(size), last: opts.cursor || undefined });
  let url = build(n);
  let res = await c.auth.send({ url, scopes, maxBytes: MAX_LIST_BYTES, accept: 'application/json' });
  if (res.status === 400 && parseErrorBody(res.body)[0]?.code === 'PAGINATION_NUMBER_INVALID' && n > 100 && !fromLink) {
    // Some registries cap page sizes lower than 1000: fall back to their default size.
    url = build(100);
    res = await c.auth.send({ url, scopes, maxBytes: MAX_LIST_BYTES, accept: 'application/json' });
  }
  if (res.status !== 200) throw failure(c, res, what);
  let body: unknown;
  try {
    body = JSON.parse(res.body.toString('utf8'));
  } catch {
    const page = /^\s*</.test(res.body.subarray(0, 256).toString('utf8')) ? ' (a web page)' : '';
    throw unreadableList(c.host, what, `is not JSON${page}`);
  }
  // A registry that hands back the cursor it was given, or the page just asked, would page forever.
  const next = nextPage(
    parseNextLink(res.headers.get('link'), res.url),
    { origin: res.url.origin, pathname: path },
    [opts.cursor, url.pathname + url.search],
    true,
  );
  if ('refused' in next) {
    throw badResponse(
      c.host,
      next.refused === 'elsewhere'
        ? `${c.host} sent a pagination link to another host (${next.link.host}); Berth does not follow it.`
        : `${c.host} sent a pagination link Berth cannot follow (${next.link.pathname}); the list may be incomplete.`,
    );
  }
  return { body, next: next.next };
}

export async function listRepositories(c: Connection, opts: { n?: number; cursor?: string } = {}): Promise<Page<string>> {
  if (c.traits.listing !== 'catalog') {
    // Docker Hub: its registry has no catalog; its API lists a namespace's repositories (../hub/).
    throw new RegistryError({
      code: 'CATALOG_UNSUPPORTED',
      host: c.host,
      message: `Docker Hub does not list repositories; open one by name (for example ${c.traits.exampleRepository}).`,
    });
  }
  let result;
  try {
    result = await page(c, '/v2/_catalog', [CATALOG_SCOPE], opts, {});
  } catch (e) {
    if (e instanceof RegistryError && ['DENIED', 'UNAUTHORIZED', 'NAME_UNKNOWN', 'UNSUPPORTED', 'MANIFEST_UNKNOWN'].includes(e.code)) {
      if (e.code === 'UNAUTHORIZED' && c.auth.anonymous) throw e; // signing in may help
      const username = c.auth.requester.username;
      throw new RegistryError({
        code: 'CATALOG_UNSUPPORTED',
        upstreamStatus: e.upstreamStatus,
        registryMessage: e.registryMessage,
        host: c.host,
        message: `${c.host} does not list its repositories${username !== undefined ? ` for ${username}` : ''}; open one by name.`,
      });
    }
    throw e;
  }
  const parsed = catalogSchema.safeParse(result.body);
  if (!parsed.success) throw unreadableList(c.host, {}, 'is not a list of repositories');
  return { ...validNames(parsed.data.repositories, isValidRepository), next: result.next };
}

export async function listTags(c: Connection, repository: string, opts: { n?: number; cursor?: string } = {}): Promise<Page<string>> {
  validateRepository(repository);
  const result = await page(c, `/v2/${repository}/tags/list`, [repositoryScope(repository)], opts, { repository });
  const parsed = tagsSchema.safeParse(result.body);
  if (!parsed.success) throw unreadableList(c.host, { repository }, 'is not a list of tags');
  return { ...validNames(parsed.data.tags, isValidTag), next: result.next };
}
