// Berth's URLs are image references (docs/architecture.md "URLs").
// Turns the catch-all route's segments into what to show, a redirect, or a 400 that names the bad part.
// Pure: usable from server and client code.
import {
  DOCKER_HUB,
  InvalidReferenceError,
  looksLikeHost,
  parseHost,
  validateDigest,
  validateRepository,
  validateTag,
  type ReferencePart,
} from './registry/reference';

export type RouteTarget =
  | { kind: 'registry'; host: string }
  | { kind: 'repository'; host: string; repository: string }
  | { kind: 'tag'; host: string; repository: string; tag: string }
  | { kind: 'digest'; host: string; repository: string; digest: string; tag?: string }
  | { kind: 'diagnose'; host: string }
  | { kind: 'compare'; host: string; repository: string }
  | { kind: 'files'; host: string; repository: string; tag?: string; digest?: string }
  | { kind: 'redirect'; to: string }
  | { kind: 'invalid'; part: ReferencePart; input: string; message: string };

export interface RefParts {
  host: string;
  repository?: string;
  tag?: string;
  digest?: string;
}

/** "host/repo:tag" or "host/repo@digest" — what `docker pull` takes. */
export function formatRef(ref: RefParts): string {
  let out = ref.host;
  if (ref.repository) out += `/${ref.repository}`;
  if (ref.digest) return `${out}@${ref.digest}`;
  if (ref.tag) return `${out}:${ref.tag}`;
  return out;
}

/**
 * Berth's own views under a registry or repository sit behind a `-` path component, which no
 * repository name can contain (as GitLab does it): /HOST/-/diagnose, /HOST/REPO/-/compare.
 */
export const REGISTRY_VIEWS = ['diagnose'] as const;
export const REPOSITORY_VIEWS = ['compare'] as const;

/** Views of one image, after its reference: /HOST/REPO:TAG/-/files. */
export const IMAGE_VIEWS = ['files'] as const;

/** Where a files view looks: a directory, a file, one layer on its own, an index's platform. */
export interface FilesQuery {
  path?: string;
  file?: string;
  layer?: number;
  platform?: string;
}

/** "/HOST/REPO:TAG/-/files?path=/usr/lib/" (or @DIGEST; `?platform=` for an index, `?layer=N`, `?file=`). */
export function filesHref(ref: RefParts, query: FilesQuery = {}): string {
  const search = new URLSearchParams();
  if (query.platform) search.set('platform', query.platform);
  if (query.layer !== undefined) search.set('layer', String(query.layer));
  if (query.file) search.set('file', query.file);
  else if (query.path && query.path !== '/') search.set('path', query.path);
  const rest = search.toString();
  return `${hrefFor(ref)}/-/files${rest ? `?${rest.replaceAll('%2F', '/')}` : ''}`;
}

/** "/HOST/-/diagnose", with the repository to check as `?repository=`. */
export function diagnoseHref(host: string, repository?: string): string {
  return `/${host}/-/diagnose${repository ? `?repository=${encodeURIComponent(repository)}` : ''}`;
}

/** "/HOST/REPO/-/compare?a=REF&b=REF" (REF: a tag or a digest). */
export function compareHref(host: string, repository: string, a?: string, b?: string): string {
  const query = new URLSearchParams();
  if (a) query.set('a', a);
  if (b) query.set('b', b);
  const search = query.toString();
  return `/${host}/${repository}/-/compare${search ? `?${search}` : ''}`;
}

/** The Berth path for a reference: "/host/repo:tag". Characters that are legal in references need no escaping. */
export function hrefFor(ref: RefParts): string {
  return `/${formatRef(ref)}`;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** A single segment is a registry only when it clearly is a host (docker would read "name:5000" as a tag). */
function isRegistryOnly(segment: string): boolean {
  const name = segment.startsWith('[') ? segment : (segment.split(':')[0] ?? '');
  return name.includes('.') || name === 'localhost' || name.startsWith('[');
}

function parseRepositoryPath(host: string, path: string, raw: string): RouteTarget {
  let rest = path;
  let digest: string | undefined;
  let tag: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  let repository = rest.replace(/\/+$/, '');
  if (host === DOCKER_HUB && repository !== '' && !repository.includes('/')) {
    repository = `library/${repository}`;
    validateRepository(repository, raw);
    return { kind: 'redirect', to: hrefFor({ host, repository, tag, digest }) };
  }
  validateRepository(repository, raw);
  if (digest !== undefined) {
    validateDigest(digest, raw);
    if (tag !== undefined) validateTag(tag, raw);
    return tag !== undefined ? { kind: 'digest', host, repository, digest, tag } : { kind: 'digest', host, repository, digest };
  }
  if (tag !== undefined) return { kind: 'tag', host, repository, tag: validateTag(tag, raw) };
  return { kind: 'repository', host, repository };
}

export function resolveRoute(rawSegments: readonly string[]): RouteTarget {
  const segments = rawSegments.map(safeDecode).filter((s) => s !== '');
  const raw = segments.join('/');
  try {
    const first = segments[0];
    if (first === undefined) return { kind: 'invalid', part: 'reference', input: raw, message: 'The image reference is empty.' };
    if (segments.length === 1) {
      if (isRegistryOnly(first)) {
        const host = parseHost(first);
        return host === first ? { kind: 'registry', host } : { kind: 'redirect', to: `/${host}` };
      }
      // "/alpine:3.20": no host, so Docker Hub.
      return { kind: 'redirect', to: hrefFor(toHubTarget(first, raw)) };
    }
    if (!looksLikeHost(first)) {
      return { kind: 'redirect', to: hrefFor(toHubTarget(segments.join('/'), raw)) };
    }
    const host = parseHost(first);
    const dash = segments.indexOf('-', 1);
    if (dash !== -1) return berthView(host, first, segments, dash, raw);
    const target = parseRepositoryPath(host, segments.slice(1).join('/'), raw);
    if (host !== first && target.kind !== 'redirect' && target.kind !== 'invalid') {
      return { kind: 'redirect', to: hrefFor({ ...target, host }) };
    }
    return target;
  } catch (err) {
    if (err instanceof InvalidReferenceError) return { kind: 'invalid', part: err.part, input: raw, message: err.message };
    throw err;
  }
}

/** /HOST/-/VIEW and /HOST/REPO/-/VIEW. */
function berthView(host: string, first: string, segments: readonly string[], dash: number, raw: string): RouteTarget {
  const view = segments[dash + 1];
  const unknown = (what: string): RouteTarget => ({
    kind: 'invalid',
    part: 'reference',
    input: raw,
    message: `Berth has no ${what} view ${JSON.stringify(view ?? '')}. `,
  });
  if (view === undefined || segments.length > dash + 2) return unknown(dash === 1 ? 'registry' : 'repository');
  if (dash > 1 && (IMAGE_VIEWS as readonly string[]).includes(view)) return imageView(host, first, segments.slice(1, dash).join('/'), view, raw);
  if (dash === 1) {
    if (!(REGISTRY_VIEWS as readonly string[]).includes(view)) return unknown('registry');
    return host === first ? { kind: 'diagnose', host } : { kind: 'redirect', to: `/${host}/-/${view}` };
  }
  if (!(REPOSITORY_VIEWS as readonly string[]).includes(view)) return unknown('repository');
  let repository = segments.slice(1, dash).join('/');
  const hub = host === DOCKER_HUB && !repository.includes('/');
  if (hub) repository = `library/${repository}`;
  validateRepository(repository, raw);
  if (hub || host !== first) return { kind: 'redirect', to: `/${host}/${repository}/-/${view}` };
  return { kind: 'compare', host, repository };
}

/** /HOST/REPO:TAG/-/VIEW and /HOST/REPO@DIGEST/-/VIEW. */
function imageView(host: string, first: string, path: string, view: string, raw: string): RouteTarget {
  const target = parseRepositoryPath(host, path, raw);
  if (target.kind === 'redirect') return { kind: 'redirect', to: `${target.to}/-/${view}` };
  if (target.kind === 'tag' || target.kind === 'digest') {
    const ref = target.kind === 'tag' ? { tag: target.tag } : { digest: target.digest, ...(target.tag !== undefined ? { tag: target.tag } : {}) };
    if (host !== first) return { kind: 'redirect', to: `${hrefFor({ host, repository: target.repository, ...ref })}/-/${view}` };
    return { kind: 'files', host, repository: target.repository, ...ref };
  }
  return { kind: 'invalid', part: 'reference', input: raw, message: `Name a tag or digest to see an image's ${view}: /${host}/REPOSITORY:TAG/-/${view}. ` };
}

function toHubTarget(path: string, raw: string): RefParts {
  const t = parseRepositoryPath(DOCKER_HUB, path, raw);
  if (t.kind === 'redirect') {
    const again = resolveRoute(t.to.slice(1).split('/'));
    if (again.kind === 'repository' || again.kind === 'tag' || again.kind === 'digest') return again;
  }
  if (t.kind === 'repository' || t.kind === 'tag' || t.kind === 'digest') return t;
  throw new InvalidReferenceError('reference', raw, `${JSON.stringify(raw)} is not an image reference.`);
}
