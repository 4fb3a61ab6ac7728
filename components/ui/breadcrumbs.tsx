import Link from 'next/link';
import { hrefFor } from '@/lib/route-target';
import { shortDigest } from './format';

interface BreadcrumbsProps {
  host: string;
  repository?: string;
  tag?: string;
  digest?: string;
  /** One of Berth's own views (`/HOST/-/diagnose`, `/HOST/REPO/-/compare`): the last crumb, after the host or repository. */
  view?: { label: string; href: string };
}

const linkClass = 'rounded-sm hover:text-fg hover:underline';

/** host › repository › tag-or-digest; the last crumb is the current page. */
export function Breadcrumbs({ host, repository, tag, digest, view }: BreadcrumbsProps) {
  const crumbs: { label: string; href: string; title?: string }[] = [{ label: host, href: `/${host}` }];
  if (repository !== undefined) {
    crumbs.push({ label: repository, href: hrefFor({ host, repository }) });
    if (tag !== undefined) crumbs.push({ label: tag, href: hrefFor({ host, repository, tag }) });
    else if (digest !== undefined) crumbs.push({ label: shortDigest(digest), title: digest, href: hrefFor({ host, repository, digest }) });
  }
  if (view) crumbs.push(view);

  return (
    <nav aria-label="Breadcrumb" className="min-w-0">
      <ol className="flex flex-wrap items-center gap-x-1.5 gap-y-1 font-mono text-sm text-muted">
        {crumbs.map((crumb, index) => {
          const last = index === crumbs.length - 1;
          return (
            <li key={crumb.href} className="flex min-w-0 items-center gap-1.5">
              {index > 0 ? (
                <span aria-hidden="true" className="text-placeholder">
                  ›
                </span>
              ) : null}
              {last ? (
                <span aria-current="page" title={crumb.title} className="break-all font-semibold text-fg">
                  {crumb.label}
                </span>
              ) : (
                <Link href={crumb.href} title={crumb.title} className={`break-all ${linkClass}`}>
                  {crumb.label}
                </Link>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
