'use client';

import { useId, useState } from 'react';
import { useRouter } from 'next/navigation';
import { Button } from '@/components/ui/button';
import { fieldClass, nameInputProps } from '@/components/ui/field';
import { basePath } from '@/lib/base-path';

/**
 * Accepts what `docker pull` accepts (and a pasted `docker pull …` line or a Berth link) and
 * navigates to it; the catch-all route normalises, redirects or explains what is wrong.
 */
export function toBerthPath(input: string): string | null {
  let text = input.trim();
  text = text.replace(/^docker\s+pull\s+/, '').replace(/^(?:--\S+\s+)+/, '');
  const site = typeof window !== 'undefined' ? window.location.origin + basePath : undefined;
  if (site && text.startsWith(site + '/')) {
    text = text.slice(site.length);
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
          {...nameInputProps}
          className={`${fieldClass} min-w-0 flex-1 px-3 py-2 font-mono text-sm`}
        />
        <Button type="submit" size="md">
          Open
        </Button>
      </div>
      <p id={hintId} className="text-xs text-muted">
        Anything <code className="font-mono">docker pull</code> takes: <code className="font-mono">alpine</code>,{' '}
        <code className="font-mono">ghcr.io/owner/app:v1</code>, <code className="font-mono">127.0.0.1:5000/team/app@sha256:…</code>
      </p>
    </form>
  );
}
