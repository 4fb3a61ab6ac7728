import Link from 'next/link';
import { buttonClass } from './button';

export function NotFoundMessage() {
  return (
    <div className="mx-auto max-w-2xl space-y-3 rounded-lg border border-border p-6">
      <h1 className="text-lg font-semibold">Nothing here</h1>
      <p className="text-sm text-muted">
        Berth has no page at this address. Links to images look like <code className="font-mono">/host/repository:tag</code>.
      </p>
      <Link href="/" className={buttonClass('link', { className: 'inline-block text-sm font-medium' })}>
        Back to your registries
      </Link>
    </div>
  );
}
