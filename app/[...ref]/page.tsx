import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { resolveRoute } from '@/lib/route-target';
import { InvalidReference } from './invalid-reference';
import { renderView } from './prefetch';
import { viewOf, type Search } from './views';

interface RefPageProps {
  params: Promise<{ ref: string[] }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export async function generateMetadata({ params }: RefPageProps): Promise<Metadata> {
  const target = resolveRoute((await params).ref);
  if (target.kind === 'invalid') return { title: 'Invalid image reference' };
  if (target.kind === 'redirect') return {};
  return { title: viewOf(target).title(target) };
}

/**
 * Every other URL is an image reference (docs/architecture.md "URLs"): resolved to what it names,
 * then shown by the view of that kind (./views), prefetched as ./prefetch.tsx says.
 */
export default async function RefPage({ params, searchParams }: RefPageProps) {
  const target = resolveRoute((await params).ref);
  if (target.kind === 'redirect') redirect(target.to);
  if (target.kind === 'invalid') return <InvalidReference part={target.part} input={target.input} message={target.message} />;
  const query = await searchParams;
  const search: Search = (name) => [query[name]].flat()[0] || undefined;
  return renderView(viewOf(target), target, search);
}
