// Token scopes (distribution docs/spec/auth/scope.md): "type[(class)]:name:actions".
// The name may contain "host:port", so the type ends at the first ':' and the actions start
// after the last one.

export interface Scope {
  type: string;
  name: string;
  actions: string[];
}

export function parseScope(text: string): Scope | undefined {
  const first = text.indexOf(':');
  const last = text.lastIndexOf(':');
  if (first <= 0 || last === first) return undefined;
  const actions = text
    .slice(last + 1)
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  return { type: text.slice(0, first), name: text.slice(first + 1, last), actions };
}

export function formatScope(scope: Scope): string {
  return `${scope.type}:${scope.name}:${[...new Set(scope.actions)].sort().join(',')}`;
}

/** Merges scope strings: one entry per (type, name) with the union of actions, sorted. */
export function mergeScopes(...groups: ReadonlyArray<readonly string[]>): string[] {
  const byResource = new Map<string, Scope>();
  for (const text of groups.flat()) {
    // A challenge's scope parameter may list several scopes separated by spaces.
    for (const part of text.split(' ')) {
      if (!part) continue;
      const scope = parseScope(part);
      if (!scope) continue;
      const key = `${scope.type}:${scope.name}`;
      const have = byResource.get(key);
      if (have) have.actions = [...new Set([...have.actions, ...scope.actions])];
      else byResource.set(key, { ...scope, actions: [...new Set(scope.actions)] });
    }
  }
  return [...byResource.values()].map(formatScope).sort();
}

export const repositoryScope = (repository: string, actions: readonly string[] = ['pull']): string =>
  formatScope({ type: 'repository', name: repository, actions: [...actions] });

export const CATALOG_SCOPE = 'registry:catalog:*';

export interface GrantedAccess {
  type: string;
  name: string;
  actions: string[];
}

/**
 * Reads the JWT `access` claim without verifying the signature: only to tell a person what
 * the token server granted (it grants the intersection and never errors for missing rights).
 * Returns undefined for opaque (non-JWT) tokens.
 */
/** Bounds on a decoded `access` claim: what a person needs to see, and no more memory than that. */
const MAX_ACCESS_ENTRIES = 100;
const MAX_ACTIONS = 16;
const MAX_NAME = 300;

export function decodeGrantedAccess(token: string): GrantedAccess[] | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof claims !== 'object' || claims === null) return undefined;
  const access = (claims as { access?: unknown }).access;
  if (!Array.isArray(access)) return [];
  const out: GrantedAccess[] = [];
  for (const a of access) {
    if (out.length >= MAX_ACCESS_ENTRIES) break;
    if (typeof a !== 'object' || a === null) continue;
    const { type, name, actions } = a as { type?: unknown; name?: unknown; actions?: unknown };
    if (typeof type !== 'string' || typeof name !== 'string' || type.length > MAX_NAME || name.length > MAX_NAME) continue;
    const kept = Array.isArray(actions) ? actions.filter((x): x is string => typeof x === 'string' && x.length <= MAX_NAME).slice(0, MAX_ACTIONS) : [];
    out.push({ type, name, actions: kept });
  }
  return out;
}

/** True when the granted access covers `scope` (a "*" action covers everything). */
export function grants(access: readonly GrantedAccess[], scope: string): boolean {
  const want = parseScope(scope);
  if (!want) return false;
  const have = access.filter((a) => a.type === want.type && a.name === want.name).flatMap((a) => a.actions);
  return want.actions.every((action) => have.includes(action) || have.includes('*'));
}
