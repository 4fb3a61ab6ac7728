// WWW-Authenticate parsing (RFC 9110 §11.6.1): several challenges may share one header line,
// quoted values contain ',' ':' '/' and backslash escapes, names are case-insensitive.
// Never split on commas: quoted realms and scopes contain them.

export interface Challenge {
  /** Lower-cased scheme: "bearer", "basic", … */
  scheme: string;
  /** Lower-cased parameter names; values unescaped. */
  params: Record<string, string>;
  /** token68 credentials form, when the challenge carried one instead of parameters. */
  token68?: string;
}

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

export function parseChallenges(header: string | readonly string[] | undefined | null): Challenge[] {
  if (header === undefined || header === null) return [];
  if (typeof header !== 'string') return header.flatMap((h) => parseChallenges(h));
  const s = header;
  let i = 0;
  const out: Challenge[] = [];

  const skipWs = () => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
  };
  const skipWsAndCommas = () => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === ',')) i++;
  };
  const readToken = (): string => {
    const start = i;
    while (i < s.length && TCHAR.test(s[i] ?? '')) i++;
    return s.slice(start, i);
  };
  // Lenient: registries send unquoted URLs (not RFC tokens), so read up to ',' or white space.
  const readBare = (): string => {
    const start = i;
    while (i < s.length && s[i] !== ',' && s[i] !== ' ' && s[i] !== '\t') i++;
    return s.slice(start, i);
  };
  const readQuoted = (): string => {
    // s[i] === '"'
    i++;
    let v = '';
    while (i < s.length && s[i] !== '"') {
      if (s[i] === '\\' && i + 1 < s.length) i++;
      v += s[i];
      i++;
    }
    i++; // closing quote (or end)
    return v;
  };
  /** Looks ahead: is the text at i "name =" (a parameter) rather than a new scheme? */
  const atParam = (): boolean => {
    const save = i;
    const name = readToken();
    skipWs();
    const isParam = name !== '' && s[i] === '=' && s[i + 1] !== '=' && s[i + 1] !== undefined;
    i = save;
    return isParam;
  };

  skipWsAndCommas();
  while (i < s.length) {
    const scheme = readToken();
    if (scheme === '') {
      // Garbage: skip one character and try again rather than loop forever.
      i++;
      skipWsAndCommas();
      continue;
    }
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params: {} };
    skipWs();
    // token68 form: "Basic dXNlcjpwYXNz==" (no "name=value").
    if (i < s.length && s[i] !== ',' && !atParam()) {
      const start = i;
      while (i < s.length && /[A-Za-z0-9\-._~+/=]/.test(s[i] ?? '')) i++;
      if (i > start) challenge.token68 = s.slice(start, i);
    }
    for (;;) {
      skipWs();
      // A comma either separates this challenge's parameters or starts the next challenge.
      const save = i;
      skipWsAndCommas();
      if (i >= s.length) break;
      if (!atParam()) {
        i = save;
        break;
      }
      const name = readToken().toLowerCase();
      skipWs();
      i++; // '='
      skipWs();
      const value = s[i] === '"' ? readQuoted() : readBare();
      if (!(name in challenge.params)) challenge.params[name] = value;
    }
    out.push(challenge);
    skipWsAndCommas();
  }
  return out;
}

/** The first challenge of the given scheme. */
export function findChallenge(challenges: readonly Challenge[], scheme: string): Challenge | undefined {
  return challenges.find((c) => c.scheme === scheme);
}
