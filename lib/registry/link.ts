// RFC 8288 Link header, as registries use it for pagination:
//   Link: </v2/_catalog?last=b&n=100>; rel="next"
// The target is often relative: resolve it against the request URL.

export function parseNextLink(header: string | undefined, requestUrl: URL): URL | undefined {
  if (!header) return undefined;
  // Split on commas that start a new "<…>" link, not on commas inside the URL.
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (!m) continue;
    const params = m[2] ?? '';
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(params);
    const rels = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
    if (!rels.includes('next')) continue;
    try {
      return new URL(m[1] ?? '', requestUrl);
    } catch {
      return undefined;
    }
  }
  return undefined;
}
