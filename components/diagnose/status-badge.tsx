import type { DiagnosisStatus } from '@/lib/api/types';

const TONES: Record<DiagnosisStatus, string> = {
  ok: 'border-success-border bg-success-soft text-success-fg',
  warning: 'border-warning-border bg-warning-soft text-warning-fg',
  failed: 'border-danger-border bg-danger-soft text-danger-fg',
  skipped: 'border-border bg-subtle text-muted',
};

/** Drawn, so the status does not rest on colour alone. */
const ICONS: Record<DiagnosisStatus, string> = {
  ok: 'M3.5 8.5l3 3 6-7',
  warning: 'M8 3.5v5.5M8 11.5v1',
  failed: 'M4.5 4.5l7 7M11.5 4.5l-7 7',
  skipped: 'M4 8h8',
};

export function StatusBadge({ status }: { status: DiagnosisStatus }) {
  return (
    <span className={`inline-flex items-center gap-1 rounded-full border px-2 py-0.5 text-xs font-medium ${TONES[status]}`}>
      <svg aria-hidden="true" viewBox="0 0 16 16" className="size-3 fill-none stroke-current" strokeWidth="2" strokeLinecap="round">
        <path d={ICONS[status]} />
      </svg>
      {status}
    </span>
  );
}

/** The box around the summary takes the tone of the worst step. */
export const SUMMARY_TONES: Record<Exclude<DiagnosisStatus, 'skipped'>, string> = {
  ok: TONES.ok,
  warning: TONES.warning,
  failed: TONES.failed,
};
