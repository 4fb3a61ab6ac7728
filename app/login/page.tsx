import type { Metadata } from 'next';
import { SignInForm } from '@/components/session/sign-in-form';
import { safeNextPath } from '@/lib/sign-in-href';

export const metadata: Metadata = { title: 'Sign in' };

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const registry = first(params.registry) ?? '';
  const next = first(params.next);

  return (
    <div className="mx-auto max-w-md">
      <h1 className="text-2xl font-semibold tracking-tight">{registry ? `Sign in to ${registry}` : 'Add a registry'}</h1>
      <p className="mt-1 mb-6 text-sm text-muted">Berth checks your credentials with the registry right away and keeps them only in an encrypted cookie.</p>
      <div className="rounded-lg border border-border p-5">
        <SignInForm registry={registry} next={safeNextPath(next)} />
      </div>
    </div>
  );
}
