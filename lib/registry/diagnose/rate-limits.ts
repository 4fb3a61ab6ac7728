// Step 6, rate limits: the rate-limit headers of every answer the steps before it got (Docker
// Hub's, and the IETF draft's), a 429 among them, or a limit with nothing left.
import { curlRateLimits } from './curl';
import type { DiagnosisFact, DiagnosisRateLimit, DiagnosisStatus, DiagnosisStep } from './report';
import type { Access, DiagnosisRun } from './run';

/** The headers registries and APIs report rate limits in. */
const RATE_LIMIT_HEADERS = [
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'retry-after',
  'docker-ratelimit-source',
];

export function rateLimitStep(run: DiagnosisRun, baseUrl: URL, access: Access): DiagnosisStep {
  const { host } = run;
  const rows: DiagnosisRateLimit[] = [];
  let tooMany = false;
  for (const { request, response } of run.exchanges) {
    if (!response) continue;
    if (response.status === 429) tooMany = true;
    const from = `${request.method} ${request.url.pathname}`;
    for (const header of RATE_LIMIT_HEADERS) {
      const value = response.headers.get(header);
      if (value !== undefined) rows.push({ header, value: value.slice(0, 200), from });
    }
  }
  const repository = run.validRepository();
  const curl = repository ? curlRateLimits(new URL(`/v2/${repository}/tags/list`, baseUrl), run.curlAuth(access)) : undefined;
  const facts: DiagnosisFact[] = [];
  let status: DiagnosisStatus = 'ok';
  let sentence = rows.length ? `${host} sent rate-limit headers: see below.` : `${host} sent no rate-limit headers in these answers.`;
  const exhausted = rows.find((r) => /remaining$/.test(r.header) && /^\s*0\s*(;|$)/.test(r.value));
  const retry = rows.find((r) => r.header === 'retry-after');
  if (tooMany) {
    status = 'failed';
    sentence = `${host} is rate-limiting these requests (HTTP 429)${retry ? `: try again in ${retry.value} s` : ''}.${run.username === undefined ? ' Signing in usually raises the limit.' : ''}`;
  } else if (exhausted) {
    status = 'warning';
    sentence = `${host} says none of its limit remains (${exhausted.header}: ${exhausted.value}); the next requests may be refused.`;
  }
  if (rows.length) facts.push({ label: 'Headers', value: String(rows.length) });
  return {
    id: 'rate-limits',
    title: 'Rate limits',
    status,
    ms: 0,
    sentence,
    facts,
    requests: [],
    ...(rows.length ? { rateLimits: rows } : {}),
    ...(curl ? { curl } : {}),
  };
}
