import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { HydrationBoundary } from '@tanstack/react-query';
import { formatRef, resolveRoute } from '@/lib/route-target';
import { ManifestView } from '@/components/manifest/manifest-view';
import { RegistryView } from '@/components/repositories/registry-view';
import { RepositoryView } from '@/components/tags/repository-view';
import { prefetchView, type PrefetchTarget } from './prefetch';
import { InvalidReference } from './invalid-reference';

interface RefPageProps {
  params: Promise<{ ref: string[] }>;
}

export async function generateMetadata({ params }: RefPageProps): Promise<Metadata> {
  const target = resolveRoute((await params).ref);
  switch (target.kind) {
    case 'registry':
      return { title: target.host };
    case 'repository':
    case 'tag':
    case 'digest':
      return { title: formatRef(target) };
    case 'invalid':
      return { title: 'Invalid image reference' };
    case 'redirect':
      return {};
  }
}

/** Every other URL is an image reference (docs/architecture.md "URLs"). */
export default async function RefPage({ params }: RefPageProps) {
  const target = resolveRoute((await params).ref);
  switch (target.kind) {
    case 'redirect':
      redirect(target.to);
    case 'invalid':
      return <InvalidReference part={target.part} input={target.input} message={target.message} />;
    case 'registry':
    case 'repository':
    case 'tag':
    case 'digest':
      // The view's first query is fetched while the page renders (./prefetch.ts).
      return <HydrationBoundary state={await prefetchView(target)}>{view(target)}</HydrationBoundary>;
  }
}

function view(target: PrefetchTarget): React.ReactNode {
  switch (target.kind) {
    case 'registry':
      return <RegistryView host={target.host} />;
    case 'repository':
      return <RepositoryView host={target.host} repository={target.repository} />;
    case 'tag':
      return <ManifestView host={target.host} repository={target.repository} tag={target.tag} />;
    case 'digest':
      return <ManifestView host={target.host} repository={target.repository} digest={target.digest} />;
  }
}
