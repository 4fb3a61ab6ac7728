// Docker Hub's API (hub.docker.com): what Docker Hub's registry does not serve — the repositories
// of a namespace, and each tag's digest, size, date and platforms in one list. Its requests go
// through the API's sign-in (../auth/hub-login.ts: the token cache, the wait after a 429), its
// failures through ../response-error.ts, its pages through ../paging.ts. The facts this relies on
// are in docs/protocol.md ("Docker Hub").
import type { Credentials, RegistryContext, RequestScope } from '../context';
import { HubLogin } from '../auth/hub-login';
import { RegistryError, badResponse } from '../errors';
import type { HttpResponse } from '../net/http';
import type { Transport } from '../net/transport';
import { capPageSize, isPageOf, nextPage } from '../paging';
import { DOCKER_HUB, InvalidReferenceError, isValidRepository, isValidTag, validateRepository, validateTag } from '../reference';
import { hubApiError, type HubTarget } from '../response-error';
import type { ManifestSummary } from '../summary';
import { count, date, pageSchema, repositorySchema, summariseHubImages, summariseHubTag, tagSchema } from './summaries';

/** The most the Hub API gives in one page (it silently caps larger sizes). */
export const HUB_PAGE_SIZE = 100;
const MAX_HUB_BODY = 8 * 1024 * 1024;

/** How a namespace's repositories can be ordered; the Hub API sorts, so each order is its own list. */
export const HUB_ORDERINGS = ['last_updated', 'name', 'pull_count'] as const;
export type HubOrdering = (typeof HUB_ORDERINGS)[number];
/** Newest and most pulled first, names A to Z. */
const ORDERING_PARAM: Record<HubOrdering, string> = { last_updated: '-last_updated', name: 'name', pull_count: '-pull_count' };

export interface HubClientOptions {
  /** The Hub API's base URL ("https://hub.docker.com"). */
  apiUrl: URL;
  credentials?: Credentials;
  context: RegistryContext;
  /** Defaults to the network, following redirects; tests pass a stub. */
  transport?: Transport;
  /** Whose requests these are (see RequestScope). */
  scope?: RequestScope;
}

export interface HubRepository {
  namespace: string;
  name: string;
  description: string;
  isPrivate: boolean;
  pullCount: number;
  starCount: number;
  lastUpdated?: string;
}

export interface HubTag {
  name: string;
  /** What the tag points at, from the Hub's own data; absent when Hub sent too little (no digest). */
  summary?: ManifestSummary;
  /** An index's entries (attestations included), each summarised by its digest (getTag only). */
  images?: ManifestSummary[];
}

export interface HubPage<T> {
  items: T[];
  /** Opaque cursor for the next page (pass back as `cursor`), null at the end. */
  next: string | null;
  /** How many the Hub says the whole list holds. */
  count?: number;
  /** Entries left out because their names are not valid (they would make broken links). */
  invalid: number;
}

/** A Docker Hub namespace: a user or organisation name, or `library`. */
function validateNamespace(namespace: string): string {
  if (namespace.includes('/'))
    throw new InvalidReferenceError('repository', namespace, `The namespace "${namespace}" is invalid: a namespace is one name, without '/'.`);
  validateRepository(namespace);
  return namespace;
}

/** NAMESPACE/NAME: Docker Hub's repositories have exactly two components. */
function splitRepository(repository: string): { namespace: string; name: string } {
  validateRepository(repository);
  const [namespace = '', name, ...rest] = repository.split('/');
  if (name === undefined || rest.length > 0) {
    throw new RegistryError({
      code: 'NAME_UNKNOWN',
      host: DOCKER_HUB,
      message: `The repository ${repository} does not exist on Docker Hub: its repositories are named NAMESPACE/NAME.`,
    });
  }
  return { namespace, name };
}

export class HubClient {
  readonly apiUrl: URL;
  private readonly login: HubLogin;

  constructor(options: HubClientOptions) {
    this.login = new HubLogin(options);
    this.apiUrl = this.login.apiUrl;
  }

  get anonymous(): boolean {
    return this.login.anonymous;
  }

  /** The signed-in Docker ID (or organisation), whose namespace is "mine". */
  get username(): string | undefined {
    return this.login.username;
  }

  /** Sign-in check: the credentials at the Hub API (nothing to check anonymously). */
  verify(): Promise<void> {
    return this.login.verify();
  }

  private failure(res: HttpResponse, what: HubTarget): RegistryError {
    return hubApiError(res, !this.login.anonymous, what);
  }

  /**
   * One page of a Hub list. `cursor` is what the previous page returned as `next`: the path and
   * query of the Hub's own absolute `next` link, after checking that it points back at the same
   * list on the same API.
   */
  private async page(path: string, query: Record<string, string>, cursor: string | undefined, what: HubTarget) {
    let url: URL;
    if (cursor) {
      if (!isPageOf(cursor, this.login.url(path).pathname))
        throw new RegistryError({ code: 'INVALID_REQUEST', message: 'That page cursor is not one of this Docker Hub list; reload the list.' });
      url = capPageSize(new URL(cursor, this.apiUrl), 'page_size', HUB_PAGE_SIZE, true);
    } else {
      url = this.login.url(path, { page_size: String(HUB_PAGE_SIZE), ...query });
    }
    const res = await this.login.send(url, MAX_HUB_BODY);
    if (res.status !== 200) throw this.failure(res, what);
    let parsed;
    try {
      parsed = pageSchema.parse(JSON.parse(res.body.toString('utf8')));
    } catch {
      throw badResponse(DOCKER_HUB, "Docker Hub's API sent a list Berth cannot read.");
    }
    let link: URL | undefined;
    if (parsed.next) {
      try {
        link = new URL(parsed.next);
      } catch {
        throw badResponse(DOCKER_HUB, "Docker Hub's API sent a next-page link that is not a URL; the list may be incomplete.");
      }
    }
    // The link is absolute: it must lead to the same list on the same API, nowhere else.
    const next = nextPage(link, { origin: this.apiUrl.origin, pathname: url.pathname }, [`${url.pathname}${url.search}`], false);
    if ('refused' in next)
      throw badResponse(
        DOCKER_HUB,
        `Docker Hub's API sent a next-page link to another address (${next.link.host}${next.link.pathname}); Berth does not follow it.`,
      );
    return { results: parsed.results ?? [], next: next.next, count: count(parsed.count) };
  }

  /** A namespace's repositories, private ones included for their owners, 100 a page. */
  async listRepositories(namespace: string, opts: { ordering?: HubOrdering; cursor?: string } = {}): Promise<HubPage<HubRepository>> {
    validateNamespace(namespace);
    const ordering = ORDERING_PARAM[opts.ordering ?? 'last_updated'];
    const page = await this.page(`/v2/namespaces/${namespace}/repositories`, { ordering }, opts.cursor, { namespace });
    const items: HubRepository[] = [];
    let invalid = 0;
    for (const entry of page.results) {
      const r = repositorySchema.safeParse(entry);
      const repoNamespace = r.success ? (r.data.namespace ?? namespace) : '';
      if (!r.success || repoNamespace !== namespace || r.data.name.includes('/') || !isValidRepository(`${repoNamespace}/${r.data.name}`)) {
        invalid++;
        continue;
      }
      const repository: HubRepository = {
        namespace,
        name: r.data.name,
        description: (r.data.description ?? '').slice(0, 500),
        isPrivate: r.data.is_private === true,
        pullCount: count(r.data.pull_count) ?? 0,
        starCount: count(r.data.star_count) ?? 0,
      };
      const updated = date(r.data.last_updated);
      if (updated) repository.lastUpdated = updated;
      items.push(repository);
    }
    return { items, next: page.next, ...(page.count !== undefined ? { count: page.count } : {}), invalid };
  }

  /** A repository's tags, newest first, each with what it points at: one request per 100 tags. */
  async listTags(repository: string, opts: { cursor?: string } = {}): Promise<HubPage<HubTag>> {
    const { namespace, name } = splitRepository(repository);
    const page = await this.page(`/v2/namespaces/${namespace}/repositories/${name}/tags`, {}, opts.cursor, { repository });
    const items: HubTag[] = [];
    let invalid = 0;
    for (const entry of page.results) {
      const t = tagSchema.safeParse(entry);
      if (!t.success || !isValidTag(t.data.name)) {
        invalid++;
        continue;
      }
      const summary = summariseHubTag(t.data);
      items.push(summary ? { name: t.data.name, summary } : { name: t.data.name });
    }
    return { items, next: page.next, ...(page.count !== undefined ? { count: page.count } : {}), invalid };
  }

  /** One tag, as the tag list describes it (for a row whose tag arrived without details). */
  async getTag(repository: string, tag: string): Promise<HubTag> {
    const { namespace, name } = splitRepository(repository);
    validateTag(tag);
    const res = await this.login.send(this.login.url(`/v2/namespaces/${namespace}/repositories/${name}/tags/${tag}`), MAX_HUB_BODY);
    if (res.status !== 200) throw this.failure(res, { repository, tag });
    let parsed;
    try {
      parsed = tagSchema.parse(JSON.parse(res.body.toString('utf8')));
    } catch {
      throw badResponse(DOCKER_HUB, `Docker Hub's API sent a description of ${repository}:${tag} Berth cannot read.`);
    }
    const summary = summariseHubTag(parsed);
    const images = summary?.kind === 'index' ? summariseHubImages(parsed) : [];
    return { name: tag, ...(summary ? { summary } : {}), ...(images.length ? { images } : {}) };
  }
}
