/** Injected faults of the API routes: the next N requests fail, a latency, an outage on the `now` clock. */

export class Faults {
  private failures = 0;
  private failureStatus = 503;
  private downUntil = -Infinity;
  latencyMs = 0;

  constructor(private readonly now: () => number) {}

  failNext(count: number, status = 503): void {
    if (!Number.isInteger(count) || count < 0) throw new Error('count must be a whole number ≥ 0');
    if (!Number.isInteger(status) || status < 400 || status > 599) throw new Error('status must be 400–599');
    this.failures = count;
    this.failureStatus = status;
  }

  setLatency(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error('latency must be ≥ 0 ms');
    this.latencyMs = ms;
  }

  goDown(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) throw new Error('seconds must be ≥ 0');
    this.downUntil = this.now() + seconds * 1000;
  }

  /** The status the next request must answer, if a fault applies to it (and consumes a `failNext`). */
  takeFault(): number | null {
    if (this.now() < this.downUntil) return 503;
    if (this.failures > 0) {
      this.failures--;
      return this.failureStatus;
    }
    return null;
  }

  reset(): void {
    this.failures = 0;
    this.failureStatus = 503;
    this.downUntil = -Infinity;
    this.latencyMs = 0;
  }
}
