// Image references and registry addresses, parsed with the distribution grammar
// (distribution/reference; docs/protocol.md "Grammar"). Errors name the part that is wrong.
import { RegistryError } from './errors';

export const DOCKER_HUB = 'docker.io';

const COMPONENT = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*';
const REPOSITORY_RE = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const TAG_RE = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
const DIGEST_RE = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const SHA256_RE = /^sha256:[a-f0-9]{64}$/;
const SHA512_RE = /^sha512:[a-f0-9]{128}$/;
const DNS_LABEL = '[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?';
const HOSTNAME_RE = new RegExp(`^${DNS_LABEL}(?:\\.${DNS_LABEL})*$`);
const IPV6_RE = /^\[[0-9a-fA-F:.]+\]$/;

export type ReferencePart = 'host' | 'repository' | 'tag' | 'digest' | 'reference';

export class InvalidReferenceError extends RegistryError {
  readonly part: ReferencePart;
  readonly input: string;
  constructor(part: ReferencePart, input: string, message: string) {
    super({ code: 'INVALID_REFERENCE', message });
    this.name = 'InvalidReferenceError';
    this.part = part;
    this.input = input;
  }
}

export interface ImageReference {
  /** Canonical registry host: "docker.io", "ghcr.io", "127.0.0.1:5000", "[::1]:5000". */
  host: string;
  repository: string;
  tag?: string;
  digest?: string;
}

const show = (s: string) => JSON.stringify(s.length > 80 ? `${s.slice(0, 77)}...` : s);

/** Validates and canonicalises `host[:port]` (lower-cased; IPv6 in brackets). */
export function parseHost(input: string): string {
  const host = input.trim();
  if (host === '') throw new InvalidReferenceError('host', input, 'The registry host is empty.');
  let name = host;
  let port: string | undefined;
  const v6 = /^(\[[^\]]*\])(?::(.*))?$/.exec(host);
  if (v6) {
    name = v6[1] ?? '';
    port = v6[2];
    if (!IPV6_RE.test(name)) throw new InvalidReferenceError('host', input, `The registry host ${show(host)} is not a valid IPv6 address in brackets.`);
  } else {
    const colon = host.lastIndexOf(':');
    if (colon !== -1) {
      name = host.slice(0, colon);
      port = host.slice(colon + 1);
    }
    if (!HOSTNAME_RE.test(name) || name.length > 253) {
      throw new InvalidReferenceError(
        'host',
        input,
        `The registry host ${show(host)} is not a valid host name (letters, digits, '-' and '.', optionally ':port').`,
      );
    }
  }
  if (port !== undefined) {
    if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
      throw new InvalidReferenceError('host', input, `The port in ${show(host)} must be a number from 1 to 65535.`);
    }
    return `${name.toLowerCase()}:${Number(port)}`;
  }
  const lower = name.toLowerCase();
  return lower === 'index.docker.io' || lower === 'registry-1.docker.io' ? DOCKER_HUB : lower;
}

export function validateRepository(repository: string, input = repository): string {
  if (repository === '') throw new InvalidReferenceError('repository', input, 'The repository name is empty.');
  if (repository.length > 255) throw new InvalidReferenceError('repository', input, 'The repository name is longer than 255 characters.');
  if (!REPOSITORY_RE.test(repository)) {
    const hint = /[A-Z]/.test(repository) ? ' Repository names must be lower case.' : '';
    throw new InvalidReferenceError(
      'repository',
      input,
      `The repository name ${show(repository)} is invalid: use lower-case letters, digits and separators (. _ __ -) in components joined by '/'.${hint}`,
    );
  }
  return repository;
}

export function validateTag(tag: string, input = tag): string {
  if (!TAG_RE.test(tag)) {
    throw new InvalidReferenceError(
      'tag',
      input,
      `The tag ${show(tag)} is invalid: up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'.`,
    );
  }
  return tag;
}

/**
 * Only sha256 and sha512 are digests here: every digest Berth uses can then be verified against
 * the bytes it names, and none is longer than 135 characters (a registry sending endless ones
 * cannot grow a cache with them).
 */
export function validateDigest(digest: string, input = digest): string {
  if (SHA256_RE.test(digest) || SHA512_RE.test(digest)) return digest;
  if (digest.startsWith('sha256:')) {
    throw new InvalidReferenceError('digest', input, `The digest ${show(digest)} is invalid: sha256 digests are 64 lower-case hex digits.`);
  }
  if (digest.startsWith('sha512:')) {
    throw new InvalidReferenceError('digest', input, `The digest ${show(digest)} is invalid: sha512 digests are 128 lower-case hex digits.`);
  }
  if (DIGEST_RE.test(digest) && digest.length <= 200) {
    throw new InvalidReferenceError(
      'digest',
      input,
      `The digest ${show(digest)} uses an algorithm Berth does not verify: only sha256 and sha512 digests are supported.`,
    );
  }
  throw new InvalidReferenceError('digest', input, `The digest ${show(digest)} is invalid: expected algorithm:hex, e.g. sha256: followed by 64 hex digits.`);
}

/** Names a registry sends (catalog entries, tags, digests) are checked like names people type. */
export const isValidRepository = (name: string): boolean => name.length > 0 && name.length <= 255 && REPOSITORY_RE.test(name);
export const isValidTag = (tag: string): boolean => TAG_RE.test(tag);
export const isValidDigest = (digest: string): boolean => {
  try {
    validateDigest(digest);
    return true;
  } catch {
    return false;
  }
};

/** True when `reference` (the part after a repository) is a digest rather than a tag. */
export function isDigest(reference: string): boolean {
  return reference.includes(':');
}

/** Docker's rule: the first path component names a registry if it has '.', ':', is localhost, or has upper case. */
export function looksLikeHost(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost' || component.startsWith('[') || component !== component.toLowerCase();
}

/** Splits "name[:tag][@digest]" where name may itself contain host:port. */
function splitNameTagDigest(input: string): { name: string; tag?: string; digest?: string } {
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { name: rest, tag, digest };
}

function finish(host: string, repository: string, tag: string | undefined, digest: string | undefined, input: string): ImageReference {
  let repo = repository;
  if (host === DOCKER_HUB && repo !== '' && !repo.includes('/')) repo = `library/${repo}`;
  validateRepository(repo, input);
  const ref: ImageReference = { host, repository: repo };
  if (tag !== undefined) ref.tag = validateTag(tag, input);
  if (digest !== undefined) ref.digest = validateDigest(digest, input);
  return ref;
}

/**
 * Parses anything `docker pull` takes: "alpine", "alpine:3.20", "ghcr.io/o/r@sha256:…",
 * "127.0.0.1:5000/team/app:v1", "docker.io/library/alpine". Docker Hub gets `library/`.
 */
export function parseImageReference(input: string): ImageReference {
  const text = input.trim();
  if (text === '') throw new InvalidReferenceError('reference', input, 'The image reference is empty.');
  if (/\s/.test(text)) throw new InvalidReferenceError('reference', input, `The image reference ${show(text)} contains spaces.`);
  const withoutScheme = text.replace(/^(?:https?|docker):\/\//i, '');
  const { name, tag, digest } = splitNameTagDigest(withoutScheme);
  const slash = name.indexOf('/');
  const first = slash === -1 ? name : name.slice(0, slash);
  if (slash !== -1 && looksLikeHost(first)) {
    return finish(parseHost(first), name.slice(slash + 1), tag, digest, input);
  }
  return finish(DOCKER_HUB, name, tag, digest, input);
}

/** "host/repo:tag" or "host/repo@digest" (digest wins when both are known). */
export function formatReference(ref: ImageReference): string {
  const base = `${ref.host}/${ref.repository}`;
  if (ref.digest) return `${base}@${ref.digest}`;
  if (ref.tag) return `${base}:${ref.tag}`;
  return base;
}

export interface RegistryAddress {
  /** Canonical host used in Berth URLs. */
  host: string;
  /** Scheme the person asked for, if any. */
  scheme?: 'http' | 'https';
}

/**
 * Parses what a person types in the Registry field: "host[:port]", "https://host",
 * "http://host:port", "docker.io"; a trailing "/" or "/v2/" is tolerated.
 */
export function parseRegistryAddress(input: string): RegistryAddress {
  let text = input.trim();
  if (text === '') throw new InvalidReferenceError('host', input, 'Enter a registry address, e.g. ghcr.io or 127.0.0.1:5000.');
  let scheme: 'http' | 'https' | undefined;
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text);
  if (m) {
    const s = (m[1] ?? '').toLowerCase();
    if (s !== 'http' && s !== 'https') {
      throw new InvalidReferenceError('host', input, `Registry addresses use http:// or https://, not ${s}://.`);
    }
    scheme = s;
    text = text.slice(m[0].length);
  }
  text = text.replace(/\/+(?:v2\/?)?$/, '');
  if (text.includes('/') || text.includes('@') || text.includes('?')) {
    throw new InvalidReferenceError('host', input, `${show(input.trim())} is not a registry address: give only the host and optional port, without a path.`);
  }
  let host = parseHost(text);
  if (host === 'hub.docker.com') host = DOCKER_HUB;
  // https on its default port is the same registry as without it.
  if (scheme !== 'http' && host.endsWith(':443')) host = host.slice(0, -4);
  return scheme ? { host, scheme } : { host };
}
