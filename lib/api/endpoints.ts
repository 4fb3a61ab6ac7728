// Berth's HTTP API, one row per endpoint: its method and path, the query it reads (a zod schema:
// the route handler parses its request with it, the browser writes its URLs from it) and the type
// of the body it answers (./types.ts). Pure and browser-safe: zod's small build, nothing of Node.
import * as z from 'zod/mini';
import { RegistryError } from '../registry/errors';
import type { HubOrdering } from '../registry/hub';
import type {
  DeletedBody,
  DeletionBody,
  DetailsBody,
  DiagnosisBody,
  DocumentBody,
  FileBody,
  FilesBody,
  FilesDiffBody,
  FilesProgressBody,
  HubRepositoriesBody,
  ImageConfigBody,
  ManifestBody,
  PullLimitBody,
  ReferrersBody,
  RepositoriesBody,
  SessionBody,
  SignInBody,
  TagsBody,
} from './types';

// ---- query parameters ---------------------------------------------------------------------------

/** Every value a parameter was sent with, in order (`ref=a&ref=b`): what a row's schema reads. */
const sent = z.array(z.string());

/** The issue of a required parameter that is missing: the row's `what` names them all in one sentence. */
const MISSING = 'missing';

function refuse(ctx: z.core.ParsePayload, input: unknown, message: string): never {
  ctx.issues.push({ code: 'custom', message, input });
  return z.NEVER as never;
}

/** The parameters a row may read, each from every value it was sent with. */
export const param = {
  /** The first value; an empty one is no value. `max` cuts it to that many characters. */
  text: (max?: number) =>
    z.pipe(
      sent,
      z.transform((v: string[]) => (v[0] ? v[0].slice(0, max) : undefined)),
    ),
  /** The first value, which must be there and not empty. */
  required: () =>
    z.pipe(
      sent,
      z.transform((v: string[], ctx) => v[0] || refuse(ctx, v, MISSING)),
    ),
  /** One of `values`, or absent (undefined); anything else is refused with `message`. */
  oneOf: <const V extends string>(values: readonly V[], message: string) =>
    z.pipe(
      sent,
      z.transform((v: string[], ctx): V | undefined => {
        if (!v[0]) return undefined;
        return values.includes(v[0] as V) ? (v[0] as V) : refuse(ctx, v, message);
      }),
    ),
  /** One of `values`, which must be there; anything else is refused with `message`. */
  requiredOneOf: <const V extends string>(values: readonly V[], message: string) =>
    z.pipe(
      sent,
      z.transform((v: string[], ctx): V => {
        if (!v[0]) return refuse(ctx, v, MISSING);
        return values.includes(v[0] as V) ? (v[0] as V) : refuse(ctx, v, message);
      }),
    ),
  /** Every non-empty value of a repeated parameter: at least one (`what` completes "Name …"), at most `max`. */
  list: (name: string, max: number, what: string) =>
    z.pipe(
      sent,
      z.transform((v: string[], ctx) => {
        const values = v.filter(Boolean);
        if (values.length === 0) return refuse(ctx, v, `Name ${what}.`);
        if (values.length > max) return refuse(ctx, v, `Ask for at most ${max} ${name} values at once.`);
        return values;
      }),
    ),
  /** A page size: a positive whole number, at most `max` (larger asks get `max`); absent is undefined. */
  count: (max: number) =>
    z.pipe(
      sent,
      z.transform((v: string[], ctx) => {
        if (!v[0]) return undefined;
        const n = Number(v[0]);
        if (!Number.isInteger(n) || n < 1) return refuse(ctx, v, 'n must be a positive whole number.');
        return Math.min(n, max);
      }),
    ),
  /** A number from 1 to `max` (a layer's); absent is undefined, anything else refused. */
  ordinal: (name: string, max: number) =>
    z.pipe(
      sent,
      z.transform((v: string[], ctx) => {
        if (!v[0]) return undefined;
        const n = Number(v[0]);
        return Number.isInteger(n) && n >= 1 && n <= max ? n : refuse(ctx, v, `${name} must be a whole number from 1 to ${max}.`);
      }),
    ),
  /** `1` is yes; anything else, or nothing, is no. */
  flag: () =>
    z.pipe(
      sent,
      z.transform((v: string[]) => (v[0] === '1' ? (true as const) : undefined)),
    ),
};

// ---- rows ---------------------------------------------------------------------------------------

type Method = 'GET' | 'POST' | 'DELETE';

export interface Endpoint<Path extends string = string, Query extends z.ZodMiniObject = z.ZodMiniObject, Body = unknown> {
  readonly method: Method;
  /** As in app/api; `{host}` is the registry's host, percent-encoded. */
  readonly path: Path;
  readonly query: Query;
  /** Completes "Name …" in the 400 answered when a required parameter is missing. */
  readonly what?: string;
  /** Type only: the body a successful answer carries. */
  readonly answers?: Body;
}

/** The query of an endpoint that reads none. */
const NO_QUERY = z.object({});

/** A row answering `Body`: `row<TagsBody>()({ … })`. */
const row =
  <Body>() =>
  <const Path extends string, Query extends z.ZodMiniObject = typeof NO_QUERY>(definition: {
    method: Method;
    path: Path;
    query?: Query;
    what?: string;
  }): Endpoint<Path, Query, Body> => ({ ...definition, query: definition.query ?? (NO_QUERY as Query) });

/** The orderings Docker Hub's API lists a namespace in (the same list as lib/registry/hub/, which is not browser-safe). */
export const HUB_ORDERINGS = ['last_updated', 'name', 'pull_count'] as const satisfies readonly HubOrdering[];

/** The highest layer number a files request may name (an image has at most this many layers). */
export const MAX_LAYER_NUMBER = 128;

/** How many tags or digests one details request may name. */
export const MAX_DETAILS_PER_REQUEST = 100;

/** POST /api/session/registries: the sign-in form, three short fields. */
export const signInRequest = z.object({
  registry: z.string().check(z.maxLength(300)),
  username: z._default(z.string().check(z.maxLength(256)), ''),
  password: z._default(z.string().check(z.maxLength(8192)), ''),
});

const registry = (resource: string) => `/api/registries/{host}/${resource}` as const;

/** A manifest's endpoints read a repository and a tag or digest in it. */
const byReference = z.object({ repository: param.required(), reference: param.required() });

export const endpoints = {
  /** For load balancers and probes: answers as soon as the server serves requests. */
  health: row<{ status: 'ok' }>()({ method: 'GET', path: '/api/health' }),
  session: row<SessionBody>()({ method: 'GET', path: '/api/session' }),
  /** Same-origin only: sign out of every registry. */
  signOutOfAll: row<SessionBody>()({ method: 'DELETE', path: '/api/session' }),
  /** Same-origin only; the request is a JSON body (`signInRequest`). */
  signIn: row<SignInBody>()({ method: 'POST', path: '/api/session/registries' }),
  /** Same-origin only: sign out of one registry. */
  signOut: row<SessionBody>()({ method: 'DELETE', path: '/api/session/registries/{host}' }),
  repositories: row<RepositoriesBody>()({
    method: 'GET',
    path: registry('repositories'),
    query: z.object({ cursor: param.text(), n: param.count(1000) }),
  }),
  /** Docker Hub: a namespace's repositories (no namespace: the signed-in account's own). */
  namespace: row<HubRepositoriesBody>()({
    method: 'GET',
    path: registry('hub-repositories'),
    query: z.object({
      namespace: param.text(),
      ordering: param.oneOf(HUB_ORDERINGS, `ordering is one of ${HUB_ORDERINGS.join(', ')}.`),
      cursor: param.text(),
    }),
  }),
  tags: row<TagsBody>()({
    method: 'GET',
    path: registry('tags'),
    query: z.object({ repository: param.required(), cursor: param.text(), n: param.count(1000) }),
    what: 'a repository',
  }),
  /** `reference`: a tag or a digest. */
  manifest: row<ManifestBody>()({ method: 'GET', path: registry('manifest'), query: byReference, what: 'a repository and a tag or digest' }),
  /** Same-origin only: a digest deletes the manifest, a tag that tag alone (where the registry can). */
  deleteManifest: row<DeletedBody>()({
    method: 'DELETE',
    path: registry('manifest'),
    query: byReference,
    what: 'a repository and the digest or tag to delete',
  }),
  config: row<ImageConfigBody>()({
    method: 'GET',
    path: registry('config'),
    query: z.object({ repository: param.required(), digest: param.required() }),
    what: 'a repository and the config digest',
  }),
  document: row<DocumentBody>()({
    method: 'GET',
    path: registry('document'),
    query: z.object({
      repository: param.required(),
      digest: param.required(),
      kind: param.requiredOneOf(['manifest', 'blob'], 'kind must be manifest or blob.'),
    }),
    what: 'a repository, a digest and a kind (manifest or blob)',
  }),
  referrers: row<ReferrersBody>()({
    method: 'GET',
    path: registry('referrers'),
    query: z.object({ repository: param.required(), digest: param.required(), artifactType: param.text() }),
    what: 'a repository and a digest',
  }),
  /**
   * Tags or digests summarised. `fresh`: every tag asked of the registry now (the delete dialog
   * finding a digest's tags); `pulls`: the person asked for details that cost pulls where every
   * manifest read is one (Docker Hub).
   */
  details: row<DetailsBody>()({
    method: 'GET',
    path: registry('details'),
    query: z.object({
      repository: param.required(),
      ref: param.list('ref', MAX_DETAILS_PER_REQUEST, 'at least one tag or digest as ref'),
      fresh: param.flag(),
      pulls: param.flag(),
    }),
    what: 'a repository',
  }),
  /** An image's files: one directory (`path`) of all its layers merged, or of layer `layer` (1-based) on its own. */
  files: row<FilesBody>()({
    method: 'GET',
    path: registry('files'),
    query: z.object({ repository: param.required(), digest: param.required(), path: param.text(4096), layer: param.ordinal('layer', MAX_LAYER_NUMBER) }),
    what: "a repository and an image's digest",
  }),
  /** How far each layer of an image has been read for its files (a first open of a large image). */
  filesProgress: row<FilesProgressBody>()({
    method: 'GET',
    path: registry('files/progress'),
    query: z.object({ repository: param.required(), digest: param.required(), path: param.text(4096) }),
    what: "a repository and an image's digest",
  }),
  /** What changed from image `a` to image `b` (digests), at and below `path`. */
  filesDiff: row<FilesDiffBody>()({
    method: 'GET',
    path: registry('files/diff'),
    query: z.object({ repository: param.required(), a: param.required(), b: param.required(), path: param.text(4096) }),
    what: "a repository and two images' digests as a and b",
  }),
  /** One file of an image (`path`, links followed) and the start of its content. */
  file: row<FileBody>()({
    method: 'GET',
    path: registry('file'),
    query: z.object({ repository: param.required(), digest: param.required(), path: param.required() }),
    what: "a repository, an image's digest and a file's path",
  }),
  /** A file's whole content as an attachment (the browser downloads it; never a page). */
  fileDownload: row<never>()({
    method: 'GET',
    path: registry('file/download'),
    query: z.object({ repository: param.required(), digest: param.required(), path: param.required() }),
    what: "a repository, an image's digest and a file's path",
  }),
  /** Same-origin only: it sends the registry a DELETE (of a tag nobody made) to learn how it deletes. */
  deletion: row<DeletionBody>()({ method: 'POST', path: registry('deletion'), query: z.object({ repository: param.required() }), what: 'a repository' }),
  /** With a repository and a tag or digest: checked now with a HEAD, which costs no pull. */
  pullLimit: row<PullLimitBody>()({ method: 'GET', path: registry('pull-limit'), query: z.object({ repository: param.text(), reference: param.text() }) }),
  diagnose: row<DiagnosisBody>()({ method: 'GET', path: registry('diagnose'), query: z.object({ repository: param.text(300) }) }),
};

export type Endpoints = typeof endpoints;
export type EndpointName = keyof Endpoints;

// ---- what each side reads and writes ------------------------------------------------------------

/** Parameters that may be undefined may be left out. */
type Loose<T> = { [K in keyof T as undefined extends T[K] ? K : never]?: T[K] } & { [K in keyof T as undefined extends T[K] ? never : K]: T[K] };

/** The query of an endpoint, as its route handler reads it and as the browser writes it. */
export type QueryOf<E extends Endpoint> = [keyof E['query']['shape']] extends [never] ? unknown : Loose<z.output<E['query']>>;

/** The body of an endpoint's successful answer. */
export type BodyOf<E extends Endpoint> = E extends Endpoint<string, z.ZodMiniObject, infer B> ? B : never;

/** What names one request to an endpoint: the host in its path, if it has one, and its query. */
export type InputOf<E extends Endpoint> = (E['path'] extends `${string}{host}${string}` ? { host: string } : unknown) & QueryOf<E>;

/**
 * The query of `endpoint` from a request's parameters, or a 400 INVALID_REQUEST that says what is
 * wrong: the row's `what` when a required parameter is missing, else the first thing refused.
 */
export function readQuery<E extends Endpoint>(endpoint: E, search: URLSearchParams): QueryOf<E> {
  const values = Object.fromEntries(Object.keys(endpoint.query.shape).map((name) => [name, search.getAll(name)]));
  const parsed = endpoint.query.safeParse(values);
  if (parsed.success) return parsed.data as QueryOf<E>;
  const { issues } = parsed.error;
  const message = issues.some((issue) => issue.message === MISSING) ? `Name ${endpoint.what ?? 'every required parameter'}.` : (issues[0]?.message ?? '');
  throw new RegistryError({ code: 'INVALID_REQUEST', message });
}

/**
 * The URL of one request to `endpoint` (the base path is the fetcher's to add): the host
 * percent-encoded into the path, the query in the row's order, values left out when undefined or
 * empty, a list repeated, a flag as `1`.
 */
export function urlOf<E extends Endpoint>(endpoint: E, input: InputOf<E>): string {
  const values = input as Record<string, unknown>;
  const path = endpoint.path.replace('{host}', () => encodeURIComponent(String(values.host)));
  const search = new URLSearchParams();
  for (const name of Object.keys(endpoint.query.shape)) {
    const value = values[name];
    if (Array.isArray(value)) for (const item of value) search.append(name, String(item));
    else if (value === true) search.set(name, '1');
    else if (value !== undefined && value !== null && value !== '' && value !== false) search.set(name, String(value));
  }
  const query = search.toString();
  return query ? `${path}?${query}` : path;
}

// ---- reading through a source -------------------------------------------------------------------

/** The endpoints a view reads its data from: the browser asks them over HTTP, a page being rendered directly. */
export const READS = [
  'session',
  'repositories',
  'namespace',
  'tags',
  'manifest',
  'config',
  'document',
  'referrers',
  'details',
  'files',
  'filesProgress',
  'filesDiff',
  'file',
  'pullLimit',
  'diagnose',
] as const;
export type Read = (typeof READS)[number];

/**
 * One function per read endpoint, with the endpoint's input and body. The browser's answers over
 * HTTP (components/data/source.ts); the server's calls what the route handler calls, for the
 * page prefetch (lib/server/endpoints.ts). The query functions go through whichever their
 * QueryClient was given, so prefetching a query and fetching it are one code path.
 */
export type Source = {
  [K in Read]: (input: InputOf<Endpoints[K]>, init?: { signal?: AbortSignal }) => Promise<BodyOf<Endpoints[K]>>;
};
