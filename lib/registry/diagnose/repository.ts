// Step 5, a repository the person named: its tag list with what the handshake gave, then a HEAD of
// its first tag's manifest (free of Docker Hub's pull limit, and where it reports that limit).
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { MAX_SMALL_BODY } from '../auth/handshake';
import { MANIFEST_ACCEPT } from '../manifest';
import { isValidTag, validateRepository } from '../reference';
import { errorFromResponse } from '../response-error';
import { repositoryScope } from '../scope';
import { curlRequest } from './curl';
import type { DiagnosisStep } from './report';
import { explainRefusal, getResource } from './resource';
import { SAMPLE, failed, ms, safeJson, sampleOf, skipped, type Access, type DiagnosisRun } from './run';

const TITLE = 'Repository: GET /v2/NAME/tags/list';

const tagsSchema = z.object({ tags: z.array(z.unknown()).nullable().optional() });

export async function repositoryStep(run: DiagnosisRun, baseUrl: URL, access: Access): Promise<DiagnosisStep> {
  const { host, username } = run;
  const repository = run.options.repository;
  if (repository === undefined) return skipped('repository', TITLE, 'Name a repository above to check its tag list and a manifest with the same credentials.');
  const start = performance.now();
  const named = `Repository ${repository}`;
  try {
    validateRepository(repository);
  } catch (e) {
    const message = e instanceof Error ? e.message : 'That is not a repository name.';
    return {
      id: 'repository',
      title: named,
      status: 'failed',
      ms: ms(start),
      sentence: message,
      facts: [],
      requests: [],
      error: { code: 'INVALID_REFERENCE', message },
    };
  }
  const got = await getResource(run, 'repository', named, new URL(`/v2/${repository}/tags/list?n=${SAMPLE}`, baseUrl), access, start);
  if ('failed' in got) return got.failed;
  const { res, step } = got;
  if (res.status !== 200) {
    const why = explainRefusal(run, step, res, repository, repositoryScope(repository), access);
    const error = errorFromResponse(res, run.requester, { repository });
    const html = (res.headers.get('content-type') ?? '').startsWith('text/html')
      ? ' The body is an HTML page, not a registry error: a proxy or web server in front of the registry answered.'
      : '';
    return failed(step, start, error, `${error.message}${why ? ` ${why}` : ''}${html}`);
  }
  const parsed = tagsSchema.safeParse(safeJson(res.body));
  if (!parsed.success) {
    return failed(step, start, { code: 'BAD_RESPONSE', message: `${host} answered the tag list of ${repository} with something that is not a tag list.` });
  }
  const tags = (parsed.data.tags ?? []).filter((t): t is string => typeof t === 'string' && isValidTag(t));
  step.facts.push({ label: `Tags (first ${SAMPLE})`, value: sampleOf(tags) });
  const first = tags[0];
  if (first === undefined) return { ...step, ms: ms(start), sentence: `${host} lists the tags of ${repository}: it has none yet.` };
  const manifestUrl = new URL(`/v2/${repository}/manifests/${first}`, baseUrl);
  step.curl = `${step.curl ?? ''}\n${curlRequest(manifestUrl, run.curlAuth(access), { method: 'HEAD', accept: MANIFEST_ACCEPT })}`;
  const head = await run.send({
    url: manifestUrl,
    method: 'HEAD',
    headers: { accept: MANIFEST_ACCEPT, ...run.headersFor(access) },
    maxBytes: MAX_SMALL_BODY,
  });
  step.requests.push(head.request);
  if (head.res?.status === 200) {
    const digest = head.res.headers.get('docker-content-digest');
    step.facts.push({
      label: `Manifest ${first}`,
      value: `${(head.res.headers.get('content-type') ?? 'no type').split(';')[0]}${digest ? `, ${digest.slice(0, 80)}` : ''}`,
    });
    return { ...step, ms: ms(start), sentence: `${host} lets ${username ?? 'anonymous requests'} read ${repository}: its tags, and the manifest of ${first}.` };
  }
  const problem = head.res ? `HTTP ${head.res.status}` : (head.error?.message ?? 'no answer');
  step.facts.push({ label: `Manifest ${first}`, value: problem });
  return {
    ...step,
    status: 'warning',
    ms: ms(start),
    sentence: `${host} lists the tags of ${repository}, but a HEAD of its manifest ${first} answered ${problem}.`,
  };
}
