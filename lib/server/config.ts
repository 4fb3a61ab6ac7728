import 'server-only';
import { RegistryContext, WindowCounter } from '@/lib/registry';
import { AnswerBudget } from './answers';
import { signInLimits, type SignInLimits } from './attempts';
import { loadConfig, type BerthConfig } from './env';

export type { BerthConfig };

interface BerthGlobals {
  __berthConfig?: BerthConfig;
  __berthRegistryContext?: RegistryContext;
  __berthSignInLimits?: SignInLimits;
  __berthAnswerBudget?: AnswerBudget;
  __berthDiagnoses?: WindowCounter;
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
    g.__berthRegistryContext = new RegistryContext({ policy: c.policy, timeoutMs: c.timeoutMs, concurrency: c.concurrency, dnsServers: c.dnsServers });
  }
  return g.__berthRegistryContext;
}

/** Sign-in attempt counters, one set per server process. */
export function signInAttempts(): SignInLimits {
  const g = globalThis as BerthGlobals;
  g.__berthSignInLimits ??= signInLimits();
  return g.__berthSignInLimits;
}

/** Large answers in flight (lib/server/answers.ts): 48 MiB in all, 8 MiB per client. */
export function answerBudget(): AnswerBudget {
  const g = globalThis as BerthGlobals;
  g.__berthAnswerBudget ??= new AnswerBudget(48 * 1024 * 1024, 8 * 1024 * 1024);
  return g.__berthAnswerBudget;
}

/** Diagnoses per client: each sends fresh requests to a registry and its token service. */
export function diagnosisLimit(): WindowCounter {
  const g = globalThis as BerthGlobals;
  g.__berthDiagnoses ??= new WindowCounter({ max: 20, windowMs: 60_000 });
  return g.__berthDiagnoses;
}
