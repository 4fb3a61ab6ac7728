// Step 4, the catalog: GET /v2/_catalog with what the handshake gave, and a sample of what it lists.
// A refusal reads as Berth's repository list answers it: anonymous people are sent to sign in,
// others told to open a repository by name; Docker Hub lists nothing, and says so.
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { isValidRepository } from '../reference';
import { errorFromResponse } from '../response-error';
import { CATALOG_SCOPE } from '../scope';
import { traitsOf } from '../traits';
import type { DiagnosisStep } from './report';
import { explainRefusal, getResource } from './resource';
import { SAMPLE, failed, ms, safeJson, sampleOf, type Access, type DiagnosisRun } from './run';

const catalogSchema = z.object({ repositories: z.array(z.unknown()).nullable().optional() });

export async function catalogStep(run: DiagnosisRun, baseUrl: URL, access: Access): Promise<DiagnosisStep> {
  const { host, username } = run;
  const start = performance.now();
  const got = await getResource(run, 'catalog', 'Catalog: GET /v2/_catalog', new URL(`/v2/_catalog?n=${SAMPLE}`, baseUrl), access, start);
  if ('failed' in got) return got.failed;
  const { res, step } = got;
  const hub = traitsOf(host).listing === 'catalog' ? '' : ' Docker Hub never lists repositories: Berth opens them by name.';
  if (res.status === 200) {
    const parsed = catalogSchema.safeParse(safeJson(res.body));
    if (!parsed.success) {
      return failed(step, start, { code: 'BAD_RESPONSE', message: `${host} answered the catalog with something that is not a repository list.` });
    }
    const names = (parsed.data.repositories ?? []).filter((n): n is string => typeof n === 'string' && isValidRepository(n));
    step.facts.push({ label: `Repositories (first ${SAMPLE})`, value: sampleOf(names) });
    step.facts.push({ label: 'More pages', value: res.headers.get('link') ? 'yes (Link header)' : 'no' });
    return { ...step, ms: ms(start), sentence: `${host} lists its repositories${username !== undefined ? ` for ${username}` : ''}.` };
  }
  const why = explainRefusal(run, step, res, 'the catalog', CATALOG_SCOPE, access);
  if ([401, 403, 404, 405].includes(res.status)) {
    const anonymous = username === undefined && res.status === 401;
    const sentence = anonymous
      ? `${host} does not list its repositories anonymously (HTTP ${res.status}).${why ? ` ${why}` : ''} Sign in to list them, or open a repository by name.${hub}`
      : `${host} does not list its repositories${username !== undefined ? ` for ${username}` : ''} (HTTP ${res.status}).${why ? ` ${why}` : ''} Open a repository by name instead.${hub}`;
    return { ...step, status: 'warning', ms: ms(start), sentence, error: { code: anonymous ? 'SIGN_IN_REQUIRED' : 'CATALOG_UNSUPPORTED', message: sentence } };
  }
  const error = errorFromResponse(res, run.requester);
  return failed(step, start, error, `${error.message}${why ? ` ${why}` : ''}${hub}`);
}
