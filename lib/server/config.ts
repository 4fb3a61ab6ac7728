import 'server-only';
import { RegistryContext } from '@/lib/registry';
import { signInLimits, type SignInLimits } from './attempts';
import { loadConfig, type BerthConfig } from './env';

export type { BerthConfig };

interface BerthGlobals {
  __berthConfig?: BerthConfig;
  __berthRegistryContext?: RegistryContext;
  __berthSignInLimits?: SignInLimits;
}

export function config(): BerthConfig {
  const g = globalThis as BerthGlobals;
  g.__berthConfig ??= loadConfig();
  return g.__berthConfig;
}

/** One registry context (token cache, content cache, pings) per server process. */
export function registryContext(): RegistryContext {
  const g = globalThis as BerthGlobals;
  if (!g.__berthRegistryContext) {
    const c = config();
    g.__berthRegistryContext = new RegistryContext({ policy: c.policy, timeoutMs: c.timeoutMs, concurrency: c.concurrency });
  }
  return g.__berthRegistryContext;
}

/** Sign-in attempt counters, one set per server process. */
export function signInAttempts(): SignInLimits {
  const g = globalThis as BerthGlobals;
  g.__berthSignInLimits ??= signInLimits();
  return g.__berthSignInLimits;
}
