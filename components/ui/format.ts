// Formatting shared by every view. Fixed 'en-US' so server and browser render the same text.
import type { ReferenceDetail } from '@/lib/api/types';

const numberFormat = new Intl.NumberFormat('en-US');

export function formatCount(value: number): string {
  return numberFormat.format(value);
}

/** "1 tag", "1,523 tags". */
export function plural(count: number, one: string, many: string): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'] as const;

/** Decimal units, as `docker images` prints them: 12345678 → "12.3 MB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

/** "sha256:0123456789ab…" → "sha256:0123456789ab" (12 hex digits, like docker). */
export function shortDigest(digest: string): string {
  const colon = digest.indexOf(':');
  if (colon < 0) return digest.slice(0, 12);
  return `${digest.slice(0, colon + 1)}${digest.slice(colon + 1, colon + 13)}`;
}

const relative = new Intl.RelativeTimeFormat('en-US', { numeric: 'always' });
const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 30],
  ['month', 12],
  ['year', Number.POSITIVE_INFINITY],
];

/** "3 days ago", "in 2 hours"; empty for unparsable input. */
export function formatRelative(iso: string, now: number = Date.now()): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return '';
  let value = (time - now) / 1000;
  for (const [unit, size] of STEPS) {
    // Whole units elapsed, as people say it: 2 years and 7 months ago is "2 years ago".
    if (Math.abs(value) < size) return relative.format(Math.trunc(value), unit);
    value /= size;
  }
  return '';
}

/** "2024-05-01 12:30:00 UTC". */
export function formatDate(iso: string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  return new Date(time)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC')
    .replace(/Z$/, ' UTC');
}

/** "12.3 MB", or the range of an index's platform images, "3.1 MB – 3.4 MB". */
export function sizeText(detail: ReferenceDetail): string | undefined {
  if (detail.size !== undefined) return formatBytes(detail.size);
  const sizes = detail.platforms.map((p) => p.size).filter((s): s is number => s !== undefined);
  if (sizes.length === 0) return undefined;
  const min = Math.min(...sizes);
  const max = Math.max(...sizes);
  return min === max ? formatBytes(min) : `${formatBytes(min)} – ${formatBytes(max)}`;
}
