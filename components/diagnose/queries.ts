import { queryOptions } from '@tanstack/react-query';
import type { DiagnosisBody } from '@/lib/api/types';
import { apiFetch, registryApiPath } from '@/components/api/client';
import { registryKeys } from '@/components/api/registry-keys';

export const diagnosisKeys = {
  run: (host: string, repository: string | undefined) => [...registryKeys.host(host), 'diagnose', repository ?? ''] as const,
};

/**
 * A diagnosis explains the registry as it is now: run afresh on every visit and by Run again,
 * never from the tab's cache, never retried behind the person's back (each run costs requests).
 */
export function diagnosisQueryOptions(host: string, repository: string | undefined) {
  return queryOptions({
    queryKey: diagnosisKeys.run(host, repository),
    queryFn: ({ signal }) => apiFetch<DiagnosisBody>(registryApiPath(host, 'diagnose', { repository }), { signal }),
    staleTime: 0,
    gcTime: 0,
    retry: false,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });
}
