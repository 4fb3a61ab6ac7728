// A missing SESSION_SECRET in production stops start-up with a clear message (README "Point Berth at your registries").
import { loadConfig } from './env';

try {
  loadConfig(process.env);
} catch (e) {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
}
