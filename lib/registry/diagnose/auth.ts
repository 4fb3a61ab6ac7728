// Step 3, authentication, as the handshake does it (../auth/handshake.ts): for Bearer, the token
// request as sent and what its answer says (expires_in, issued_at, the JWT's claims, the access
// granted beside the access asked for, with a sentence for each scope not granted); for Basic,
// one authenticated GET /v2/; for an open /v2/, nothing to send. The claims are read without
// verifying the signature: they explain, they do not authorise.
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { MAX_TOKEN_BYTES, basicAuthorization, basicCheckRequest, readBasicCheck, readTokenAnswer, tokenRequest, type TokenRefusal } from '../auth/handshake';
import { MAX_TOKEN_TTL_SECONDS } from '../auth/token-cache';
import type { PingResult } from '../context';
import { RegistryError, parseErrorBody, type ErrorCode } from '../errors';
import { grants, parseScope, type GrantedAccess } from '../scope';
import { traitsOf } from '../traits';
import { curlRequest, curlToken } from './curl';
import type { DiagnosisAccess, DiagnosisFact, DiagnosisStep } from './report';
import { failed, ms, safeJson, type Access, type DiagnosisRun } from './run';

type Outcome = { step: DiagnosisStep; access?: Access };

const claimsSchema = z.object({ exp: z.number().optional(), iat: z.number().optional() });

const epochIso = (seconds: number | undefined) => (seconds !== undefined && Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString() : undefined);

function claimsOf(token: string): z.infer<typeof claimsSchema> {
  const parsed = claimsSchema.safeParse(safeJson(Buffer.from(token.split('.')[1] ?? '', 'base64url')));
  return parsed.success ? parsed.data : {};
}

function accessRow(scope: string, granted: readonly GrantedAccess[]): DiagnosisAccess {
  const want = parseScope(scope);
  const actions = want ? [...new Set(granted.filter((g) => g.type === want.type && g.name === want.name).flatMap((g) => g.actions))] : [];
  return { scope, granted: actions, covered: grants(granted, scope) };
}

/** "granted nothing for `registry:catalog:*`: this account cannot list repositories here" */
function notGranted(run: DiagnosisRun, a: DiagnosisAccess): string {
  const who = run.username !== undefined ? 'this account' : 'anonymous access';
  const answered = a.granted.length ? `granted only ${a.granted.join(',')} for \`${a.scope}\`` : `granted nothing for \`${a.scope}\``;
  const parsed = parseScope(a.scope);
  const meaning =
    parsed?.type === 'registry' && parsed.name === 'catalog'
      ? `${who} cannot list repositories here${traitsOf(run.host).listing === 'catalog' ? '' : ' (Docker Hub lists them for nobody)'}`
      : `${who} cannot ${parsed?.actions.join(' and ') ?? 'use'} ${parsed?.name ?? a.scope} here`;
  return `${answered}: ${meaning}`;
}

/** What the diagnosis says of a token service that gave no token. */
function refusalSentence(run: DiagnosisRun, refusal: TokenRefusal, status: number): { code: ErrorCode; message: string } {
  switch (refusal.why) {
    case 'credentials':
      return {
        code: 'UNAUTHORIZED',
        message:
          run.username !== undefined
            ? `The token service refused the username or password (or token) of ${run.username}: sign in again with the right ones.`
            : `The token service of ${run.host} gives no anonymous tokens: sign in to continue.`,
      };
    case 'status':
      return {
        code: refusal.code,
        message: `The token service answered HTTP ${status}.${refusal.retryAfter !== undefined ? ` Try again in ${refusal.retryAfter} s.` : ''}`,
      };
    case 'unreadable':
      return { code: 'BAD_RESPONSE', message: 'The token service answered 200 with something that is not a token answer (JSON with token or access_token).' };
    case 'no-token':
      return { code: 'BAD_RESPONSE', message: 'The token service answered 200 without a token.' };
    case 'too-long':
      return { code: 'BAD_RESPONSE', message: `The token service sent a token longer than ${MAX_TOKEN_BYTES / 1024} KiB; Berth does not use it.` };
  }
}

async function tokenStep(run: DiagnosisRun, baseUrl: URL, ping: Extract<PingResult, { scheme: 'bearer' }>): Promise<Outcome> {
  const start = performance.now();
  const title = 'Token';
  const scopes = run.scopesAsked();
  const request = tokenRequest(ping, scopes, run.peer(baseUrl));
  const url = request.url;
  const curl = curlToken(url, run.username).join('\n');
  // The realm may be another address: it passes the policy on its own (send checks it again,
  // with the resolved addresses; this says what to change).
  const realmDecision = run.options.context.policy.explain(url, []);
  if (!realmDecision.allowed) {
    const origin = realmDecision.origin ?? url.origin;
    const message = `The token service is refused by the address policy: ${realmDecision.reason} To allow it, an administrator adds ${origin} to ALLOWED_REGISTRIES (a registry's entry does not cover a token service elsewhere).`;
    return {
      step: {
        id: 'auth',
        title,
        status: 'failed',
        ms: ms(start),
        sentence: message,
        requests: [],
        curl,
        facts: [
          { label: 'Token service', value: url.origin },
          { label: 'Setting', value: 'ALLOWED_REGISTRIES' },
          { label: 'Origin to add', value: origin },
        ],
        error: { code: 'NOT_ALLOWED', message },
      },
    };
  }
  const sent = await run.send({ ...request, method: 'GET' });
  const { res } = sent;
  if (!res) return { step: run.failedRequest('auth', title, sent, start, curl) };
  const facts: DiagnosisFact[] = [{ label: 'Status', value: String(res.status) }];
  const step: DiagnosisStep = { id: 'auth', title, status: 'ok', ms: 0, sentence: '', facts, requests: [sent.request], curl };
  const answer = readTokenAnswer(res);
  const { fields } = answer;
  for (const secret of [fields?.token, fields?.access_token, fields?.refresh_token]) if (typeof secret === 'string' && secret) run.secrets.push(secret);
  if ('refusal' in answer) {
    const { code, message } = refusalSentence(run, answer.refusal, res.status);
    const registryMessage = parseErrorBody(res.body)[0]?.message;
    if (registryMessage) facts.push({ label: 'Token service says', value: registryMessage });
    const retryAfter = answer.refusal.why === 'status' ? answer.refusal.retryAfter : undefined;
    if (retryAfter !== undefined) facts.push({ label: 'Retry-After', value: `${retryAfter} s` });
    return { step: failed(step, start, { code, message }) };
  }
  const { token, access: granted } = answer.token;
  facts.push({
    label: 'Token',
    value: `${token.length} characters, ${granted ? 'a JWT (claims read without verifying the signature)' : 'opaque (not a JWT: what it grants cannot be read)'}`,
  });
  const expiresIn = fields?.expires_in;
  facts.push({
    label: 'expires_in',
    value:
      expiresIn === undefined
        ? 'not sent: 60 s assumed'
        : `${expiresIn} s${expiresIn < 60 ? ' (taken as 60 s)' : expiresIn > MAX_TOKEN_TTL_SECONDS ? ` (Berth asks again after ${MAX_TOKEN_TTL_SECONDS} s)` : ''}`,
  });
  facts.push({ label: 'issued_at', value: fields?.issued_at ?? 'not sent' });
  const refresh = fields?.refresh_token;
  if (typeof refresh === 'string' && refresh) facts.push({ label: 'refresh_token', value: `sent (${refresh.length} characters)` });
  if (granted) {
    const claims = claimsOf(token);
    facts.push({ label: 'Claim exp', value: epochIso(claims.exp) ?? 'not set' }, { label: 'Claim iat', value: epochIso(claims.iat) ?? 'not set' });
  }
  const access: DiagnosisAccess[] = scopes.map((scope) => accessRow(scope, granted ?? []));
  if (granted) step.access = access;
  const missing = granted ? access.filter((a) => !a.covered) : [];
  step.status = missing.length ? 'warning' : 'ok';
  step.sentence = granted
    ? missing.length
      ? `The token service answered, but ${missing.map((a) => notGranted(run, a)).join('; and ')}.`
      : `The token service granted everything asked for${run.username !== undefined ? ` to ${run.username}` : ' anonymously'}.`
    : 'The token service answered with an opaque token: what it grants cannot be read here; the requests below tell.';
  step.ms = ms(start);
  return { step, access: { kind: 'bearer', header: `Bearer ${token}`, ...(granted ? { access: granted } : {}) } };
}

async function basicStep(run: DiagnosisRun, baseUrl: URL): Promise<Outcome> {
  const start = performance.now();
  const title = 'Username and password (Basic)';
  const credentials = run.peer(baseUrl).credentials;
  if (!credentials) {
    const message = `${run.host} wants a username and password, and this session has none for it: sign in to continue.`;
    return {
      step: { id: 'auth', title, status: 'failed', ms: ms(start), sentence: message, facts: [], requests: [], error: { code: 'UNAUTHORIZED', message } },
    };
  }
  const request = basicCheckRequest(baseUrl, credentials);
  const curl = curlRequest(request.url, { kind: 'basic', username: credentials.username });
  const sent = await run.send({ ...request, method: 'GET' });
  const { res } = sent;
  if (!res) return { step: run.failedRequest('auth', title, sent, start, curl) };
  const facts = [{ label: 'Status', value: String(res.status) }];
  const step: DiagnosisStep = { id: 'auth', title, status: 'ok', ms: 0, sentence: '', facts, requests: [sent.request], curl };
  step.ms = ms(start);
  let checked: 'accepted' | 'refused';
  try {
    checked = readBasicCheck(res, run.peer(baseUrl));
  } catch (e) {
    if (!(e instanceof RegistryError)) throw e;
    return { step: failed(step, start, e) };
  }
  if (checked === 'refused') {
    const message = `${run.host} refused the username or password (or token) of ${run.username}: sign in again with the right ones.`;
    return { step: failed(step, start, { code: 'UNAUTHORIZED', message }) };
  }
  return {
    step: { ...step, sentence: `${run.host} accepted the username and password of ${run.username}.` },
    access: { kind: 'basic', header: basicAuthorization(credentials) },
  };
}

/** Step 3 for what GET /v2/ asked: a token, Basic credentials, or nothing. */
export function authStep(run: DiagnosisRun, baseUrl: URL, ping: PingResult): Promise<Outcome> {
  if (ping.scheme === 'bearer') return tokenStep(run, baseUrl, ping);
  if (ping.scheme === 'basic') return basicStep(run, baseUrl);
  const sentence =
    run.username !== undefined
      ? `/v2/ is open, so Berth sends no credentials to it: ${run.username}'s password is only sent where a resource asks for it.`
      : '/v2/ is open: no token or password is needed to reach it.';
  return Promise.resolve({
    step: { id: 'auth', title: 'Authentication', status: 'ok', ms: 0, sentence, facts: [], requests: [] },
    access: { kind: 'none' },
  });
}
