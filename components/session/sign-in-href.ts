/**
 * True for a path on this site: one leading '/', not '//' or '/\' (which browsers treat as
 * another host), no scheme, no control characters.
 */
export function isSafeNextPath(next: string | null | undefined): next is string {
  if (!next) return false;
  if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return false;
  if (/[\u0000-\u001f\u007f]/.test(next)) return false;
  try {
    const url = new URL(next, 'http://berth.invalid');
    return url.origin === 'http://berth.invalid';
  } catch {
    return false;
  }
}

export function signInHref(registry: string | undefined, next?: string): string {
  const params = new URLSearchParams();
  if (registry) params.set('registry', registry);
  if (next && isSafeNextPath(next)) params.set('next', next);
  const query = params.toString();
  return query ? `/login?${query}` : '/login';
}
