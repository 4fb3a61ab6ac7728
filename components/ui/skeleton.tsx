/** Grey placeholder blocks shaped like the content that is coming. */
export function Skeleton({ className = '', width }: { className?: string; width?: string }) {
  return (
    <div aria-hidden="true" style={width ? { width } : undefined} className={`animate-pulse rounded-md bg-skeleton motion-reduce:animate-none ${className}`} />
  );
}

/** A list page: title, filter box, rows. */
export function ListSkeleton({ rows = 12 }: { rows?: number }) {
  return (
    <div role="status" aria-label="Loading" className="space-y-3">
      <div className="flex flex-wrap items-center gap-3">
        <Skeleton className="h-9 w-full max-w-sm" />
        <Skeleton className="h-5 w-28" />
      </div>
      <div className="overflow-hidden rounded-lg border border-border">
        {Array.from({ length: rows }, (_, i) => (
          <div key={i} className="flex h-10 items-center border-b border-border-soft px-4 last:border-b-0">
            <Skeleton className="h-4" width={`${30 + ((i * 37) % 45)}%`} />
          </div>
        ))}
      </div>
      <span className="sr-only">Loading…</span>
    </div>
  );
}

/** A manifest page: summary card, then a table. */
export function ManifestSkeleton() {
  return (
    <div role="status" aria-label="Loading" className="space-y-6">
      <div className="grid gap-4 rounded-lg border border-border p-4 sm:grid-cols-2">
        {Array.from({ length: 8 }, (_, i) => (
          <div key={i} className="space-y-1.5">
            <Skeleton className="h-3 w-20" />
            <Skeleton className="h-4 w-4/5" />
          </div>
        ))}
      </div>
      <div className="space-y-2">
        <Skeleton className="h-5 w-32" />
        {Array.from({ length: 6 }, (_, i) => (
          <Skeleton key={i} className="h-8 w-full" />
        ))}
      </div>
      <span className="sr-only">Loading…</span>
    </div>
  );
}
