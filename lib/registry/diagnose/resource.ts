// What the catalog and repository steps share: a GET of a registry resource with the access the
// handshake gave, and what a refusal of it says (the registry's own error, its challenge, an HTML
// page where a registry error belongs, and why the token or credentials fell short).
import { MAX_SMALL_BODY } from '../auth/handshake';
import { parseChallenges } from '../challenge';
import { parseErrorBody } from '../errors';
import type { HttpResponse } from '../net/http';
import { grants } from '../scope';
import { curlRequest } from './curl';
import { challengeView } from './ping';
import type { DiagnosisChallenge, DiagnosisFact, DiagnosisStep, DiagnosisStepId } from './report';
import type { Access, DiagnosisRun } from './run';

/** A resource's list, asked as JSON; its step (status fact, request, curl), or the failed step when no answer came. */
export async function getResource(
  run: DiagnosisRun,
  id: DiagnosisStepId,
  title: string,
  url: URL,
  access: Access,
  start: number,
): Promise<{ res: HttpResponse; step: DiagnosisStep } | { failed: DiagnosisStep }> {
  const curl = curlRequest(url, run.curlAuth(access));
  const sent = await run.send({ url, method: 'GET', headers: { accept: 'application/json', ...run.headersFor(access) }, maxBytes: MAX_SMALL_BODY });
  const { res } = sent;
  if (!res) return { failed: run.failedRequest(id, title, sent, start, curl) };
  return {
    res,
    step: { id, title, status: 'ok', ms: 0, sentence: '', facts: [{ label: 'Status', value: String(res.status) }], requests: [sent.request], curl },
  };
}

/** Facts about a refusal: the registry's own code and message, its challenge, an HTML body. */
function refusalFacts(res: HttpResponse): { facts: DiagnosisFact[]; challenges: DiagnosisChallenge[] } {
  const facts: DiagnosisFact[] = [];
  const upstream = parseErrorBody(res.body)[0];
  if (upstream) facts.push({ label: 'Registry error', value: `${upstream.code}${upstream.message ? `: ${upstream.message}` : ''}` });
  const type = (res.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
  if (!upstream && res.body.length > 0)
    facts.push({
      label: 'Body',
      value: `${res.body.length} bytes of ${type || 'unnamed content'}${type === 'text/html' ? ' (an HTML page, not a registry error)' : ''}`,
    });
  const challenges = parseChallenges(res.headers.getAll('www-authenticate')).map((c) => challengeView(c, res.url));
  if (res.status === 401)
    facts.push({ label: 'WWW-Authenticate', value: challenges.length ? `${challenges.length} challenge${challenges.length > 1 ? 's' : ''}` : 'none' });
  return { facts, challenges };
}

/** The refusal's facts and challenges added to `step`, and the sentence for a resource the registry would not serve. */
export function explainRefusal(run: DiagnosisRun, step: DiagnosisStep, res: HttpResponse, what: string, scope: string, access: Access): string {
  const { facts, challenges } = refusalFacts(res);
  step.facts.push(...facts);
  if (challenges.length) step.challenges = challenges;
  const { host } = run;
  const bearer = challenges.find((c) => c.scheme === 'bearer');
  if (res.status === 401 && challenges.length === 0) {
    return `${host} answered 401 for ${what} without a WWW-Authenticate challenge, so it does not say what it wants. Berth keeps using the /v2/ challenge; if the token or credentials above are right, this account lacks access to ${what}, or the registry needs another kind of sign-in.`;
  }
  if (res.status === 401 && bearer && access.kind !== 'bearer') {
    return `${host} asks for a Bearer token for ${what} although /v2/ did not (realm ${bearer.realmUrl ?? bearer.realm ?? '?'}); Berth follows that challenge when it browses.`;
  }
  if (access.kind === 'bearer' && access.access && !grants(access.access, scope)) {
    return `The token carries no \`${scope}\` (see Token).`;
  }
  if (bearer?.error === 'insufficient_scope') {
    return `It answered insufficient_scope${bearer.scope ? ` for \`${bearer.scope}\`` : ''}: the token does not grant what it wants.`;
  }
  return '';
}
