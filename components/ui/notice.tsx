const TONES = {
  /** Neutral: an explanation of what this view can and cannot do here. */
  info: 'border-border bg-subtle',
  /** Amber: something the registry or the content warns about. */
  warning: 'border-warning-border bg-warning-soft text-warning-fg',
} as const;

interface NoticeProps extends React.ComponentProps<'div'> {
  tone?: keyof typeof TONES;
}

/** A box of information beside the content. Errors are not notices: they go in an ErrorState. */
export function Notice({ tone = 'info', className, ...props }: NoticeProps) {
  return <div className={`rounded-lg border p-4 text-sm ${TONES[tone]}${className ? ` ${className}` : ''}`} {...props} />;
}
