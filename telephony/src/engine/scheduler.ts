/**
 * Timers as rows: ring timeouts, secondary ring devices, wrap-up limits, callbacks, breaks. The
 * scheduler polls `jobs` for what is due, so timers survive a restart.
 */
import type { JobTable, ParticipantTable } from '../db/schema.ts';
import { BREAK_REASON, setStateFromOurSide } from './agentPresence.ts';
import { endWrapUp, notify } from './callState.ts';
import { ringPersonalCallback } from './callbacks.ts';
import type { Engine, Tx } from './engine.ts';
import { pruneEvents } from './events.ts';
import {
  JOB_BREAK_END,
  JOB_BREAK_START,
  JOB_CALLBACK_DUE,
  JOB_DECLINE_REST,
  JOB_FLOW_TIMEOUT,
  JOB_OFFER_TIMEOUT,
  JOB_PERSONAL_CALLBACK_DUE,
  JOB_ROUTE_RECORDED,
  JOB_SECONDARY_RING,
  JOB_WRAP_UP,
} from './jobKinds.ts';
import type { RoutingTarget } from './ports.ts';
import { loadUser, setNextState, type NextState } from './presence.ts';
import { missOffer, routeRecordedCall, routeWaiting } from './routing.ts';

/** The leg if it still rings with the offer the job was set for (a later offer has its own job). */
async function stillRinging(
  tx: Tx,
  legId: string,
  offeredAt: unknown,
): Promise<ParticipantTable | undefined> {
  const leg = await tx.db.selectFrom('participants').selectAll().where('id', '=', legId).executeTakeFirst();
  return leg && leg.state === 'ringing' && leg.offered_at === offeredAt ? leg : undefined;
}

async function runJob(tx: Tx, job: JobTable): Promise<void> {
  const payload = job.payload_json ? (JSON.parse(job.payload_json) as Record<string, unknown>) : {};
  switch (job.kind) {
    case JOB_OFFER_TIMEOUT: {
      const leg = await stillRinging(tx, job.ref_id, payload.offeredAt);
      if (!leg?.user_id) return;
      await missOffer(tx, leg);
      return;
    }
    case JOB_SECONDARY_RING: {
      const leg = await stillRinging(tx, job.ref_id, payload.offeredAt);
      if (!leg?.user_id) return;
      await tx.db
        .updateTable('participants')
        .set({ secondary_ringing: 1 })
        .where('id', '=', leg.id)
        .execute();
      await tx.publish({
        type: 'SecondaryDeviceRinging',
        contactCenterId: tx.ccId,
        callId: leg.call_id,
        participantId: leg.id,
        userId: leg.user_id,
      });
      await notify(tx, leg.call_id, 'CALL_UPDATED', [leg.user_id]);
      return;
    }
    case JOB_WRAP_UP: {
      const user = await loadUser(tx, job.ref_id);
      if (user.presence_state !== 'after_call_work' || user.wrap_up_call_id !== payload.callId) return;
      await endWrapUp(tx, user);
      await routeWaiting(tx);
      return;
    }
    case JOB_CALLBACK_DUE:
    case JOB_DECLINE_REST:
    case JOB_FLOW_TIMEOUT:
      await routeWaiting(tx);
      return;
    case JOB_PERSONAL_CALLBACK_DUE:
      await ringPersonalCallback(tx, job.ref_id);
      return;
    case JOB_ROUTE_RECORDED:
      await routeRecordedCall(tx, job.ref_id, payload.target as RoutingTarget);
      return;
    case JOB_BREAK_START: {
      const minutes = Number(payload.minutes);
      const reason = typeof payload.reason === 'string' ? payload.reason : BREAK_REASON;
      // An agent who is not logged in to routing has no break to take.
      if ((await loadUser(tx, job.ref_id)).presence_state === 'offline') return;
      await setStateFromOurSide(tx, job.ref_id, 'busy', reason);
      await tx.schedule(JOB_BREAK_END, job.ref_id, tx.now + minutes * 60_000, { reason });
      return;
    }
    case JOB_BREAK_END: {
      const user = await loadUser(tx, job.ref_id);
      const next = user.next_state_json ? (JSON.parse(user.next_state_json) as NextState) : null;
      if (user.presence_state === 'busy' && user.presence_reason === payload.reason) {
        await setStateFromOurSide(tx, job.ref_id, 'available', null);
      } else if (next?.state === 'busy' && next.reason === payload.reason) {
        // The break was waiting for a call (or its after-call work) to end: it is over before it began.
        await setNextState(tx, user, { state: 'available', reason: null, push: true });
      }
      return;
    }
  }
}

export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private lastPrune = 0;

  constructor(
    private readonly engine: Engine,
    private readonly pollMs = 200,
  ) {}

  start(): void {
    this.timer = setInterval(
      () => void this.runDue().catch((err: unknown) => console.error('scheduler:', err)),
      this.pollMs,
    );
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Runs every job due now; returns how many ran. */
  runDue(): Promise<number> {
    this.running ??= this.runDueOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async runDueOnce(): Promise<number> {
    const now = this.engine.clock.now();
    const due = await this.engine.db
      .selectFrom('jobs')
      .selectAll()
      .where('due_at', '<=', now)
      .orderBy('due_at')
      .limit(500)
      .execute();
    let ran = 0;
    for (const job of due) {
      await this.engine.command(job.contact_center_id, async (tx) => {
        const taken = await tx.db.deleteFrom('jobs').where('id', '=', job.id).executeTakeFirst();
        if (Number(taken.numDeletedRows) !== 1) return;
        await runJob(tx, job);
        ran++;
      });
    }
    if (now - this.lastPrune > 600_000) {
      this.lastPrune = now;
      await pruneEvents(this.engine.db, now);
    }
    return ran;
  }
}
