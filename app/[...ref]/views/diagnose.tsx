import { DiagnoseView } from '@/components/diagnose/diagnose-view';
import { ViewSkeleton } from './skeleton';
import type { View, ViewTarget } from './view';

/** /HOST/-/diagnose (`?repository=` checks one repository too): the connection to a registry, step by step. */
export const diagnose: View<ViewTarget<'diagnose'>> = {
  title: (target) => `Diagnose ${target.host}`,
  // No prefetch: a diagnosis runs in the browser, and shows the registry as it is when asked.
  view: ({ host }, search) => <DiagnoseView host={host} repository={search('repository')?.trim() || undefined} />,
  skeleton: <ViewSkeleton shape="list" />,
};
