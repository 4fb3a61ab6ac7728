import 'server-only';
import type { DiagnosisBody } from '@/lib/api/types';
import { diagnose, type RequestScope } from '@/lib/registry';
import { registryContext } from './config';
import { storedRegistry } from './session';

/**
 * The diagnosis of `host` as this session's user for it, or anonymously: the same address policy,
 * deadline and concurrency limits as browsing, none of the caches (lib/registry/diagnose/).
 */
export async function fetchDiagnosisBody(host: string, repository: string | undefined, scope: RequestScope): Promise<DiagnosisBody> {
  const stored = await storedRegistry(host);
  const scheme = stored ? (new URL(stored.url).protocol === 'http:' ? 'http' : 'https') : undefined;
  const credentials = stored?.username ? { username: stored.username, password: stored.password ?? '' } : undefined;
  return diagnose({ host, scheme, credentials, repository, context: registryContext(), scope });
}
