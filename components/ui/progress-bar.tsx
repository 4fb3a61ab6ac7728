import { formatCount } from './format';

/** A determinate progress bar: `done` of `total`, named by `label` for assistive technology. */
export function ProgressBar({ label, done, total, className = 'w-48' }: { label: string; done: number; total: number; className?: string }) {
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={total}
      aria-valuenow={done}
      aria-valuetext={`${formatCount(done)} of ${formatCount(total)}`}
      className={`h-2 max-w-full overflow-hidden rounded-full bg-skeleton ${className}`}
    >
      <div className="h-full rounded-full bg-accent transition-[width]" style={{ width: `${total ? (100 * done) / total : 0}%` }} />
    </div>
  );
}
