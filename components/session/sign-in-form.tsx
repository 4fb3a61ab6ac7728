'use client';

import { useId, useState } from 'react';
import { useRouter } from 'next/navigation';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { registryKeys } from '@/components/api/registry-keys';
import { isApiError } from '@/components/api/client';
import { isSafeNextPath } from './sign-in-href';
import { sessionKeys, signIn } from './queries';

const inputClass =
  'w-full rounded-md border border-neutral-300 bg-white px-3 py-2 text-sm focus-visible:border-blue-600 focus-visible:outline-2 focus-visible:outline-blue-600/40 dark:border-neutral-700 dark:bg-neutral-900';

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
      queryClient.removeQueries({ queryKey: registryKeys.host(signedIn.host) });
      await queryClient.invalidateQueries({ queryKey: sessionKeys.all });
      router.replace(isSafeNextPath(next) ? next : `/${signedIn.host}`);
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
        autoComplete="url"
        autoCapitalize="none"
        spellCheck={false}
        mono
      />
      <TextField
        label="Username"
        name="username"
        value={username}
        onChange={(event) => setUsername(event.target.value)}
        hint="Leave username empty for anonymous access."
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
      />
      <TextField
        label="Password or token"
        name="password"
        type="password"
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        autoComplete="current-password"
      />

      {error ? (
        <div
          role="alert"
          className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-900 dark:border-red-900/60 dark:bg-red-950/40 dark:text-red-100"
        >
          {isApiError(error) ? (
            <code className="mr-2 inline-block rounded bg-red-100 px-1.5 py-0.5 font-mono text-xs dark:bg-red-900/60">{error.code}</code>
          ) : null}{' '}
          {error.message}
        </div>
      ) : null}

      <button
        type="submit"
        disabled={pending}
        aria-busy={pending}
        className="w-full rounded-md bg-neutral-900 px-4 py-2 text-sm font-medium text-white hover:bg-neutral-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 disabled:cursor-wait disabled:opacity-60 dark:bg-neutral-100 dark:text-neutral-900 dark:hover:bg-neutral-300"
      >
        Sign in
      </button>
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
        <p id={hintId} className="text-xs text-neutral-600 dark:text-neutral-400">
          {hint}
        </p>
      ) : null}
    </div>
  );
}
