'use client';

import { useId, useState } from 'react';
import { useRouter } from 'next/navigation';

/**
 * Accepts what `docker pull` accepts (and a pasted `docker pull …` line or a Berth link) and
 * navigates to it; the catch-all route normalises, redirects or explains what is wrong.
 */
export function toBerthPath(input: string): string | null {
  let text = input.trim();
  text = text.replace(/^docker\s+pull\s+/, '').replace(/^(?:--\S+\s+)+/, '');
  if (typeof window !== 'undefined' && text.startsWith(window.location.origin + '/')) {
    text = text.slice(window.location.origin.length);
  }
  text = text.replace(/^\/+/, '');
  if (!text) return null;
  return `/${text}`;
}

export function OpenReferenceForm() {
  const router = useRouter();
  const inputId = useId();
  const hintId = useId();
  const [value, setValue] = useState('');

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const path = toBerthPath(value);
    if (path) router.push(path);
  }

  return (
    <form onSubmit={onSubmit} className="space-y-2">
      <label htmlFor={inputId} className="block text-sm font-medium">
        Image reference
      </label>
      <div className="flex flex-col gap-2 sm:flex-row">
        <input
          id={inputId}
          value={value}
          onChange={(event) => setValue(event.target.value)}
          aria-describedby={hintId}
          placeholder="alpine:3.20"
          required
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          className="min-w-0 flex-1 rounded-md border border-neutral-300 bg-white px-3 py-2 font-mono text-sm focus-visible:border-blue-600 focus-visible:outline-2 focus-visible:outline-blue-600/40 dark:border-neutral-700 dark:bg-neutral-900"
        />
        <button
          type="submit"
          className="rounded-md bg-neutral-900 px-4 py-2 text-sm font-medium text-white hover:bg-neutral-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 dark:bg-neutral-100 dark:text-neutral-900 dark:hover:bg-neutral-300"
        >
          Open
        </button>
      </div>
      <p id={hintId} className="text-xs text-neutral-600 dark:text-neutral-400">
        Anything <code className="font-mono">docker pull</code> takes:{' '}
        <code className="font-mono">alpine</code>, <code className="font-mono">ghcr.io/owner/app:v1</code>,{' '}
        <code className="font-mono">127.0.0.1:5000/team/app@sha256:…</code>
      </p>
    </form>
  );
}
