import { Skeleton } from '@/components/ui/skeleton';

export default function Loading() {
  return (
    <div role="status" aria-label="Loading" className="mx-auto max-w-md space-y-4">
      <Skeleton className="h-8 w-56" />
      <Skeleton className="h-4 w-full" />
      <div className="space-y-4 rounded-lg border border-border p-5">
        {Array.from({ length: 3 }, (_, i) => (
          <div key={i} className="space-y-1.5">
            <Skeleton className="h-4 w-24" />
            <Skeleton className="h-9 w-full" />
          </div>
        ))}
        <Skeleton className="h-9 w-full" />
      </div>
    </div>
  );
}
