'use client';

import type { Ref } from 'react';
import { fieldClass } from './field';
import { InlineLabel } from './inline-label';

/**
 * The Filter box above a long list: a labelled search field in which ArrowDown moves into the
 * list's first row (`onArrowDown` returns false when there is no row to go to).
 */
export function FilterField({
  id,
  value,
  onChange,
  onArrowDown,
  placeholder,
  invalid,
  inputRef,
}: {
  id: string;
  value: string;
  onChange: (value: string) => void;
  onArrowDown: () => boolean;
  placeholder: string;
  invalid?: boolean;
  inputRef?: Ref<HTMLInputElement>;
}) {
  return (
    <div className="flex w-full max-w-sm items-center gap-2">
      <InlineLabel htmlFor={id}>Filter</InlineLabel>
      <input
        id={id}
        ref={inputRef}
        type="search"
        value={value}
        onChange={(event) => onChange(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown' && onArrowDown()) event.preventDefault();
        }}
        placeholder={placeholder}
        autoComplete="off"
        spellCheck={false}
        aria-invalid={invalid}
        className={`${fieldClass} min-w-0 flex-1 px-3 py-1.5 font-mono text-sm placeholder:font-sans placeholder:text-placeholder`}
      />
    </div>
  );
}

/** The line beside the Filter that says how many items there are, with a spinner while a page loads. */
export function ListStatus({ children, loading }: { children: React.ReactNode; loading: boolean }) {
  return (
    <p aria-live="polite" className="text-sm text-muted tabular-nums">
      {children}
      {loading ? (
        <span
          className="ml-2 inline-block size-3 animate-spin rounded-full border-2 border-border-strong border-t-muted align-[-1px] motion-reduce:animate-none"
          aria-hidden="true"
        />
      ) : null}
    </p>
  );
}
