import Link from 'next/link';
import { hrefFor } from '@/lib/route-target';
import { shortDigest } from '@/components/ui/format';

/** A shortened digest linking to its manifest page; the full digest is on hover. */
export function DigestLink({
  host,
  repository,
  digest,
  onIntent,
  children,
}: {
  host: string;
  repository: string;
  digest: string;
  onIntent?: () => void;
  children?: React.ReactNode;
}) {
  return (
    <Link
      href={hrefFor({ host, repository, digest })}
      title={digest}
      onMouseEnter={onIntent}
      onFocus={onIntent}
      className="rounded-sm font-mono text-xs text-blue-700 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 dark:text-blue-400"
    >
      {children ?? shortDigest(digest)}
    </Link>
  );
}

/** A digest that is not a link (layers, config blobs). */
export function DigestText({ digest }: { digest: string }) {
  return (
    <span title={digest} className="font-mono text-xs">
      {shortDigest(digest)}
    </span>
  );
}
