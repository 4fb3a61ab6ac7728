import Link from 'next/link';
import { buttonClass } from '@/components/ui/button';
import { OpenReferenceForm } from '@/components/session/open-reference-form';
import { RegistryList } from '@/components/session/registry-list';

export default function HomePage() {
  return (
    <div className="mx-auto max-w-3xl space-y-10">
      <section className="space-y-3">
        <h1 id="open-heading" className="text-2xl font-semibold tracking-tight">
          Open an image reference
        </h1>
        <OpenReferenceForm />
      </section>

      <section className="space-y-3">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 id="registries-heading" className="text-lg font-semibold">
            Your registries
          </h2>
          <Link href="/login" className={buttonClass('primary')}>
            Add a registry
          </Link>
        </div>
        <RegistryList />
      </section>
    </div>
  );
}
