import { ListSkeleton, ManifestSkeleton, Skeleton } from '@/components/ui/skeleton';

/** What a view looks like while a slow registry is still answering: shaped like the page to come, a list or a manifest. */
export function ViewSkeleton({ shape }: { shape: 'list' | 'manifest' }) {
  return (
    <div>
      <div className="mb-5 flex items-start justify-between gap-3 border-b border-border pb-4">
        <Skeleton className="h-5 w-64 max-w-full" />
        <Skeleton className="h-8 w-24" />
      </div>
      <Skeleton className="mb-4 h-7 w-40" />
      {shape === 'manifest' ? <ManifestSkeleton /> : <ListSkeleton />}
    </div>
  );
}
