import Link from 'next/link';

export function NotFoundMessage() {
  return (
    <div className="mx-auto max-w-2xl space-y-3 rounded-lg border border-neutral-200 p-6 dark:border-neutral-800">
      <h1 className="text-lg font-semibold">Nothing here</h1>
      <p className="text-sm text-neutral-600 dark:text-neutral-400">
        Berth has no page at this address. Links to images look like{' '}
        <code className="font-mono">/host/repository:tag</code>.
      </p>
      <Link href="/" className="inline-block text-sm font-medium text-blue-700 hover:underline dark:text-blue-400">
        Back to your registries
      </Link>
    </div>
  );
}
