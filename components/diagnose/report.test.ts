// The Markdown report a person pastes into a bug report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DiagnosisBody } from '@/lib/api/types';
import { diagnosisReport } from './report';

const body: DiagnosisBody = {
  host: 'r.example',
  baseUrl: 'https://r.example',
  username: 'carol',
  repository: 'team/app',
  startedAt: '2026-01-01T00:00:00.000Z',
  ms: 42,
  status: 'warning',
  summary: 'The token service answered, but granted nothing for `registry:catalog:*`: this account cannot list repositories here.',
  steps: [
    {
      id: 'ping',
      title: 'GET /v2/',
      status: 'ok',
      ms: 7,
      sentence: 'r.example asks for a Bearer token.',
      facts: [{ label: 'Status', value: '401' }],
      requests: [{ method: 'GET', url: 'https://r.example/v2/', status: 401, ms: 7 }],
      challenges: [{ scheme: 'bearer', realm: '/token', realmUrl: 'https://r.example/token', service: 'a|b' }],
      curl: "curl -sS -i 'https://r.example/v2/'",
    },
    {
      id: 'auth',
      title: 'Token',
      status: 'warning',
      ms: 9,
      sentence: 'granted nothing',
      facts: [],
      requests: [{ method: 'GET', url: 'https://r.example/token?account=carol', authorization: 'Basic carol:•••', status: 200, ms: 9 }],
      access: [{ scope: 'registry:catalog:*', granted: [], covered: false }],
      error: { code: 'CATALOG_UNSUPPORTED', message: 'x' },
    },
    { id: 'repository', title: 'Repository', status: 'skipped', ms: 0, sentence: 'Not run.', facts: [], requests: [] },
  ],
};

test('the report has a header, one section per step, tables, requests and the commands', () => {
  const report = diagnosisReport(body);
  assert.match(report, /^# Berth diagnosis of r\.example\n\n- Registry: r\.example \(https:\/\/r\.example\)\n- As: carol\n- Repository: team\/app\n/);
  assert.match(report, /- Result: warning: The token service answered, but granted nothing/);
  assert.match(report, /\n## 1\. GET \/v2\/ — ok \(7 ms\)\n\nr\.example asks for a Bearer token\.\n\n- Status: 401\n/);
  assert.match(report, /\| bearer \| \/token → https:\/\/r\.example\/token \| a\\\|b \|  \|  \|/);
  assert.match(report, /- `GET https:\/\/r\.example\/token\?account=carol \(Basic carol:•••\) → 200 in 9 ms`/);
  assert.match(report, /\| registry:catalog:\* \| nothing \| missing \|/);
  assert.match(report, /Berth's code for this: `CATALOG_UNSUPPORTED`/);
  assert.match(report, /```sh\ncurl -sS -i 'https:\/\/r\.example\/v2\/'\n```/);
  assert.match(report, /## 3\. Repository — skipped\n/);
  assert.doesNotMatch(report, /\n{3}/);
});
