const PADDING = { sm: 'p-4', md: 'p-6', lg: 'p-8', xl: 'p-10' } as const;

interface EmptyStateProps {
  children: React.ReactNode;
  /** Room around the message: small inside a section, larger where a whole list would be. */
  size?: keyof typeof PADDING;
  /** Left-aligned when the message sits among other left-aligned content. */
  align?: 'center' | 'start';
  as?: 'div' | 'p';
}

/** The dashed box that says a list has nothing in it (yet). */
export function EmptyState({ children, size = 'md', align = 'center', as: Element = 'div' }: EmptyStateProps) {
  return (
    <Element className={`rounded-lg border border-dashed border-border-strong text-sm text-muted ${PADDING[size]}${align === 'center' ? ' text-center' : ''}`}>
      {children}
    </Element>
  );
}
