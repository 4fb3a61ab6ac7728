// Sign-in attempts are counted so that Berth is no password-guessing relay: per account
// (registry and username, whoever asks), per client, and in all (lib/registry/counter.ts).
import { RegistryError } from '../registry/errors';
import { WindowCounter } from '../registry/counter';

export interface SignInLimits {
  /** Sign-ins to one account (registry and username, case-folded), from anywhere; forgiven when they succeed. */
  account: WindowCounter;
  /** Sign-in attempts from one client (see clientAddress). */
  client: WindowCounter;
  /** Sign-in attempts in all. */
  total: WindowCounter;
}

export function signInLimits(): SignInLimits {
  return {
    account: new WindowCounter({ max: 10, windowMs: 15 * 60_000 }),
    client: new WindowCounter({ max: 60, windowMs: 60_000 }),
    total: new WindowCounter({ max: 600, windowMs: 60_000 }),
  };
}

export interface SignInAttempt {
  /** The credentials were right: the account's count is cleared. */
  succeeded(): void;
  /** It failed for another reason than the credentials (unreachable, …): the account's count is given back. */
  notAGuess(): void;
}

/**
 * Counts one sign-in before anything is checked, or refuses it (TOO_MANY_ATTEMPTS with the wait).
 * Counting first, in the same step as the check, means that concurrent attempts cannot all pass
 * the check before any is counted: 40 at once for one account reach the registry at most 10 times.
 */
export function admitSignIn(limits: SignInLimits, attempt: { host: string; username?: string; client?: string }): SignInAttempt {
  const account = attempt.username ? `${attempt.host}\0${attempt.username.toLowerCase()}` : undefined;
  const wait = Math.max(
    limits.total.blockedFor('all'),
    attempt.client ? limits.client.blockedFor(attempt.client) : 0,
    account ? limits.account.blockedFor(account) : 0,
  );
  if (wait > 0) {
    throw new RegistryError({
      code: 'TOO_MANY_ATTEMPTS',
      host: attempt.host,
      retryAfter: wait,
      message: `Too many sign-in attempts${attempt.username ? ` for ${attempt.username} on ${attempt.host}` : ''}. Wait ${wait} s and try again.`,
    });
  }
  limits.total.count('all');
  if (attempt.client) limits.client.count(attempt.client);
  if (account) limits.account.count(account);
  return {
    succeeded: () => {
      if (account) limits.account.reset(account);
    },
    notAGuess: () => {
      if (account) limits.account.forgive(account);
    },
  };
}
