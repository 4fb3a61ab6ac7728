'use client';

import { useId, useState } from 'react';
import { useRouter } from 'next/navigation';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { isApiError, keys, signIn } from '@/components/data';
import { DIAGNOSABLE_CODES, DiagnoseLink } from '@/components/ui/diagnose-link';
import { parseRegistryAddress } from '@/lib/registry/reference';
import { traitsOf } from '@/lib/registry/traits';
import { Button } from '@/components/ui/button';
import { fieldClass, nameInputProps } from '@/components/ui/field';
import { safeNextPath } from '@/lib/sign-in-href';

const inputClass = `${fieldClass} w-full px-3 py-2 text-sm`;

/** What the registry being typed takes, when it is not what people guess first (Docker Hub's tokens). */
function signInHint(registry: string): string | undefined {
  try {
    return traitsOf(parseRegistryAddress(registry).host).signInHint;
  } catch {
    return undefined;
  }
}

/** Sign in to one registry. The password goes in a POST body, never a URL. */
export function SignInForm({ registry: initialRegistry, next }: { registry: string; next: string | undefined }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [registry, setRegistry] = useState(initialRegistry);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');

  const mutation = useMutation({
    mutationFn: signIn,
    onSuccess: async ({ registry: signedIn }) => {
      // Anything cached while signed out (SIGN_IN_REQUIRED, DENIED…) is now wrong.
      queryClient.removeQueries({ queryKey: keys.registry(signedIn.host) });
      await queryClient.invalidateQueries({ queryKey: keys.session });
      router.replace(safeNextPath(next) ?? `/${signedIn.host}`);
    },
  });

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    mutation.mutate({ registry: registry.trim(), username: username.trim(), password });
  }

  const error = mutation.error;
  const pending = mutation.isPending || mutation.isSuccess;

  return (
    <form onSubmit={onSubmit} method="post" className="space-y-4">
      <TextField
        label="Registry"
        name="registry"
        value={registry}
        onChange={(event) => setRegistry(event.target.value)}
        placeholder="registry.example.com, ghcr.io, docker.io"
        required
        {...nameInputProps}
        autoComplete="url"
        mono
      />
      <TextField
        label="Username"
        name="username"
        value={username}
        onChange={(event) => setUsername(event.target.value)}
        hint="Leave username empty for anonymous access."
        {...nameInputProps}
        autoComplete="username"
      />
      <TextField
        label="Password or token"
        name="password"
        type="password"
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        autoComplete="current-password"
        hint={signInHint(registry)}
      />

      {error ? (
        <div role="alert" className="rounded-md border border-danger-border bg-danger-soft p-3 text-sm text-danger-fg">
          {isApiError(error) ? <code className="mr-2 inline-block rounded bg-danger-chip px-1.5 py-0.5 font-mono text-xs">{error.code}</code> : null}{' '}
          {error.message}
          {isApiError(error) && error.registry && DIAGNOSABLE_CODES.has(error.code) ? (
            <DiagnoseLink host={error.registry} variant="inline" className="mt-2 block w-fit font-medium" />
          ) : null}
        </div>
      ) : null}

      <Button type="submit" size="md" disabled={pending} aria-busy={pending} className="w-full disabled:cursor-wait">
        Sign in
      </Button>
    </form>
  );
}

interface TextFieldProps extends React.InputHTMLAttributes<HTMLInputElement> {
  label: string;
  hint?: string;
  mono?: boolean;
}

/** A labelled input (the labels are a stable contract the e2e tests rely on). */
function TextField({ label, hint, mono, ...input }: TextFieldProps) {
  const id = useId();
  const hintId = useId();
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      <input id={id} aria-describedby={hint ? hintId : undefined} className={mono ? `${inputClass} font-mono` : inputClass} {...input} />
      {hint ? (
        <p id={hintId} className="text-xs text-muted">
          {hint}
        </p>
      ) : null}
    </div>
  );
}
