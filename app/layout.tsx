import type { Metadata, Viewport } from 'next';
import { connection } from 'next/server';
import Link from 'next/link';
import { Providers } from './providers';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Berth', template: '%s · Berth' },
  description: 'Browse container registries: repositories, tags, manifests, and links to share.',
};

export const viewport: Viewport = {
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#ffffff' },
    { media: '(prefers-color-scheme: dark)', color: '#0a0a0a' },
  ],
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page is rendered per request: its scripts carry that request's CSP nonce (proxy.ts).
  await connection();
  return (
    <html lang="en">
      <body className="min-h-dvh">
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded-md focus:bg-field focus:px-3 focus:py-2 focus:text-sm"
        >
          Skip to content
        </a>
        <header className="border-b border-border bg-surface/80 backdrop-blur">
          <div className="mx-auto flex h-14 max-w-6xl items-center gap-4 px-4 sm:px-6">
            <Link href="/" className="flex items-center gap-2 rounded-sm text-lg font-semibold tracking-tight">
              <svg
                aria-hidden="true"
                viewBox="0 0 24 24"
                className="size-6 text-brand"
                fill="none"
                stroke="currentColor"
                strokeWidth="1.8"
                strokeLinecap="round"
                strokeLinejoin="round"
              >
                <path d="M3 15h18l-2.5 5h-13z" />
                <path d="M6 15V9h4v6M10 15V6h4v9M14 15v-4h4v4" />
              </svg>
              Berth
            </Link>
          </div>
        </header>
        <Providers>
          <main id="main" className="mx-auto max-w-6xl px-4 py-6 sm:px-6">
            {children}
          </main>
        </Providers>
      </body>
    </html>
  );
}
