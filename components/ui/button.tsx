// Berth's buttons. <Button> for a <button>; buttonClass() gives a Next <Link> or <a> the same look.

export type ButtonVariant =
  /** The main action of a form or page: dark on light, light on dark. */
  | 'primary'
  /** An outlined button for the lesser actions (Sign out, Load more). */
  | 'secondary'
  /** The action of an error box (Retry). */
  | 'danger'
  /** Looks like a link: accent colour, underlined on hover. */
  | 'link'
  /** A link inside a coloured box: takes the box's text colour, always underlined. */
  | 'inline';

export type ButtonSize = 'sm' | 'md';

const VARIANTS: Record<ButtonVariant, string> = {
  primary: 'bg-inverse text-inverse-fg hover:bg-inverse-hover',
  secondary: 'border border-border-strong hover:bg-subtle',
  // The danger button sits on a red box, where the blue focus ring would clash.
  danger: 'bg-danger-solid text-danger-solid-fg hover:bg-danger-solid-hover focus-visible:outline-danger-solid',
  link: 'rounded-sm text-accent hover:underline',
  inline: 'underline underline-offset-2',
};

const SIZES: Record<ButtonSize, string> = {
  sm: 'px-3 py-1.5',
  md: 'px-4 py-2',
};

function boxed(variant: ButtonVariant): boolean {
  return variant !== 'link' && variant !== 'inline';
}

/**
 * The classes of a button of this variant, for a <Link> or <a> that should look like one.
 * `size` applies to the boxed variants; `className` adds the caller's own (margins, width…).
 */
export function buttonClass(variant: ButtonVariant = 'primary', { size = 'sm', className }: { size?: ButtonSize; className?: string } = {}): string {
  const classes = boxed(variant) ? ['rounded-md text-sm font-medium disabled:opacity-60', SIZES[size], VARIANTS[variant]] : [VARIANTS[variant]];
  if (className) classes.push(className);
  return classes.join(' ');
}

interface ButtonProps extends React.ComponentProps<'button'> {
  variant?: ButtonVariant;
  size?: ButtonSize;
}

/** A <button>, type="button" unless told otherwise; every other prop goes to the element. */
export function Button({ variant = 'primary', size = 'sm', className, type = 'button', ...props }: ButtonProps) {
  return <button type={type} className={buttonClass(variant, { size, className })} {...props} />;
}
