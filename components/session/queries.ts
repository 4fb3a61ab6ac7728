import { queryOptions } from '@tanstack/react-query';
import type { SessionBody, SignInRequest, SignInBody } from '@/lib/api/types';
import { apiFetch } from '@/components/api/client';

export const sessionKeys = {
  all: ['session'] as const,
};

export function sessionQueryOptions() {
  return queryOptions({
    queryKey: sessionKeys.all,
    queryFn: ({ signal }) => apiFetch<SessionBody>('/api/session', { signal }),
  });
}

export function signIn(request: SignInRequest): Promise<SignInBody> {
  return apiFetch<SignInBody>('/api/session/registries', {
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
