/** Token buckets per key (a source address): `rate` tokens a second, up to `burst`. */
export interface RateOptions {
  rate: number;
  burst: number;
}

/** The most keys kept; past it, buckets that are full again (idle sources) are forgotten. */
const MAX_KEYS = 10_000;

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly options: RateOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes a token for `key`: false when the key is over its rate. */
  take(key: string): boolean {
    const now = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.options.burst, at: now };
    b.tokens = Math.min(this.options.burst, b.tokens + ((now - b.at) / 1000) * this.options.rate);
    b.at = now;
    if (!this.buckets.has(key)) {
      if (this.buckets.size >= MAX_KEYS) this.forgetIdle(now);
      this.buckets.set(key, b);
    }
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  private forgetIdle(now: number): void {
    for (const [key, b] of this.buckets)
      if (b.tokens + ((now - b.at) / 1000) * this.options.rate >= this.options.burst)
        this.buckets.delete(key);
  }
}
