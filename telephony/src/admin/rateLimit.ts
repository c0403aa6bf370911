/**
 * The admin API's request rate per account: a token bucket (`perSecond` refill, `burst` capacity)
 * in the database (engine/rateBuckets.ts), so the nodes of a cluster share one rate (docs/scaling.md).
 */
import type { Db } from '../db/database.ts';
import type { Clock } from '../engine/engine.ts';
import { takeFromBucket } from '../engine/rateBuckets.ts';

export interface RateLimitOptions {
  perSecond: number;
  burst: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { perSecond: 20, burst: 100 };

export class RateLimiter {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly options: RateLimitOptions,
  ) {}

  /** Takes one request from the account's bucket: 0 when allowed, else the seconds to wait. */
  async take(account: string): Promise<number> {
    const taken = await takeFromBucket(this.db, `admin:${account}`, this.clock.now(), {
      intervalMs: 1000 / this.options.perSecond,
      burst: this.options.burst,
    });
    return taken.taken ? 0 : Math.max(1, Math.ceil(taken.waitMs / 1000));
  }
}
