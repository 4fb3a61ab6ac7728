// DESIGN.md: a missing SESSION_SECRET in production stops start-up with a clear message.
import { loadConfig } from './env';

try {
  loadConfig(process.env);
} catch (e) {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
}
