// Runs once when the server starts. The Node-only check lives in its own module so the
// Edge bundle never sees it (Next.js instrumentation guide).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    await import('./lib/server/startup-check');
  }
}
