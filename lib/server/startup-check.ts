// At start-up: a configuration that cannot work (no SESSION_SECRET in production, an unreadable
// PUBLIC_ORIGIN or TRUSTED_PROXIES) stops the server with a clear message (README "Point Berth at
// your registries"); one that works but leaves a door open is said once, in the log.
import { loadConfig } from './env';

try {
  const config = loadConfig(process.env);
  if (process.env.NODE_ENV === 'production' && process.env.BERTH_DEMO !== '1' && !config.publicOrigins) {
    console.warn(
      'Berth: PUBLIC_ORIGIN is not set, so Berth answers requests sent to any host name. Set it to the address people use, ' +
        'e.g. PUBLIC_ORIGIN=https://berth.example.com, so that a page on another name that resolves to this server cannot use it (DNS rebinding).',
    );
  }
} catch (e) {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
}
