import { ListSkeleton, Skeleton } from '@/components/ui/skeleton';

export default function Loading() {
  return (
    <div>
      <div className="mb-5 flex items-start justify-between gap-3 border-b border-border pb-4">
        <Skeleton className="h-5 w-64 max-w-full" />
        <Skeleton className="h-8 w-24" />
      </div>
      <Skeleton className="mb-4 h-7 w-40" />
      <ListSkeleton />
    </div>
  );
}
