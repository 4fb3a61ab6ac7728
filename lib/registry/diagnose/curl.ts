// The curl commands that reproduce each step of a diagnosis by hand. The secret is never in them:
// a password stays the shell variable $PASSWORD and a token $TOKEN, which the token command fills.
// URLs and names come from the registry or the person, so every one is quoted for the shell.

/** 'text' for a POSIX shell: nothing inside single quotes is expanded. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Text that goes inside "…" beside a variable: escapes what double quotes would expand. */
function inDoubleQuotes(text: string): string {
  return text.replace(/[\\"$`]/g, (c) => `\\${c}`);
}

/** How a request authenticates, named so the command says which secret it needs. */
export type CurlAuth = { kind: 'none' } | { kind: 'basic'; username: string } | { kind: 'bearer' };

const PASSWORD_VARIABLE = '$PASSWORD';
const TOKEN_VARIABLE = '$TOKEN';

function authArgs(auth: CurlAuth): string[] {
  if (auth.kind === 'basic') return [`-u "${inDoubleQuotes(auth.username)}:${PASSWORD_VARIABLE}"`];
  if (auth.kind === 'bearer') return [`-H "Authorization: Bearer ${TOKEN_VARIABLE}"`];
  return [];
}

/** A request whose status and headers are the point: -i (or -I for HEAD) shows them. */
export function curlRequest(url: URL, auth: CurlAuth, options: { method?: 'GET' | 'HEAD'; accept?: string } = {}): string {
  const args = ['curl', '-sS', options.method === 'HEAD' ? '-I' : '-i', ...authArgs(auth)];
  if (options.accept) args.push('-H', shellQuote(`Accept: ${options.accept}`));
  args.push(shellQuote(url.href));
  return args.join(' ');
}

/** Which address the name resolves to, as curl connects to it. */
export function curlAddress(url: URL): string {
  return `curl -sS -o /dev/null -w '%{remote_ip} %{http_code}\\n' ${shellQuote(new URL('/v2/', url).href)}`;
}

/** The token request, keeping the token in $TOKEN for the commands after it, then what it grants. */
export function curlToken(realm: URL, username: string | undefined): string[] {
  const auth: CurlAuth = username === undefined ? { kind: 'none' } : { kind: 'basic', username };
  const lines = username === undefined ? [] : [`# ${PASSWORD_VARIABLE}: the password or access token of ${username} (Berth never shows it)`];
  lines.push(
    `TOKEN="$(${['curl', '-sS', ...authArgs(auth), shellQuote(realm.href)].join(' ')} | jq -r '.token // .access_token')"`,
    // The claims are base64url: jq decodes base64 once the alphabet is mapped back.
    `echo "${TOKEN_VARIABLE}" | jq -R 'split(".")[1] | gsub("-";"+") | gsub("_";"/") | @base64d | fromjson | {access, exp, iat}'`,
  );
  return lines;
}

/** Only the rate-limit headers of an answer. */
export function curlRateLimits(url: URL, auth: CurlAuth, accept?: string): string {
  return `${curlRequest(url, auth, { method: 'HEAD', accept })} | grep -i -E '^(x-)?ratelimit-|^retry-after'`;
}
