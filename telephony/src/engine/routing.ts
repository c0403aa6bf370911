/**
 * Where a call is routed: every routing decision of the engine, one entry point each.
 *
 * - `queueLeg`: a call from a dialed number (or a progressive-dialer call once answered) gets its
 *   agent leg: voicemail when nobody staffs the queue (`isStaffed`), straight to the agent of a direct
 *   line (`offerDirectOrVoicemail`), through an Omni-Channel flow when the CRM asks it (`CrmPort`),
 *   else queued and routed.
 * - `routeWaiting`: offers every waiting leg it can (the ACD), ranked by the pure functions below.
 * - `offerDirect`: rings one agent (agent-to-agent call, transfer to an agent).
 * - `declineOffer` / `missOffer` / `failOffer`: an offer that did not connect goes back to its queue.
 * - `routeRecordedCall`: an inbound call whose CRM record now exists is routed.
 * - `routeFlowResult`: a flow's answer (an agent or a queue) for a leg waiting for it.
 *
 * Ranking: waiting legs by queue priority (higher first), then longest waiting; each offered to the
 * eligible member (direct, or through a group) with the best member priority (1 = first), then the
 * longest idle; one offer per agent; agents who declined or missed this call are tried last, and
 * passed over for it for one ring timeout after they declined or missed it.
 */
import { sql } from 'kysely';
import type { ParticipantTable, UserTable } from '../db/schema.ts';
import {
  acceptLeg,
  addLeg,
  closeLeg,
  liveUsers,
  loadCall,
  loadParticipants,
  notify,
  setCallState,
  settle,
  syncWaitingState,
  hangupFailed,
} from './callState.ts';
import type { Tx } from './engine.ts';
import {
  JOB_DECLINE_REST,
  JOB_FLOW_TIMEOUT,
  JOB_OFFER_TIMEOUT,
  JOB_ROUTE_RECORDED,
  JOB_SECONDARY_RING,
} from './jobKinds.ts';
import type { RoutingTarget } from './ports.ts';
import { loadUser, setNextState, setPresence, type NextState } from './presence.ts';
import { isQueueMember } from './queueMembers.ts';
import { settings } from './settings.ts';

// ---------------------------------------------------------------------------------------------------
// Ranking (pure)

/** A waiting leg as the ranking sees it. */
export interface WaitingLeg {
  priority: number;
  queuedAt: number | null;
}

/** Waiting legs: higher queue priority first, then the longest waiting. */
export function byWaitingOrder(a: WaitingLeg, b: WaitingLeg): number {
  return b.priority - a.priority || (a.queuedAt ?? 0) - (b.queuedAt ?? 0);
}

/** One way an available agent is a member of the queue: directly, or through one of its groups. */
export interface Membership {
  userId: string;
  /** The member priority of that membership (1 = first). */
  priority: number;
  /** Since when the agent is idle (Available); null sorts first. */
  idleSince: number | null;
}

/**
 * The agents to offer a leg to, best first: by each agent's best member priority (over direct and
 * group memberships), then longest idle; agents `taken` (offered another leg in this pass) are left
 * out; those in `declined` (declined or missed this leg) come after every other agent.
 */
export function rankCandidates(
  memberships: readonly Membership[],
  declined: ReadonlySet<string> = new Set(),
  taken: ReadonlySet<string> = new Set(),
): string[] {
  const best = new Map<string, Membership>();
  for (const m of memberships) {
    const known = best.get(m.userId);
    if (!known || m.priority < known.priority) best.set(m.userId, m);
  }
  const ranked = [...best.values()]
    .filter((m) => !taken.has(m.userId))
    .sort((a, b) => a.priority - b.priority || (a.idleSince ?? 0) - (b.idleSince ?? 0))
    .map((m) => m.userId);
  return [...ranked.filter((id) => !declined.has(id)), ...ranked.filter((id) => declined.has(id))];
}

// ---------------------------------------------------------------------------------------------------
// The ACD

/**
 * The agent to offer a leg of `queueId` to (see `rankCandidates`), or undefined. Reads the queue's
 * member priorities one level at a time, best first, and at each level the available agents in
 * idle order through the `users_routable` index, stopping after just enough rows: as many as could
 * be passed over (`declined`, `taken`, agents already read at a better level) plus one. So the cost
 * does not grow with the queue's size. A level read to its end without a pick moves on to the next;
 * an agent who declined is picked only when no other agent is left at any level.
 */
async function candidate(
  tx: Tx,
  queueId: string,
  declined: ReadonlySet<string>,
  taken: ReadonlySet<string>,
): Promise<string | undefined> {
  const memberships: Membership[] = [];
  for (
    let level = await nextLevel(tx, queueId, null);
    level !== null;
    level = await nextLevel(tx, queueId, level)
  ) {
    const rows = await availableAtLevel(
      tx,
      queueId,
      level,
      declined.size + taken.size + memberships.length + 1,
    );
    for (const r of rows) memberships.push({ userId: r.id, priority: level, idleSince: r.idle });
    const best = rankCandidates(memberships, declined, taken)[0];
    if (best !== undefined && !declined.has(best)) return best;
  }
  return rankCandidates(memberships, declined, taken)[0];
}

/** The queue's best member priority after `after` (direct and group memberships), or null. */
async function nextLevel(tx: Tx, queueId: string, after: number | null): Promise<number | null> {
  const row = await tx.db
    .selectFrom('queue_members')
    .select((eb) => eb.fn.min('priority').as('level'))
    .where('queue_id', '=', queueId)
    .$if(after !== null, (qb) => qb.where('priority', '>', after as number))
    .executeTakeFirst();
  return row?.level === null || row?.level === undefined ? null : Number(row.level);
}

/** Available agents without an offer who are members of the queue at member priority `level`, longest idle first. */
async function availableAtLevel(
  tx: Tx,
  queueId: string,
  level: number,
  limit: number,
): Promise<Array<{ id: string; idle: number | null }>> {
  const rows = await sql<{ id: string; idle: number | string | null }>`
    select u.id as id, u.idle_since as idle
    from users u
    where u.contact_center_id = ${tx.ccId} and u.presence_state = 'available' and u.offered_leg_id is null
      and ${isQueueMember(queueId, level)}
    order by u.idle_since
    limit ${limit}`.execute(tx.db);
  return rows.rows.map((r) => ({ id: r.id, idle: r.idle === null ? null : Number(r.idle) }));
}

/** Offers every waiting leg it can (run after anything that may allow a new offer); returns the offers made. */
export async function routeWaiting(tx: Tx): Promise<number> {
  const legs = await tx.db
    .selectFrom('participants')
    .selectAll()
    .where('contact_center_id', '=', tx.ccId)
    .where('state', '=', 'queued')
    .where((eb) => eb.or([eb('not_before', 'is', null), eb('not_before', '<=', tx.now)]))
    .orderBy('priority', 'desc')
    .orderBy('queued_at', 'asc')
    .execute();
  if (legs.length === 0) return 0;
  const anyone = await tx.db
    .selectFrom('users')
    .select('id')
    .where('contact_center_id', '=', tx.ccId)
    .where('presence_state', '=', 'available')
    .where('offered_leg_id', 'is', null)
    .executeTakeFirst();
  if (!anyone) return 0;
  legs.sort((a, b) => byWaitingOrder(waiting(a), waiting(b)));
  const taken = new Set<string>();
  // Queues with no agent left for a leg nobody declined: no later leg of theirs finds one in this pass.
  const exhausted = new Set<string>();
  let offers = 0;
  for (const leg of legs) {
    if (!leg.queue_id) continue;
    const declined = new Set(JSON.parse(leg.declined_by_json) as string[]);
    if (declined.size === 0 && exhausted.has(leg.queue_id)) continue;
    const passedOver = declined.size > 0 ? new Set([...taken, ...(await resting(tx, leg.id))]) : taken;
    const chosen = await candidate(tx, leg.queue_id, declined, passedOver);
    if (!chosen) {
      if (declined.size === 0) exhausted.add(leg.queue_id);
      continue;
    }
    taken.add(chosen);
    await offer(tx, leg, await loadUser(tx, chosen));
    offers++;
  }
  return offers;
}

const waiting = (leg: ParticipantTable): WaitingLeg => ({ priority: leg.priority, queuedAt: leg.queued_at });

/** The agents who declined or missed the leg less than a ring timeout ago (`JOB_DECLINE_REST` not yet due). */
async function resting(tx: Tx, legId: string): Promise<string[]> {
  const rows = await tx.db
    .selectFrom('jobs')
    .select('payload_json')
    .where('ref_id', '=', legId)
    .where('kind', '=', JOB_DECLINE_REST)
    .where('due_at', '>', tx.now)
    .execute();
  return rows.map((r) => (JSON.parse(r.payload_json ?? '{}') as { userId: string }).userId);
}

/** Rings one agent directly (agent-to-agent call, transfer to an agent). */
export function offerDirect(tx: Tx, leg: ParticipantTable, user: UserTable): Promise<void> {
  return offer(tx, leg, user);
}

/**
 * Rings `user` with `leg`: one offer per agent, withdrawn at the ring timeout. Announced as
 * CALL_STARTED (QUEUED_CALL_STARTED for a queued callback); accepted at once for auto-accept agents.
 */
async function offer(tx: Tx, leg: ParticipantTable, user: UserTable): Promise<void> {
  const expires = tx.now + (await settings(tx)).ringTimeoutSeconds * 1000;
  const ringing: ParticipantTable = {
    ...leg,
    state: 'ringing',
    user_id: user.id,
    name: user.display_name,
    offered_at: tx.now,
    offer_expires_at: expires,
  };
  await tx.db
    .updateTable('participants')
    .set({
      state: 'ringing',
      user_id: user.id,
      name: user.display_name,
      offered_at: tx.now,
      offer_expires_at: expires,
    })
    .where('id', '=', leg.id)
    .execute();
  await tx.db.updateTable('users').set({ offered_leg_id: leg.id }).where('id', '=', user.id).execute();
  const call = await tx.db
    .updateTable('calls')
    .set({ state: 'ringing' })
    .where('id', '=', leg.call_id)
    .where('state', '=', 'queued')
    .executeTakeFirst();
  await tx.publish({
    type: 'ParticipantOffered',
    contactCenterId: tx.ccId,
    callId: leg.call_id,
    participantId: leg.id,
    userId: user.id,
    expiresAt: expires,
  });
  if (Number(call.numUpdatedRows) === 1)
    await tx.publish({
      type: 'CallStateChanged',
      contactCenterId: tx.ccId,
      callId: leg.call_id,
      state: 'ringing',
    });
  await tx.schedule(JOB_OFFER_TIMEOUT, leg.id, expires, { offeredAt: tx.now });
  if (
    user.secondary_number &&
    user.secondary_delay_s !== null &&
    tx.now + user.secondary_delay_s * 1000 < expires
  ) {
    await tx.schedule(JOB_SECONDARY_RING, leg.id, tx.now + user.secondary_delay_s * 1000, {
      offeredAt: tx.now,
    });
  }
  const event = ringing.view_type === 'Callback' ? 'QUEUED_CALL_STARTED' : 'CALL_STARTED';
  await notify(tx, leg.call_id, event, [user.id]);
  if (user.auto_accept === 1) await acceptLeg(tx, ringing, { ...user, offered_leg_id: leg.id });
}

/**
 * Takes an offer back from the agent it rings; the leg returns to its queue at its original position,
 * remembering who declined or missed it. Legs without a queue (direct to an agent) are returned as is.
 */
async function withdrawOffer(tx: Tx, leg: ParticipantTable): Promise<ParticipantTable> {
  if (leg.user_id) {
    await tx.db.updateTable('users').set({ offered_leg_id: null }).where('id', '=', leg.user_id).execute();
  }
  await tx.cancelJobs(leg.id, [JOB_OFFER_TIMEOUT, JOB_SECONDARY_RING]);
  const declined = JSON.parse(leg.declined_by_json) as string[];
  if (leg.user_id && !declined.includes(leg.user_id)) declined.push(leg.user_id);
  const back: ParticipantTable = {
    ...leg,
    state: 'queued',
    user_id: null,
    name: null,
    offered_at: null,
    offer_expires_at: null,
    secondary_ringing: 0,
    declined_by_json: JSON.stringify(declined),
  };
  await tx.db
    .updateTable('participants')
    .set({
      state: back.state,
      user_id: null,
      name: null,
      offered_at: null,
      offer_expires_at: null,
      secondary_ringing: 0,
      declined_by_json: back.declined_by_json,
    })
    .where('id', '=', leg.id)
    .execute();
  await tx.publish({
    type: 'OfferWithdrawn',
    contactCenterId: tx.ccId,
    callId: leg.call_id,
    participantId: leg.id,
    userId: leg.user_id as string,
  });
  return back;
}

/**
 * The ringing agent declines: the offer fails (see `failOffer`) and waiting legs are routed again.
 * She is not offered the same leg again for one ring timeout (`passOver`).
 */
export async function declineOffer(tx: Tx, leg: ParticipantTable): Promise<void> {
  const userId = leg.user_id as string;
  await tx.publish({
    type: 'OfferDeclined',
    contactCenterId: tx.ccId,
    callId: leg.call_id,
    participantId: leg.id,
    userId,
  });
  await failOffer(tx, leg, 'DeclinedByAgent');
  await passOver(tx, leg, userId);
  await routeWaiting(tx);
}

/**
 * The offer rang out (ring timeout): HANGUP `MissedCallAgent`, the agent is passed over for that leg
 * for one ring timeout, waiting legs are routed again. Her presence is not changed here: the org's
 * "Update Status on Push Time-Out" decides it in Omni-Channel, and the status it sets comes back
 * through `setAgentStatus` (docs/service-design.md, "After a missed call").
 */
export async function missOffer(tx: Tx, leg: ParticipantTable): Promise<void> {
  const userId = leg.user_id as string;
  await failOffer(tx, leg, 'MissedCallAgent');
  await passOver(tx, leg, userId);
  await routeWaiting(tx);
}

/**
 * An agent who declined or missed a waiting leg is not offered it again for one ring timeout:
 * meanwhile it goes to any other agent; then it may come back to her (`JOB_DECLINE_REST` routes
 * again when it is due).
 */
async function passOver(tx: Tx, leg: ParticipantTable, userId: string): Promise<void> {
  if (!leg.queue_id) return;
  const rest = (await settings(tx)).ringTimeoutSeconds * 1000;
  await tx.schedule(JOB_DECLINE_REST, leg.id, tx.now + rest, { userId });
}

/**
 * An offer that did not connect (declined, missed, or the agent went away): HANGUP to that agent,
 * and the leg goes back to its queue; a leg rung directly (agent call, transfer) fails instead.
 */
export async function failOffer(tx: Tx, leg: ParticipantTable, agentStatusCode: string): Promise<void> {
  const userId = leg.user_id as string;
  const back = await withdrawOffer(tx, leg);
  await notify(tx, leg.call_id, 'HANGUP', [userId], hangupFailed(agentStatusCode, false));
  await applyEnqueuedState(tx, userId);
  if (!back.queue_id) {
    await closeLeg(tx, back, agentStatusCode);
    const participants = await loadParticipants(tx, leg.call_id);
    await notify(tx, leg.call_id, 'PARTICIPANT_REMOVED', liveUsers(participants), () => ({
      participantId: leg.id,
      reason: 'error',
    }));
    await settle(tx, leg.call_id, 'not_answered');
    return;
  }
  await syncWaitingState(tx, leg.call_id);
}

/** A state enqueued while the offer rang (`enqueueNextState`) applies once the agent has no call. */
async function applyEnqueuedState(tx: Tx, userId: string): Promise<void> {
  const user = await loadUser(tx, userId);
  if (!user.next_state_json || user.active_call_id || user.wrap_up_call_id) return;
  const next = JSON.parse(user.next_state_json) as NextState;
  await setNextState(tx, user, null);
  await setPresence(tx, { ...user, next_state_json: null }, next.state, next.reason, next.push);
}

// ---------------------------------------------------------------------------------------------------
// Calls from dialed numbers, flows, the CRM

/** The queue a dialed number or flow leads to, with its priority. */
export async function resolveTarget(
  tx: Tx,
  target: RoutingTarget,
): Promise<{ queueId: string | null; userId: string | null; priority: number }> {
  if (target.type === 'user') return { queueId: null, userId: target.id, priority: 0 };
  const queueId =
    target.type === 'flow'
      ? (
          await tx.db
            .selectFrom('flows')
            .select('fallback_queue_id')
            .where('id', '=', target.id)
            .executeTakeFirstOrThrow()
        ).fallback_queue_id
      : target.id;
  const queue = await tx.db
    .selectFrom('queues')
    .select('priority')
    .where('id', '=', queueId)
    .executeTakeFirstOrThrow();
  return { queueId, userId: null, priority: queue.priority };
}

/** Whether any member of the queue is logged in to routing (not offline). */
async function isStaffed(tx: Tx, queueId: string): Promise<boolean> {
  const rows = await sql<{ id: string }>`
    select u.id as id from users u
    where u.contact_center_id = ${tx.ccId} and u.presence_state != 'offline' and ${isQueueMember(queueId)}
    limit 1`.execute(tx.db);
  return rows.rows.length > 0;
}

/**
 * Asks the CRM to route `leg` by a flow; true when the leg now waits for the flow's answer (or its
 * fallback queue after the hold).
 */
export async function requestFlow(
  tx: Tx,
  callId: string,
  leg: ParticipantTable,
  flowDevName: string,
  fallbackQueueId: string,
): Promise<boolean> {
  const hold = await tx.ports.crm.flowRequested(tx, { callId, legId: leg.id, flowDevName, fallbackQueueId });
  if (!hold) return false;
  await tx.db
    .updateTable('participants')
    .set({ not_before: tx.now + hold.holdMs })
    .where('id', '=', leg.id)
    .execute();
  await tx.schedule(JOB_FLOW_TIMEOUT, leg.id, tx.now + hold.holdMs);
  return true;
}

/**
 * Queues the agent leg of a call for its target and routes it: voicemail when nobody staffs the
 * queue; a direct line rings its agent (voicemail when the agent is not available); a flow asks the
 * CRM first.
 */
export async function queueLeg(
  tx: Tx,
  callId: string,
  target: RoutingTarget,
  viewType: string,
): Promise<void> {
  const { queueId, userId, priority } = await resolveTarget(tx, target);
  if (queueId && !(await isStaffed(tx, queueId))) {
    await setCallState(tx, callId, 'voicemail');
    return;
  }
  const leg = await addLeg(tx, callId, {
    role: 'agent',
    state: 'queued',
    viewType,
    queueId,
    priority,
    queuedAt: tx.now,
  });
  if (target.type === 'flow' && queueId) {
    const flow = await tx.db
      .selectFrom('flows')
      .select('dev_name')
      .where('id', '=', target.id)
      .executeTakeFirstOrThrow();
    if (await requestFlow(tx, callId, leg, flow.dev_name, queueId)) return;
  }
  if (userId) {
    await offerDirectOrVoicemail(tx, callId, leg, userId);
    return;
  }
  await routeWaiting(tx);
}

/** A direct line: its agent rings if available, else the call goes to voicemail. */
async function offerDirectOrVoicemail(
  tx: Tx,
  callId: string,
  leg: ParticipantTable,
  userId: string,
): Promise<void> {
  const user = await tx.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow();
  if (user.presence_state === 'available' && !user.offered_leg_id) {
    await offerDirect(tx, leg, user);
    return;
  }
  await closeLeg(tx, leg, 'agent_unavailable');
  await setCallState(tx, callId, 'voicemail');
}

/**
 * A call from a dialed number was recorded: routed now, or, when the CRM holds it until its record
 * exists, later by `routeRecordedCall` (or the safety timer).
 */
export async function routeInbound(tx: Tx, callId: string, target: RoutingTarget): Promise<void> {
  const hold = await tx.ports.crm.inboundRecorded(tx, { callId, target });
  if (hold) {
    await tx.schedule(JOB_ROUTE_RECORDED, callId, tx.now + hold.holdMs, { target });
    return;
  }
  await queueLeg(tx, callId, target, 'Inbound');
}

/**
 * Routes an inbound call recorded while its CRM record was being created, unless it was routed
 * already or the caller left.
 */
export async function routeRecordedCall(tx: Tx, callId: string, target: RoutingTarget): Promise<void> {
  const call = await loadCall(tx, callId);
  if (call.state !== 'queued' || (await loadParticipants(tx, callId)).some((p) => p.role === 'agent')) return;
  await tx.cancelJobs(callId, [JOB_ROUTE_RECORDED]);
  await queueLeg(tx, callId, target, 'Inbound');
}

/**
 * A flow's answer: CallCenterRoutingMap ExternalIds (developer guide ch. 12), i.e. the partner user id
 * user sync returned (`users.id`) or the partner queue id queue setup returned (`queues.id`).
 */
export type FlowRoute = { type: 'agent'; userId: string } | { type: 'queue'; queueId: string };

/**
 * An Omni-Channel flow answered for a leg waiting for it: the agent (by partner user id) if
 * available, else the queue (by its id) if it is one of ours, else the leg's fallback queue. False
 * when the answer came too late (the leg was released to its fallback queue and offered already).
 */
export async function routeFlowResult(tx: Tx, legId: string, route: FlowRoute): Promise<boolean> {
  const leg = await tx.db.selectFrom('participants').selectAll().where('id', '=', legId).executeTakeFirst();
  if (!leg || leg.state !== 'queued' || leg.offered_at !== null || leg.declined_by_json !== '[]')
    return false;
  await tx.cancelJobs(legId, [JOB_FLOW_TIMEOUT]);
  await tx.db.updateTable('participants').set({ not_before: null }).where('id', '=', legId).execute();
  const released = { ...leg, not_before: null };
  if (route.type === 'agent') {
    const user = await tx.db
      .selectFrom('users')
      .selectAll()
      .where('contact_center_id', '=', tx.ccId)
      .where('id', '=', route.userId)
      .executeTakeFirst();
    if (user && user.presence_state === 'available' && !user.offered_leg_id) {
      await offerDirect(tx, released, user);
      return true;
    }
  } else {
    const queue = await tx.db
      .selectFrom('queues')
      .select(['id', 'priority'])
      .where('contact_center_id', '=', tx.ccId)
      .where('id', '=', route.queueId)
      .executeTakeFirst();
    if (queue) {
      await tx.db
        .updateTable('participants')
        .set({ queue_id: queue.id, priority: queue.priority })
        .where('id', '=', legId)
        .execute();
      if (!leg.added_by)
        await tx.db.updateTable('calls').set({ queue_id: queue.id }).where('id', '=', leg.call_id).execute();
      await tx.publish({
        type: 'ParticipantRequeued',
        contactCenterId: tx.ccId,
        callId: leg.call_id,
        participantId: legId,
        queueId: queue.id,
      });
    }
  }
  await routeWaiting(tx);
  return true;
}
