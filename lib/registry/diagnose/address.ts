// Step 1, the address and the policy: the base URL, the addresses its name resolves to, and the
// policy's decision with its reason. A refusal names ALLOWED_REGISTRIES and the exact origin to
// add, and nothing is sent.
import { performance } from 'node:perf_hooks';
import { isIP } from 'node:net';
import type { PolicyDecision } from '../policy';
import { curlAddress } from './curl';
import type { DiagnosisFact, DiagnosisStep } from './report';
import { ms, type DiagnosisRun } from './run';

export async function addressStep(run: DiagnosisRun): Promise<{ step: DiagnosisStep; baseUrl?: URL }> {
  const { host, options } = run;
  const start = performance.now();
  const title = 'Address and policy';
  const policy = options.context.policy;
  const lookup =
    options.lookup ??
    ((hostname: string, url: URL) => {
      // A name the operator listed resolves as the system would (search domains); others through DNS alone.
      const listed = policy.check(url).privateOk;
      return options.context.resolve(hostname, listed).then((found) => found.map((a) => a.address));
    });
  const explained = policy.explainRegistry(options.scheme ? { host, scheme: options.scheme } : { host });
  const facts: DiagnosisFact[] = [{ label: 'Registry', value: host }];
  const failed = (code: 'NOT_ALLOWED' | 'UNREACHABLE', sentence: string, curlUrl: URL): { step: DiagnosisStep } => ({
    step: {
      id: 'address',
      title,
      status: 'failed',
      ms: ms(start),
      sentence,
      facts,
      requests: [],
      error: { code, message: sentence },
      curl: curlAddress(curlUrl),
    },
  });
  const refused = (decision: PolicyDecision, curlUrl: URL): { step: DiagnosisStep } => {
    const origin = decision.origin ?? host;
    // Without a scheme Berth assumes https; a registry at a private address often serves plain http.
    const orHttp = !options.scheme && origin.startsWith('https://') ? ` (or http://${host} if it serves plain http)` : '';
    const unset = policy.restricted
      ? ''
      : ' ALLOWED_REGISTRIES is unset now: once set, Berth talks only to what it lists, so list every registry this deployment needs.';
    facts.push({ label: 'Decision', value: 'refused' }, { label: 'Setting', value: 'ALLOWED_REGISTRIES' }, { label: 'Origin to add', value: origin });
    return failed('NOT_ALLOWED', `${decision.reason} To allow it, an administrator adds ${origin}${orHttp} to ALLOWED_REGISTRIES.${unset}`, curlUrl);
  };
  if (!explained.resolved) {
    const origin = explained.decision.origin ?? '';
    return refused(explained.decision, new URL(origin.includes('://') ? origin : policy.dockerHubUrl.origin));
  }
  const baseUrl = new URL(explained.resolved.baseUrl);
  facts.push({ label: 'Base URL', value: baseUrl.origin });
  const hostname = baseUrl.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (isIP(hostname)) {
    addresses = [hostname];
  } else {
    try {
      addresses = (await lookup(hostname, baseUrl)).slice(0, 16);
    } catch (e) {
      const code = (e as { code?: string }).code ?? '';
      const message = `${hostname} does not resolve${code ? ` (${code})` : ''}: check the address, and the DNS of the machine Berth runs on.`;
      facts.push({ label: 'Addresses', value: 'none' });
      return failed('UNREACHABLE', message, baseUrl);
    }
  }
  const decision = policy.explain(baseUrl, addresses);
  // Where a name leads inside the network is nobody's business: the addresses of a refused
  // name are not shown (the refusal says what kind of address it is).
  if (!decision.allowed) {
    facts.push({ label: 'Addresses', value: 'not shown: the name resolves to an address Berth may not use' });
    return refused(decision, baseUrl);
  }
  facts.push({ label: 'Addresses', value: addresses.join(', ') || 'none' });
  facts.push({ label: 'Decision', value: 'allowed' });
  return {
    step: { id: 'address', title, status: 'ok', ms: ms(start), sentence: `Allowed: ${decision.reason}`, facts, requests: [], curl: curlAddress(baseUrl) },
    baseUrl,
  };
}
