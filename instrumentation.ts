// Runs once when the server starts: refuse to start without a usable configuration
// (DESIGN.md: a missing SESSION_SECRET in production stops start-up with a clear message).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { loadConfig } = await import('./lib/server/env');
  try {
    loadConfig(process.env);
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  }
}
