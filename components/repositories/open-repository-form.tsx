'use client';

import { useId, useState } from 'react';
import { useRouter } from 'next/navigation';
import { traitsOf } from '@/lib/registry/traits';
import { Button } from '@/components/ui/button';
import { fieldGroupClass, nameInputProps } from '@/components/ui/field';

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
        <div className={`${fieldGroupClass} flex items-center`}>
          <span className="pl-3 font-mono text-sm text-faint">{host}/</span>
          <input
            id={inputId}
            value={name}
            onChange={(event) => setName(event.target.value)}
            placeholder={traitsOf(host).exampleRepository}
            required
            {...nameInputProps}
            className="min-w-0 flex-1 bg-transparent px-1 py-1.5 font-mono text-sm outline-none"
          />
        </div>
      </div>
      <Button type="submit" size="md">
        Open
      </Button>
    </form>
  );
}
