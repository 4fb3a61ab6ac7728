// Step 2, GET /v2/: what the registry answered, every challenge it sent (parsed, the realm
// resolved when relative), its certificate over https, and what the handshake makes of the answer
// (../auth/handshake.ts readPing): open, Basic, a token from a realm, or no registry at all.
import { performance } from 'node:perf_hooks';
import { pingRequest, readPing, type InvalidRealm } from '../auth/handshake';
import { findChallenge, parseChallenges, type Challenge } from '../challenge';
import type { PingResult } from '../context';
import { RegistryError } from '../errors';
import { curlRequest } from './curl';
import type { DiagnosisChallenge, DiagnosisFact, DiagnosisStatus, DiagnosisStep } from './report';
import { SEVERITY, ms, type DiagnosisRun } from './run';

/** A certificate this close to its end is worth a warning. */
const CERTIFICATE_WARNING_DAYS = 14;

/** A challenge as shown: its parameters, and the realm resolved against the URL that sent it when that differs. */
export function challengeView(c: Challenge, from: URL): DiagnosisChallenge {
  const view: DiagnosisChallenge = { scheme: c.scheme };
  const { realm, service, scope, error } = c.params;
  if (realm !== undefined) {
    view.realm = realm;
    try {
      const resolved = new URL(realm, from).href;
      if (resolved !== realm) view.realmUrl = resolved;
    } catch {
      // Left as sent: the step says it is not a URL.
    }
  }
  if (service !== undefined) view.service = service;
  if (scope !== undefined) view.scope = scope;
  if (error !== undefined) view.error = error;
  return view;
}

export async function pingStep(run: DiagnosisRun, baseUrl: URL): Promise<{ step: DiagnosisStep; ping?: PingResult }> {
  const { host } = run;
  const start = performance.now();
  const title = 'GET /v2/';
  const request = pingRequest(baseUrl);
  const curl = curlRequest(request.url, { kind: 'none' });
  const sent = await run.send({ ...request, method: 'GET' });
  const { res } = sent;
  if (!res) return { step: run.failedRequest('ping', title, sent, start, curl) };
  const challenges = parseChallenges(res.headers.getAll('www-authenticate'));
  const facts: DiagnosisFact[] = [
    { label: 'Status', value: String(res.status) },
    { label: 'Docker-Distribution-API-Version', value: res.headers.get('docker-distribution-api-version') ?? 'not sent' },
  ];
  const views = challenges.map((c) => challengeView(c, res.url));
  const step: DiagnosisStep = {
    id: 'ping',
    title,
    status: 'ok',
    ms: 0,
    sentence: '',
    facts,
    requests: [sent.request],
    curl,
    ...(views.length ? { challenges: views } : {}),
  };
  if (res.tls) {
    step.tls = res.tls;
    const daysLeft = Math.floor((Date.parse(res.tls.validTo) - Date.now()) / 86_400_000);
    facts.push(
      { label: 'Certificate', value: `${res.tls.subject}, issued by ${res.tls.issuer}` },
      { label: 'Certificate expires', value: `${res.tls.validTo} (${daysLeft} days)` },
    );
    if (daysLeft < CERTIFICATE_WARNING_DAYS) {
      step.status = 'warning';
      step.sentence = `The certificate of ${baseUrl.host} ends on ${res.tls.validTo.slice(0, 10)}: ask its owner to renew it. `;
    }
  }
  const done = (status: DiagnosisStatus, sentence: string, outcome: { ping?: PingResult; error?: { code: RegistryError['code']; message: string } }) => {
    step.status = SEVERITY[status] > SEVERITY[step.status] ? status : step.status;
    step.sentence = `${sentence}${step.sentence ? ` ${step.sentence.trim()}` : ''}`;
    step.ms = ms(start);
    if (outcome.error) step.error = outcome.error;
    return { step, ping: outcome.ping };
  };
  let ping: PingResult;
  try {
    ping = readPing(res, run.peer(baseUrl));
  } catch (e) {
    if (!(e instanceof RegistryError)) throw e;
    const realm = (e.detail as Partial<InvalidRealm> | undefined)?.invalidRealm;
    const message = realm !== undefined ? `${host} named a token service address that is not a valid URL (${realm}); it cannot be signed in to.` : e.message;
    return done('failed', message, { error: { code: e.code, message } });
  }
  const api = res.headers.get('docker-distribution-api-version')
    ? ''
    : ' It sent no Docker-Distribution-API-Version header (most registries do; it is not required).';
  if (ping.scheme === 'none') {
    return done('ok', `${host} answers /v2/ without credentials: anonymous requests reach it, and resources may still ask for credentials.${api}`, { ping });
  }
  if (ping.scheme === 'bearer') {
    const sentRealm = findChallenge(challenges, 'bearer')?.params.realm;
    const relative = ping.realm !== sentRealm ? ` (the challenge gave the relative realm ${sentRealm}, resolved against ${res.url.href})` : '';
    return done('ok', `${host} asks for a Bearer token from ${ping.realm}${relative}${ping.service ? `, service ${ping.service}` : ''}.${api}`, { ping });
  }
  if (findChallenge(challenges, 'basic')) return done('ok', `${host} asks for a username and password (Basic).${api}`, { ping });
  return done(
    'warning',
    `${host} answered 401 without a challenge Berth can use (no WWW-Authenticate with a Bearer realm or Basic): Berth sends the username and password as Basic and hopes.${api}`,
    { ping },
  );
}
