'use client';

import { useId, useState } from 'react';
import { useRouter } from 'next/navigation';

/** For registries without a catalog: type a repository name, go to its tags. */
export function OpenRepositoryForm({ host }: { host: string }) {
  const router = useRouter();
  const inputId = useId();
  const [name, setName] = useState('');

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const repository = name.trim().replace(/^\/+|\/+$/g, '');
    if (!repository) return;
    // The catch-all route validates and normalises (e.g. docker.io/alpine → library/alpine).
    router.push(`/${host}/${repository}`);
  }

  return (
    <form onSubmit={onSubmit} className="flex max-w-xl flex-col gap-2 sm:flex-row sm:items-end">
      <div className="flex min-w-0 flex-1 flex-col gap-1">
        <label htmlFor={inputId} className="text-sm font-medium">
          Repository name
        </label>
        <div className="flex items-center rounded-md border border-neutral-300 bg-white focus-within:border-blue-600 focus-within:outline-2 focus-within:outline-blue-600/40 dark:border-neutral-700 dark:bg-neutral-900">
          <span className="pl-3 font-mono text-sm text-neutral-500">{host}/</span>
          <input
            id={inputId}
            value={name}
            onChange={(event) => setName(event.target.value)}
            placeholder={host === 'docker.io' ? 'library/alpine' : 'owner/name'}
            required
            autoComplete="off"
            spellCheck={false}
            autoCapitalize="none"
            className="min-w-0 flex-1 bg-transparent px-1 py-1.5 font-mono text-sm outline-none"
          />
        </div>
      </div>
      <button
        type="submit"
        className="rounded-md bg-neutral-900 px-4 py-2 text-sm font-medium text-white hover:bg-neutral-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 dark:bg-neutral-100 dark:text-neutral-900 dark:hover:bg-neutral-300"
      >
        Open
      </button>
    </form>
  );
}
