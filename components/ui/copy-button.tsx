'use client';

import { useEffect, useRef, useState } from 'react';

async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Fall through to the textarea fallback (permission denied, insecure origin…).
  }
  // Plain http deployments have no async clipboard; execCommand still works there.
  const textarea = document.createElement('textarea');
  textarea.value = text;
  textarea.setAttribute('readonly', '');
  textarea.style.position = 'fixed';
  textarea.style.opacity = '0';
  document.body.appendChild(textarea);
  textarea.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  textarea.remove();
  return ok;
}

/** The look of the small tools beside a page's title (Copy link, Copy report, Run again). */
export const toolButtonClass =
  'inline-flex items-center gap-1.5 rounded-md border border-border-strong bg-field px-2.5 py-1.5 text-xs font-medium text-fg-soft shadow-xs hover:bg-field-hover disabled:opacity-60';

interface CopyButtonProps {
  /** Accessible name, e.g. "Copy link". */
  label: string;
  /** The text to copy, or a function producing it at click time (for window.location). */
  value: string | (() => string);
  /** Shown next to the icon; defaults to the label. */
  children?: React.ReactNode;
}

export function CopyButton({ label, value, children }: CopyButtonProps) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => () => clearTimeout(timer.current), []);

  async function onClick() {
    const text = typeof value === 'function' ? value() : value;
    const ok = await copyText(text);
    setState(ok ? 'copied' : 'failed');
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setState('idle'), 2000);
  }

  const title = typeof value === 'string' ? value : undefined;
  return (
    <button type="button" onClick={onClick} aria-label={label} title={title} className={toolButtonClass}>
      <svg aria-hidden="true" viewBox="0 0 16 16" className="size-3.5 fill-none stroke-current" strokeWidth="1.5">
        {state === 'copied' ? (
          <path d="M3 8.5l3 3 7-7" />
        ) : (
          <>
            <rect x="5" y="5" width="8.5" height="8.5" rx="1.5" />
            <path d="M10.5 5V3.5A1.5 1.5 0 0 0 9 2H3.5A1.5 1.5 0 0 0 2 3.5V9a1.5 1.5 0 0 0 1.5 1.5H5" />
          </>
        )}
      </svg>
      <span>{state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : (children ?? label)}</span>
      <span className="sr-only" aria-live="polite">
        {state === 'copied' ? 'Copied to clipboard' : state === 'failed' ? 'Could not copy' : ''}
      </span>
    </button>
  );
}

/** Copies the page's own address: the link to share. */
export function CopyLinkButton() {
  return (
    <CopyButton label="Copy link" value={() => window.location.origin + window.location.pathname}>
      Copy link
    </CopyButton>
  );
}
