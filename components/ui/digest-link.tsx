import Link from 'next/link';
import { hrefFor } from '@/lib/route-target';
import { buttonClass } from './button';
import { shortDigest } from './format';

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
      className={buttonClass('link', { className: 'font-mono text-xs' })}
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
