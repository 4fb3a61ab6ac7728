import { Breadcrumbs } from './breadcrumbs';

interface PageHeaderProps {
  host: string;
  repository?: string;
  tag?: string;
  digest?: string;
  view?: { label: string; href: string };
  /** Copy buttons and the like, shown to the right (below on phones). */
  actions?: React.ReactNode;
}

export function PageHeader({ actions, ...crumbs }: PageHeaderProps) {
  return (
    <div className="mb-5 flex flex-col gap-3 border-b border-border pb-4 sm:flex-row sm:items-start sm:justify-between">
      <Breadcrumbs {...crumbs} />
      {actions ? <div className="flex shrink-0 flex-wrap gap-2">{actions}</div> : null}
    </div>
  );
}
