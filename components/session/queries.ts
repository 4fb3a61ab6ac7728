import { queryOptions } from '@tanstack/react-query';
import type { SessionResponse, SignInRequest, SignInResponse } from '@/lib/api-types';
import { apiFetch } from '@/components/api/client';

export const sessionKeys = {
  all: ['session'] as const,
};

export function sessionQueryOptions() {
  return queryOptions({
    queryKey: sessionKeys.all,
    queryFn: ({ signal }) => apiFetch<SessionResponse>('/api/session', { signal }),
  });
}

export function signIn(request: SignInRequest): Promise<SignInResponse> {
  return apiFetch<SignInResponse>('/api/session/registries', {
    method: 'POST',
    body: JSON.stringify(request),
  });
}

export function signOut(host: string): Promise<unknown> {
  return apiFetch<unknown>(`/api/session/registries/${encodeURIComponent(host)}`, { method: 'DELETE' });
}

export function signOutOfAll(): Promise<unknown> {
  return apiFetch<unknown>('/api/session', { method: 'DELETE' });
}
