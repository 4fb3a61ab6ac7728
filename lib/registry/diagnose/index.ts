// The connection explained step by step (the /HOST/-/diagnose page), in the order Berth itself
// connects: the address policy (address.ts), GET /v2/ and its challenge (ping.ts), the token or
// the Basic check (auth.ts), the catalog (catalog.ts), a repository's tags (repository.ts) and the
// rate-limit headers of every answer (rate-limits.ts), each with the curl that reproduces it.
//
// Each step runs the handshake's own functions (../auth/handshake.ts) and adds only facts and
// sentences. It shows the live state, so it neither reads nor fills the ping and token caches:
// every request is sent afresh, through the same transport, address policy, deadline and size
// caps as Berth's own, and recorded (../net/record.ts). Secrets never leave it: a password or
// token is shown as •••, and every string of the result is scrubbed of them before it is returned
// (a registry may echo a header back in an error).
import { performance } from 'node:perf_hooks';
import { addressStep } from './address';
import { authStep } from './auth';
import { catalogStep } from './catalog';
import { pingStep } from './ping';
import { rateLimitStep } from './rate-limits';
import { scrubSecrets, type Diagnosis, type DiagnosisStep, type DiagnosisStepId } from './report';
import { repositoryStep } from './repository';
import { SEVERITY, DiagnosisRun, ms, skipped, type Access, type DiagnoseOptions } from './run';

export type * from './report';
export type { DiagnoseOptions } from './run';
export { scrubSecrets } from './report';

/** What a step that cannot run is called. */
const TITLES: Record<DiagnosisStepId, string> = {
  address: 'Address and policy',
  ping: 'GET /v2/',
  auth: 'Authentication',
  catalog: 'Catalog: GET /v2/_catalog',
  repository: 'Repository: GET /v2/NAME/tags/list',
  'rate-limits': 'Rate limits',
};

/** The steps in order; each runs only when those it needs worked. */
async function steps(run: DiagnosisRun): Promise<{ steps: DiagnosisStep[]; baseUrl?: URL }> {
  const steps: DiagnosisStep[] = [];
  const rest = (sentence: string, ids: DiagnosisStepId[]) => steps.push(...ids.map((id) => skipped(id, TITLES[id], sentence)));
  const address = await addressStep(run);
  steps.push(address.step);
  const { baseUrl } = address;
  if (!baseUrl) {
    rest('Not run: Berth does not connect to an address its policy refuses.', ['ping', 'auth', 'catalog', 'repository', 'rate-limits']);
    return { steps };
  }
  const ping = await pingStep(run, baseUrl);
  steps.push(ping.step);
  let access: Access = { kind: 'none' };
  if (!ping.ping || ping.step.status === 'failed') {
    rest('Not run: /v2/ did not answer as a registry.', ['auth', 'catalog', 'repository']);
  } else {
    const auth = await authStep(run, baseUrl, ping.ping);
    steps.push(auth.step);
    if (!auth.access) {
      rest('Not run: authentication failed (see above).', ['catalog', 'repository']);
    } else {
      access = auth.access;
      steps.push(await catalogStep(run, baseUrl, access));
      steps.push(await repositoryStep(run, baseUrl, access));
    }
  }
  steps.push(rateLimitStep(run, baseUrl, access));
  return { steps, baseUrl };
}

/** Runs every step of the diagnosis against the live registry. Never throws for what a registry does. */
export async function diagnose(options: DiagnoseOptions): Promise<Diagnosis> {
  const startedAt = new Date().toISOString();
  const start = performance.now();
  const run = new DiagnosisRun(options);
  const { steps: done, baseUrl } = await steps(run);
  const worst = done.reduce<DiagnosisStep | undefined>((w, s) => (SEVERITY[s.status] > SEVERITY[w?.status ?? 'skipped'] ? s : w), undefined);
  const status = worst && worst.status !== 'skipped' ? worst.status : 'ok';
  const who = run.username !== undefined ? ` as ${run.username}` : ' anonymously';
  const diagnosis: Diagnosis = {
    host: options.host,
    ...(baseUrl ? { baseUrl: baseUrl.origin } : {}),
    username: run.username ?? null,
    ...(options.repository !== undefined ? { repository: options.repository } : {}),
    startedAt,
    ms: ms(start),
    status,
    summary: status === 'ok' ? `Every step worked: Berth reaches ${options.host} and is let in${who}.` : (worst?.sentence ?? ''),
    steps: done,
  };
  return scrubSecrets(diagnosis, run.secrets);
}
