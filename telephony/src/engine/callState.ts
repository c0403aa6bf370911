/**
 * Shared building blocks of call handling: loading, views, notifications, legs joining, answering
 * and leaving, agents entering and leaving calls and after-call work. Each write publishes its domain
 * event (domainEvents.ts). The operations live in `calls.ts` (agents), `network.ts` (callers, the
 * phone network, desk phones), `supervisor.ts` and `routing.ts` (queues and offers).
 */
import type { CallState, CallTable, ParticipantTable, UserTable } from '../db/schema.ts';
import type { CallEventName, EventData } from '../contracts/agentApi.ts';
import { buildCallView, legOf, vendorCallKeyOf, type CallView } from '../domain/callView.ts';
import { ConnectorError, type ErrorCode } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import type { Tx } from './engine.ts';
import { settings } from './settings.ts';
import { loadUser, setPresence, type NextState } from './presence.ts';
import { JOB_OFFER_TIMEOUT, JOB_SECONDARY_RING, JOB_WRAP_UP } from './jobKinds.ts';

export const LIVE_STATES: ReadonlyArray<ParticipantTable['state']> = ['connected', 'held', 'dialing'];

/** The call, if it belongs to this contact center; any other call looks exactly like a missing one. */
export function findCall(tx: Tx, callId: string): Promise<CallTable | undefined> {
  return tx.reads.get(`call:${callId}`, ['calls'], () =>
    tx.db
      .selectFrom('calls')
      .selectAll()
      .where('id', '=', callId)
      .where('contact_center_id', '=', tx.ccId)
      .executeTakeFirst(),
  );
}

/** The call (see `findCall`), or a refusal with `code`. */
export async function loadCall(
  tx: Tx,
  callId: string,
  code: ErrorCode = 'INVALID_PARAMS',
): Promise<CallTable> {
  const call = await findCall(tx, callId);
  if (!call) throw new ConnectorError(code, `unknown call ${callId}`);
  return call;
}

/** The columns a new call must name; the others take the defaults of an empty record. */
export type NewCall = Pick<CallTable, 'kind' | 'state' | 'from_number' | 'to_number'> & Partial<CallTable>;

/** Inserts a call (recording as the contact center's default) and returns its id. */
export async function insertCall(tx: Tx, fields: NewCall): Promise<string> {
  const id = newId('CA');
  await tx.db
    .insertInto('calls')
    .values({
      id,
      contact_center_id: tx.ccId,
      origin: null,
      caller_name: null,
      attributes_json: '{}',
      queue_id: null,
      initial_call_id: null,
      parent_call_id: null,
      recording_enabled: (await settings(tx)).recordingDefault ? 1 : 0,
      recording_paused: 0,
      recording_url: null,
      recording_duration_s: null,
      voicemail_url: null,
      dtmf: '',
      disposition: null,
      is_desk_phone: 0,
      callback_number: null,
      created_at: tx.now,
      connected_at: null,
      ended_at: null,
      end_reason: null,
      hold_ms: 0,
      ...fields,
    })
    .execute();
  await tx.publish({
    type: 'CallCreated',
    contactCenterId: tx.ccId,
    callId: id,
    kind: fields.kind,
    state: fields.state,
    queueId: fields.queue_id ?? null,
  });
  return id;
}

/** Sets the call's state (not `ended`: see `endWholeCall`), with other columns of the same change. */
export async function setCallState(
  tx: Tx,
  callId: string,
  state: Exclude<CallState, 'ended'>,
  also: Partial<Pick<CallTable, 'connected_at' | 'is_desk_phone'>> = {},
): Promise<void> {
  await tx.db
    .updateTable('calls')
    .set({ state, ...also })
    .where('id', '=', callId)
    .execute();
  await tx.publish({ type: 'CallStateChanged', contactCenterId: tx.ccId, callId, state });
  if (state === 'voicemail') await tx.publish({ type: 'VoicemailStarted', contactCenterId: tx.ccId, callId });
}

/** The call's participants, oldest first (read once per command until it writes participants). */
export async function loadParticipants(tx: Tx, callId: string): Promise<ParticipantTable[]> {
  return tx.reads.get(`participants:${callId}`, ['participants'], () =>
    tx.db
      .selectFrom('participants')
      .selectAll()
      .where('call_id', '=', callId)
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
  );
}

/** The names of the call's queues (the call's and its legs'), by id. */
async function queueNames(
  tx: Tx,
  call: CallTable,
  participants: ParticipantTable[],
): Promise<Map<string, string>> {
  const ids = [call.queue_id, ...participants.map((p) => p.queue_id)].filter((id) => id !== null);
  if (ids.length === 0) return new Map();
  const unique = [...new Set(ids)].sort();
  const rows = await tx.reads.get(`queueNames:${unique.join(',')}`, ['queues'], () =>
    tx.db.selectFrom('queues').select(['id', 'name']).where('id', 'in', unique).execute(),
  );
  return new Map(rows.map((q) => [q.id, q.name]));
}

export async function viewFor(tx: Tx, callId: string, userId: string | null): Promise<CallView> {
  const call = await loadCall(tx, callId);
  const participants = await loadParticipants(tx, callId);
  return buildCallView(call, participants, userId, await queueNames(tx, call, participants));
}

/**
 * The call a vendor call key names (Salesforce hands back a VoiceCall's key: a supervisor picks a
 * transfer's VoiceCall, a recording link is asked for one): a call's own id, or the id of a leg with
 * its own VoiceCall (`vendorCallKeyOf`); anything else as it is (the command refuses it).
 */
export async function callIdOfVendorKey(tx: Tx, vendorCallKey: string): Promise<string> {
  const leg = await tx.db
    .selectFrom('participants')
    .select('call_id')
    .where('id', '=', vendorCallKey)
    .where('contact_center_id', '=', tx.ccId)
    .where('role', '=', 'agent')
    .where('added_by', 'is not', null)
    .executeTakeFirst();
  return leg?.call_id ?? vendorCallKey;
}

/** The vendor call key of the user's VoiceCall of the call (`CallView.vendorCallKey`). */
export async function vendorCallKeyFor(tx: Tx, callId: string, userId: string): Promise<string> {
  const call = await loadCall(tx, callId);
  return vendorCallKeyOf(call, legOf(await loadParticipants(tx, callId), userId));
}

/** Users with a live leg (connected, held, dialing) in the call, supervisors included. */
export function liveUsers(participants: ParticipantTable[], except?: string): string[] {
  const ids = participants
    .filter((p) => p.user_id && LIVE_STATES.includes(p.state) && p.user_id !== except)
    .map((p) => p.user_id as string);
  return [...new Set(ids)];
}

/** HANGUP's data besides the call: the call ended for the agent. */
export const hangupEnded = (): { reason: 'ended' } => ({ reason: 'ended' });

/** HANGUP's data besides the call: the offer or leg failed, with the agent status Salesforce shows. */
export const hangupFailed =
  (agentStatus: string, closeCallOnError: boolean) =>
  (): { reason: 'error'; agentStatus: string; closeCallOnError: boolean } => ({
    reason: 'error',
    agentStatus,
    closeCallOnError,
  });

/** Emits `event` to each user with that user's own view of the call. */
export async function notify<E extends CallEventName>(
  tx: Tx,
  callId: string,
  event: E,
  users: Iterable<string>,
  extra?: (view: CallView) => NoInfer<Omit<EventData[E], 'call'>>,
): Promise<void> {
  const recipients = [...users];
  if (recipients.length === 0) return;
  const call = await loadCall(tx, callId);
  const participants = await loadParticipants(tx, callId);
  const names = await queueNames(tx, call, participants);
  for (const userId of recipients) {
    const view = buildCallView(call, participants, userId, names);
    await tx.emit(userId, event, { call: view, ...extra?.(view) } as EventData[E]);
  }
}

/** The user's live leg in the call (connected or held or dialing), or a refusal with `code`. */
export async function myLiveLeg(
  tx: Tx,
  callId: string,
  userId: string,
  code: ErrorCode,
): Promise<ParticipantTable> {
  await loadCall(tx, callId, code);
  const leg = legOf(await loadParticipants(tx, callId), userId);
  if (!leg || !LIVE_STATES.includes(leg.state)) {
    throw new ConnectorError(code, `you are not on call ${callId}`);
  }
  return leg;
}

export interface NewLeg {
  role: ParticipantTable['role'];
  state: ParticipantTable['state'];
  userId?: string | null;
  name?: string | null;
  phoneNumber?: string | null;
  viewType?: string | null;
  queueId?: string | null;
  priority?: number;
  queuedAt?: number | null;
  notBefore?: number | null;
  addedBy?: string | null;
  blind?: boolean;
  isConsult?: boolean;
  listenOnly?: boolean;
  device?: string | null;
}

export async function addLeg(tx: Tx, callId: string, leg: NewLeg): Promise<ParticipantTable> {
  const row: ParticipantTable = {
    id: newId('PA'),
    call_id: callId,
    contact_center_id: tx.ccId,
    role: leg.role,
    user_id: leg.userId ?? null,
    phone_number: leg.phoneNumber ?? null,
    name: leg.name ?? null,
    state: leg.state,
    muted: leg.listenOnly ? 1 : 0,
    held_since: null,
    hold_ms: 0,
    is_consult: leg.isConsult ? 1 : 0,
    listen_only: leg.listenOnly ? 1 : 0,
    view_type: leg.viewType ?? null,
    added_by: leg.addedBy ?? null,
    blind: leg.blind ? 1 : 0,
    queue_id: leg.queueId ?? null,
    target_user_id: null,
    priority: leg.priority ?? 0,
    queued_at: leg.queuedAt ?? null,
    not_before: leg.notBefore ?? null,
    offered_at: null,
    offer_expires_at: null,
    secondary_ringing: 0,
    declined_by_json: '[]',
    device: leg.device ?? null,
    joined_at: leg.state === 'connected' ? tx.now : null,
    left_at: null,
    leave_reason: null,
    created_at: tx.now,
  };
  await tx.db.insertInto('participants').values(row).execute();
  await tx.publish({
    type: 'ParticipantAdded',
    contactCenterId: tx.ccId,
    callId,
    participantId: row.id,
    role: row.role,
    state: row.state,
    userId: row.user_id,
  });
  return row;
}

/** Marks a leg ended (its hold time accounted); releases an offer it held. Notifications are the caller's. */
export async function closeLeg(tx: Tx, leg: ParticipantTable, reason: string): Promise<void> {
  const holdMs = leg.hold_ms + (leg.held_since !== null ? tx.now - leg.held_since : 0);
  if (leg.state === 'ringing' && leg.user_id) {
    await tx.db
      .updateTable('users')
      .set({ offered_leg_id: null })
      .where('id', '=', leg.user_id)
      .where('offered_leg_id', '=', leg.id)
      .execute();
  }
  await tx.cancelJobs(leg.id, [JOB_OFFER_TIMEOUT, JOB_SECONDARY_RING]);
  await tx.db
    .updateTable('participants')
    .set({
      state: 'ended',
      left_at: tx.now,
      leave_reason: reason,
      hold_ms: holdMs,
      held_since: null,
      offer_expires_at: null,
    })
    .where('id', '=', leg.id)
    .execute();
  if (leg.role === 'initial_caller' && leg.held_since !== null) {
    await tx.db
      .updateTable('calls')
      .set((eb) => ({ hold_ms: eb('hold_ms', '+', tx.now - (leg.held_since as number)) }))
      .where('id', '=', leg.call_id)
      .execute();
  }
  await tx.publish({
    type: 'ParticipantLeft',
    contactCenterId: tx.ccId,
    callId: leg.call_id,
    participantId: leg.id,
    reason,
  });
}

/** Puts a participant on hold or takes it off; the call's hold total counts the customer's hold. */
export async function setHeld(tx: Tx, leg: ParticipantTable, held: boolean): Promise<void> {
  if (held) {
    await tx.db
      .updateTable('participants')
      .set({ state: 'held', held_since: tx.now })
      .where('id', '=', leg.id)
      .execute();
    await tx.publish({
      type: 'ParticipantHeld',
      contactCenterId: tx.ccId,
      callId: leg.call_id,
      participantId: leg.id,
    });
    return;
  }
  const since = leg.held_since ?? tx.now;
  await tx.db
    .updateTable('participants')
    .set({ state: 'connected', held_since: null, hold_ms: leg.hold_ms + (tx.now - since) })
    .where('id', '=', leg.id)
    .execute();
  if (leg.role === 'initial_caller') {
    await tx.db
      .updateTable('calls')
      .set((eb) => ({ hold_ms: eb('hold_ms', '+', tx.now - since) }))
      .where('id', '=', leg.call_id)
      .execute();
  }
  await tx.publish({
    type: 'ParticipantResumed',
    contactCenterId: tx.ccId,
    callId: leg.call_id,
    participantId: leg.id,
  });
}

function restorable(user: UserTable): NextState {
  if (user.presence_state === 'busy') return { state: 'busy', reason: user.presence_reason, push: false };
  if (user.presence_state === 'offline') return { state: 'offline', reason: null, push: false };
  return { state: 'available', reason: null, push: false };
}

/** The agent is now on `callId`: out of routing; remembers what to return to after the call. */
export async function enterCall(tx: Tx, user: UserTable, callId: string): Promise<void> {
  if (user.wrap_up_call_id) await tx.cancelJobs(user.id, [JOB_WRAP_UP]);
  const next = user.next_state_json ?? JSON.stringify(restorable(user));
  await setPresence(tx, user, 'on_call', null, false, {
    active_call_id: callId,
    offered_leg_id: null,
    wrap_up_call_id: null,
    next_state_json: next,
  });
}

/** The agent's leg of `callId` ended: after-call work starts (infinite unless the contact center limits it). */
export async function leaveCall(tx: Tx, userId: string, callId: string): Promise<void> {
  const user = await loadUser(tx, userId);
  if (user.active_call_id !== callId) return;
  await setPresence(tx, user, 'after_call_work', null, false, {
    active_call_id: null,
    wrap_up_call_id: callId,
  });
  const vendorCallKey = await vendorCallKeyFor(tx, callId, userId);
  await tx.emit(userId, 'AFTER_CALL_WORK_STARTED', { callId, vendorCallKey });
  const wrapUp = (await settings(tx)).wrapUpSeconds;
  if (wrapUp > 0) await tx.schedule(JOB_WRAP_UP, userId, tx.now + wrapUp * 1000, { callId });
}

/** Ends after-call work: the enqueued next state, else what the agent was before the call. */
export async function endWrapUp(tx: Tx, user: UserTable): Promise<UserTable> {
  const callId = user.wrap_up_call_id;
  const next = user.next_state_json ? (JSON.parse(user.next_state_json) as NextState) : null;
  await tx.cancelJobs(user.id, [JOB_WRAP_UP]);
  if (callId)
    await tx.emit(user.id, 'WRAP_UP_ENDED', {
      callId,
      vendorCallKey: await vendorCallKeyFor(tx, callId, user.id),
    });
  return setPresence(tx, user, next?.state ?? 'available', next?.reason ?? null, next?.push ?? false, {
    wrap_up_call_id: null,
    next_state_json: null,
  });
}

/**
 * Ends the whole call: pending offers withdrawn, every party hung up, agents into after-call work.
 * The agents' HANGUP says `ended`, or what `agentHangup` gives (a dialed customer never reached).
 */
export async function endWholeCall(
  tx: Tx,
  callId: string,
  reason: string,
  agentHangup: () => {
    reason: 'ended' | 'error';
    agentStatus?: string;
    closeCallOnError?: boolean;
  } = hangupEnded,
): Promise<void> {
  const call = await loadCall(tx, callId);
  if (call.state === 'ended') return;
  const participants = await loadParticipants(tx, callId);
  const agents = liveUsers(participants).filter((u) =>
    participants.some((p) => p.user_id === u && p.role !== 'supervisor'),
  );
  const supervisors = participants
    .filter((p) => p.role === 'supervisor' && LIVE_STATES.includes(p.state))
    .map((p) => p.user_id as string);
  const ringing = participants.filter((p) => p.state === 'ringing' && p.user_id);
  for (const p of participants) if (p.state !== 'ended') await closeLeg(tx, p, reason);
  await tx.db
    .updateTable('calls')
    .set({ state: 'ended', ended_at: tx.now, end_reason: reason })
    .where('id', '=', callId)
    .execute();
  await tx.publish({ type: 'CallEnded', contactCenterId: tx.ccId, callId, reason });
  for (const p of ringing) {
    await notify(tx, callId, 'HANGUP', [p.user_id as string], hangupFailed('FailedConnectCustomer', true));
  }
  await notify(tx, callId, 'HANGUP', agents, agentHangup);
  await notify(tx, callId, 'SUPERVISOR_HANGUP', supervisors);
  for (const userId of agents) await leaveCall(tx, userId, callId);
}

/**
 * After a party left: the call goes on while two parties talk, or one talks and another is on its way
 * (waiting in a queue, ringing, being dialed); parties left on hold by the last agent are taken off hold.
 */
export async function settle(tx: Tx, callId: string, reason: string): Promise<void> {
  const call = await loadCall(tx, callId);
  if (call.state === 'ended') return;
  const participants = await loadParticipants(tx, callId);
  const active = participants.filter((p) => p.state !== 'ended' && p.role !== 'supervisor');
  const talking = active.filter((p) => LIVE_STATES.includes(p.state));
  const pending = active.filter((p) => p.state === 'queued' || p.state === 'ringing');
  if (talking.length >= 2 || (talking.length >= 1 && pending.length >= 1)) {
    const agentsLeft = talking.some((p) => p.user_id);
    if (!agentsLeft) for (const p of talking) if (p.state === 'held') await setHeld(tx, p, false);
    return;
  }
  await endWholeCall(tx, callId, reason);
}

/** The call's state follows its agent legs: ringing while an offer rings, queued while none does. */
export async function syncWaitingState(tx: Tx, callId: string): Promise<void> {
  const call = await loadCall(tx, callId);
  if (call.state !== 'queued' && call.state !== 'ringing') return;
  const participants = await loadParticipants(tx, callId);
  const state = participants.some((p) => p.state === 'ringing' && p.role !== 'supervisor')
    ? 'ringing'
    : 'queued';
  if (state !== call.state) await setCallState(tx, callId, state);
}

/**
 * The agent answers a leg that rings for them (from the connector, the desk phone or auto-accept).
 * The first connect of a recorded call starts its recording. `loaded`: the call and its participants
 * as the caller read them in this command (not read again).
 */
export async function acceptLeg(
  tx: Tx,
  leg: ParticipantTable,
  user: UserTable,
  device?: 'desk' | 'soft',
  loaded?: { call: CallTable; participants: ParticipantTable[] },
): Promise<void> {
  const callId = leg.call_id;
  const dev = device ?? (user.phone_type === 'DESK_PHONE' ? 'desk' : 'soft');
  await tx.cancelJobs(leg.id, [JOB_OFFER_TIMEOUT, JOB_SECONDARY_RING]);
  await tx.db
    .updateTable('participants')
    .set({ state: 'connected', joined_at: tx.now, device: dev, offer_expires_at: null, secondary_ringing: 0 })
    .where('id', '=', leg.id)
    .execute();
  await tx.publish({
    type: 'ParticipantConnected',
    contactCenterId: tx.ccId,
    callId,
    participantId: leg.id,
    userId: user.id,
  });
  await enterCall(tx, user, callId);
  const call = loaded?.call ?? (await loadCall(tx, callId));
  const participants = loaded?.participants ?? (await loadParticipants(tx, callId));
  if (call.kind === 'callback' && !participants.some((p) => p.role === 'initial_caller')) {
    await addLeg(tx, callId, { role: 'initial_caller', state: 'dialing', phoneNumber: call.callback_number });
    await setCallState(tx, callId, 'dialing', { is_desk_phone: dev === 'desk' ? 1 : 0 });
    await notify(tx, callId, 'CALL_UPDATED', [user.id]);
    return;
  }
  const firstAgent = !participants.some((p) => p.id !== leg.id && p.role === 'agent' && p.joined_at !== null);
  await setCallState(tx, callId, 'connected', {
    connected_at: call.connected_at ?? tx.now,
    ...(firstAgent ? { is_desk_phone: dev === 'desk' ? 1 : 0 } : {}),
  });
  if (call.connected_at === null && call.recording_enabled === 1)
    await tx.publish({ type: 'RecordingStarted', contactCenterId: tx.ccId, callId });
  await notify(tx, callId, 'CALL_CONNECTED', [user.id]);
  if (call.kind === 'internal' && !leg.added_by) {
    const caller = participants.find((p) => p.role === 'initial_caller' && p.user_id);
    if (caller) await notify(tx, callId, 'CALL_CONNECTED', [caller.user_id as string]);
  } else if (leg.added_by) {
    await notify(tx, callId, 'PARTICIPANT_CONNECTED', liveUsers(participants, user.id), () => ({
      participantId: leg.id,
    }));
  }
}
