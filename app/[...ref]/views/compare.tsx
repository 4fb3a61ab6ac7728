import { formatRef } from '@/lib/route-target';
import { CompareView } from '@/components/compare/compare-view';
import { fillManifest } from '../prefetch';
import { ViewSkeleton } from './skeleton';
import type { View, ViewTarget } from './view';

/** /HOST/REPO/-/compare?a=REF&b=REF (`&platform=` for two indexes): two images side by side. */
export const compare: View<ViewTarget<'compare'>> = {
  title: (target) => `Compare · ${formatRef(target)}`,

  async prefetch(p, { host, repository }, search) {
    // Two images (or indexes) and their configs; an index's platform images the browser asks for.
    const references = [search('a'), search('b')].filter((r): r is string => r !== undefined);
    await Promise.all(references.map((reference) => fillManifest(p, host, repository, reference)));
  },

  view: ({ host, repository }, search) => <CompareView host={host} repository={repository} a={search('a')} b={search('b')} platform={search('platform')} />,

  skeleton: <ViewSkeleton shape="manifest" />,
};
