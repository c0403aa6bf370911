/** The admin API's request rate per account: a token bucket (`perSecond` refill, `burst` capacity). */
import type { Clock } from '../engine/engine.ts';

export interface RateLimitOptions {
  perSecond: number;
  burst: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { perSecond: 20, burst: 100 };

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly options: RateLimitOptions,
  ) {}

  /** Takes one request from the account's bucket: 0 when allowed, else the seconds to wait. */
  take(account: string): number {
    const now = this.clock.now();
    const bucket = this.buckets.get(account) ?? { tokens: this.options.burst, at: now };
    const refilled = Math.min(
      this.options.burst,
      bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * this.options.perSecond,
    );
    if (refilled >= 1) {
      this.buckets.set(account, { tokens: refilled - 1, at: now });
      return 0;
    }
    this.buckets.set(account, { tokens: refilled, at: now });
    return Math.max(1, Math.ceil((1 - refilled) / this.options.perSecond));
  }
}
