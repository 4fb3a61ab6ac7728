import Link from 'next/link';
import type { ErrorCode } from '@/lib/api/types';
import { diagnoseHref } from '@/lib/route-target';
import { buttonClass, type ButtonVariant } from './button';

/** Codes worth explaining step by step: reaching the registry, signing in, being let in. */
export const DIAGNOSABLE_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'UNAUTHORIZED',
  'DENIED',
  'SIGN_IN_REQUIRED',
  'UNREACHABLE',
  'TIMEOUT',
  'TLS',
  'NOT_A_REGISTRY',
  'NOT_ALLOWED',
  'BAD_RESPONSE',
  'CATALOG_UNSUPPORTED',
]);

interface DiagnoseLinkProps {
  host: string;
  repository?: string;
  variant?: ButtonVariant;
  className?: string;
  /** The link's accessible name, when its text alone would not say which registry (a list of them). */
  label?: string;
  children?: React.ReactNode;
}

/** A link to /HOST/-/diagnose: what Berth sees when it talks to this registry. */
export function DiagnoseLink({ host, repository, variant = 'link', className, label, children }: DiagnoseLinkProps) {
  return (
    <Link href={diagnoseHref(host, repository)} prefetch={false} aria-label={label} className={buttonClass(variant, { className })}>
      {children ?? `Diagnose ${host}`}
    </Link>
  );
}
