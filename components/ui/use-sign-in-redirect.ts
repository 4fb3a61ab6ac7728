'use client';

import { useEffect } from 'react';
import { useRouter } from 'next/navigation';
import { ApiError } from '@/components/data';
import { withoutBasePath } from '@/lib/base-path';
import { signInHref } from '@/lib/sign-in-href';

/**
 * When `error` says the registry wants a sign-in, replace this page with the sign-in form for that
 * registry, which comes back here afterwards. `host` is the view's registry, used when the error
 * names none. Returns the registry it is taking the person to, or undefined.
 */
export function useSignInRedirect(error: unknown, host?: string): string | undefined {
  const router = useRouter();
  const apiError = error instanceof ApiError ? error : undefined;
  const registry = apiError?.registry ?? host;
  const needsSignIn = apiError?.code === 'SIGN_IN_REQUIRED' && registry !== undefined;

  useEffect(() => {
    if (!needsSignIn) return;
    router.replace(signInHref(registry, withoutBasePath(window.location.pathname) + window.location.search));
  }, [needsSignIn, registry, router]);

  return needsSignIn ? registry : undefined;
}
