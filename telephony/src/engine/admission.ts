/**
 * Admission control for new inbound calls (docs/scaling.md, "Overload"): when a contact center's
 * commands queue up on this node faster than it runs them, a new call is refused at the door, with
 * a time to retry after, instead of being taken and then served late or lost. Calls already taken
 * keep going: their commands (answer, hang-up, wrap-up) are never refused here, and because new
 * calls stop adding work the queue they wait in stays short.
 *
 * One check for every door a call comes in by: the simulator API answers a refusal with HTTP 503
 * and `Retry-After` (docs/simulator-api.md); a SIP trunk answers the INVITE with `503 Service
 * Unavailable` and `Retry-After` (RFC 3261 §21.5.4).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Engine } from './engine.ts';

export interface AdmissionLimits {
  /**
   * Refuse when the oldest command waiting for the contact center has waited longer (ms), when the
   * call itself waited longer before the check, or when the node's event loop ran that late in the
   * last second.
   */
  maxWaitMs: number;
  /** Refuse when this many commands wait for the contact center. */
  maxWaiting: number;
  /** Refuse when this many commands wait on this node, all contact centers together. */
  maxWaitingPerNode: number;
  /** What a refusal asks the caller's network to wait before trying again (s). */
  retryAfterSeconds: number;
}

export const DEFAULT_ADMISSION: AdmissionLimits = {
  maxWaitMs: 250,
  maxWaiting: 100,
  maxWaitingPerNode: 400,
  retryAfterSeconds: 1,
};

export type AdmissionDecision =
  { admitted: true } | { admitted: false; retryAfterSeconds: number; reason: string };

export class Admission {
  readonly limits: AdmissionLimits;
  /** The event loop's delay: a node starved of CPU reads its sockets late, before any check can see a queue. */
  private readonly loop = monitorEventLoopDelay({ resolution: 20 });
  /** The longest event-loop delay of the last full second (ms). */
  private loopDelayMs = 0;
  private readonly sampler: NodeJS.Timeout;

  constructor(
    private readonly engine: Engine,
    limits: Partial<AdmissionLimits> = {},
  ) {
    this.limits = { ...DEFAULT_ADMISSION, ...limits };
    this.loop.enable();
    this.sampler = setInterval(() => {
      this.loopDelayMs = this.loop.max / 1e6;
      this.loop.reset();
    }, 1000).unref();
  }

  /** Stops sampling the event loop (the service is closing). */
  close(): void {
    clearInterval(this.sampler);
    this.loop.disable();
  }

  /**
   * Whether a new inbound call for the contact center may be taken now. `waitedMs`: how long the
   * call has already waited on this node before this check (since its request or INVITE arrived):
   * work queued in front of the check (the database, the event loop) shows there. Changes nothing.
   */
  inboundCall(contactCenterId: string, waitedMs = 0): AdmissionDecision {
    const { waiting, oldestWaitMs } = this.engine.backlog(contactCenterId);
    const reason =
      waiting >= this.limits.maxWaiting || oldestWaitMs > this.limits.maxWaitMs
        ? `the contact center is overloaded (${waiting} commands waiting, the oldest for ${Math.round(oldestWaitMs)} ms)`
        : this.engine.waitingCommands() >= this.limits.maxWaitingPerNode
          ? `this node is overloaded (${this.engine.waitingCommands()} commands waiting)`
          : waitedMs > this.limits.maxWaitMs
            ? `this node is overloaded (the call waited ${Math.round(waitedMs)} ms to be looked at)`
            : this.loopDelayMs > this.limits.maxWaitMs
              ? `this node is overloaded (its event loop ran ${Math.round(this.loopDelayMs)} ms late)`
              : null;
    if (reason === null) return { admitted: true };
    return {
      admitted: false,
      retryAfterSeconds: this.limits.retryAfterSeconds,
      reason: `${reason}: new calls are refused for now; retry after ${this.limits.retryAfterSeconds} s`,
    };
  }
}
