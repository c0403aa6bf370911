/**
 * Throttling of password (and client secret) guesses, per account and per source, checked before
 * any hash is computed (docs/security.md, "Logins"). Kept in memory, per node: a restart forgets it.
 *
 * - Per account: `freeFailures` failures in a row are free; each further failure locks the account
 *   for `baseDelayMs` × 2^(failures − freeFailures), at most `maxDelayMs`. While locked, every attempt
 *   (even with the right password) is refused with `RATE_LIMITED` and its `Retry-After`. Attempts in
 *   flight count as failures until answered, so parallel guesses cannot slip past the count. A
 *   success clears the account; an administrator can too (`unlock`).
 * - Per source (the client's address): a bucket of `sourceBurst` attempts refilled at
 *   `sourcePerMinute`; each attempt takes one and a success gives it back, so a busy office behind
 *   one address logs in freely while a guesser from it is slowed to the refill rate.
 */
import { ThrottledError } from '../domain/errors.ts';
import type { Clock } from './engine.ts';

export interface LoginThrottleOptions {
  freeFailures: number;
  baseDelayMs: number;
  maxDelayMs: number;
  sourceBurst: number;
  sourcePerMinute: number;
  /** Accounts and sources remembered at most (the oldest are forgotten first). */
  maxEntries: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleOptions = {
  freeFailures: 5,
  baseDelayMs: 1000,
  maxDelayMs: 15 * 60_000,
  sourceBurst: 20,
  sourcePerMinute: 10,
  maxEntries: 100_000,
};

interface AccountState {
  failures: number;
  inFlight: number;
  lockedUntil: number;
}

/** One attempt let through: tell the throttle how it ended. */
export interface Attempt {
  succeeded(): void;
  failed(): void;
  /** Ended without a verdict (the hash was refused for load): counts as nothing. */
  abandoned(): void;
}

export class LoginThrottle {
  private readonly accounts = new Map<string, AccountState>();
  private readonly sources = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly options: LoginThrottleOptions = DEFAULT_LOGIN_THROTTLE,
  ) {}

  /** Lets an attempt of `account` from `source` through, or throws `RATE_LIMITED`. */
  begin(account: string, source: string): Attempt {
    const now = this.clock.now();
    const o = this.options;
    const state = this.accounts.get(account) ?? { failures: 0, inFlight: 0, lockedUntil: 0 };
    // Below the free failures, as many attempts as are left; past them, one at a time once unlocked.
    const limit = state.failures >= o.freeFailures ? state.failures + 1 : o.freeFailures;
    if (now < state.lockedUntil || state.failures + state.inFlight >= limit) {
      const wait = Math.max(1, Math.ceil((state.lockedUntil - now) / 1000));
      throw new ThrottledError(
        'RATE_LIMITED',
        `too many failed sign-ins for this user: retry in ${wait} s, or ask an administrator to unlock the user`,
        wait,
      );
    }
    const bucket = this.refilled(source, now);
    if (bucket.tokens < 1) {
      const wait = Math.max(1, Math.ceil(((1 - bucket.tokens) * 60) / o.sourcePerMinute));
      this.remember(this.sources, source, bucket);
      throw new ThrottledError(
        'RATE_LIMITED',
        `too many sign-in attempts from this address: retry in ${wait} s`,
        wait,
      );
    }
    bucket.tokens -= 1;
    this.remember(this.sources, source, bucket);
    state.inFlight++;
    this.remember(this.accounts, account, state);
    let done = false;
    const end = () => {
      if (done) return false;
      done = true;
      state.inFlight--;
      return true;
    };
    return {
      succeeded: () => {
        if (!end()) return;
        this.accounts.delete(account);
        const b = this.refilled(source, this.clock.now());
        b.tokens = Math.min(o.sourceBurst, b.tokens + 1);
        this.remember(this.sources, source, b);
      },
      failed: () => {
        if (!end()) return;
        state.failures++;
        if (state.failures >= o.freeFailures) {
          const delay = o.baseDelayMs * 2 ** Math.min(30, state.failures - o.freeFailures);
          state.lockedUntil = this.clock.now() + Math.min(o.maxDelayMs, delay);
        }
      },
      abandoned: () => {
        if (!end()) return;
        const b = this.refilled(source, this.clock.now());
        b.tokens = Math.min(o.sourceBurst, b.tokens + 1);
        if (state.failures === 0 && state.inFlight === 0) this.accounts.delete(account);
      },
    };
  }

  /** Clears an account's failures and lock (an administrator's unlock); whether it had any. */
  unlock(account: string): boolean {
    const state = this.accounts.get(account);
    this.accounts.delete(account);
    return state !== undefined && state.failures > 0;
  }

  /** Whether the account is locked now. */
  isLocked(account: string): boolean {
    return (this.accounts.get(account)?.lockedUntil ?? 0) > this.clock.now();
  }

  private refilled(source: string, now: number): { tokens: number; at: number } {
    const o = this.options;
    const b = this.sources.get(source) ?? { tokens: o.sourceBurst, at: now };
    b.tokens = Math.min(o.sourceBurst, b.tokens + (Math.max(0, now - b.at) / 60_000) * o.sourcePerMinute);
    b.at = now;
    return b;
  }

  /** Stores an entry as the newest; the oldest goes when there are too many. */
  private remember<T>(map: Map<string, T>, key: string, value: T): void {
    map.delete(key);
    map.set(key, value);
    if (map.size > this.options.maxEntries) map.delete(map.keys().next().value as string);
  }
}

/** The throttle's key of an agent: org, contact center and username as they sign in. */
export function accountKey(orgId: string, contactCenter: string, username: string): string {
  return JSON.stringify([orgId, contactCenter, username]);
}
