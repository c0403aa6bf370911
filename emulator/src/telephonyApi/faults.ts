/** Injected faults of the API routes: the next N requests fail, a latency, an outage on the `now` clock. */

export class Faults {
  private failures = 0;
  private failureStatus = 503;
  private downUntil = -Infinity;
  private exhausted = 0;
  private lostAnswers = 0;
  /** Whether `Idempotency-Key` replays (a convention no page documents) are honoured. */
  idempotencyKeys = true;
  exhaustedStatus = 429;
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

  /**
   * The next `count` transcript entries (a bulk entry or a single transcript request) hit the rate limit:
   * `status` (429, or the 4xx some answers carry) with `RESOURCE_EXHAUSTED`.
   */
  exhaustTranscripts(count: number, status = 429): void {
    if (!Number.isInteger(count) || count < 0) throw new Error('count must be a whole number ≥ 0');
    if (status !== 429 && (!Number.isInteger(status) || status < 400 || status > 499))
      throw new Error('status must be 400–499');
    this.exhausted = count;
    this.exhaustedStatus = status;
  }

  /** The status of the next transcript entry if it is over the rate limit (consumes one), else null. */
  takeExhausted(): number | null {
    if (this.exhausted === 0) return null;
    this.exhausted--;
    return this.exhaustedStatus;
  }

  /** The next `count` requests are applied, then their answer is lost (the connection drops). */
  loseNextAnswers(count: number): void {
    if (!Number.isInteger(count) || count < 0) throw new Error('count must be a whole number ≥ 0');
    this.lostAnswers = count;
  }

  /** Whether this applied request's answer is lost (consumes one). */
  takeLostAnswer(): boolean {
    if (this.lostAnswers === 0) return false;
    this.lostAnswers--;
    return true;
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
    this.exhausted = 0;
    this.exhaustedStatus = 429;
    this.lostAnswers = 0;
    this.idempotencyKeys = true;
    this.latencyMs = 0;
  }
}
