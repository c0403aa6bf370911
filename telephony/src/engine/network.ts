/**
 * What the phone network does (played by the simulator today, a SIP trunk later): callers arrive,
 * hang up, answer, leave voicemails and ask for callbacks; third parties answer and leave; desk
 * phones act on behalf of their agent; transcripts, recordings and audio stats arrive.
 */
import type { CallTable, ParticipantTable } from '../db/schema.ts';
import { ConnectorError, InvalidStateError, NotFoundError } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import {
  addLeg,
  acceptLeg,
  closeLeg,
  endWholeCall,
  findCall,
  hangupFailed,
  LIVE_STATES,
  liveUsers,
  loadParticipants,
  notify,
  settle,
  insertCall,
  setCallState,
  vendorCallKeyFor,
} from './callState.ts';
import { agentLeaves, setHold, setMuted } from './calls.ts';
import type { DeskPhoneAction } from '../contracts/simulatorApi.ts';
import type { Tx } from './engine.ts';
import { DTMF_DIGITS, JOB_CALLBACK_DUE } from './jobKinds.ts';
import type { RoutingTarget } from './ports.ts';
import { loadUser } from './presence.ts';
import { failOffer, queueLeg, resolveTarget, routeInbound, routeWaiting } from './routing.ts';

/** The call for the simulator: an unknown call (or another tenant's) is a 404, not a refusal. */
async function callOf(tx: Tx, callId: string): Promise<CallTable> {
  const call = await findCall(tx, callId);
  if (!call) throw new NotFoundError(`unknown call ${callId}`);
  return call;
}

export interface InboundCall {
  from: string;
  to: string;
  callerName?: string | undefined;
  attributes?: Record<string, unknown> | undefined;
  origin?: string | null;
  kind?: 'inbound' | 'outbound';
}

function insertInbound(
  tx: Tx,
  c: InboundCall,
  queueId: string | null,
  state: CallTable['state'],
): Promise<string> {
  return insertCall(tx, {
    kind: c.kind ?? 'inbound',
    origin: c.origin ?? null,
    state,
    from_number: c.from,
    to_number: c.to,
    caller_name: c.callerName ?? null,
    attributes_json: JSON.stringify(c.attributes ?? {}),
    queue_id: queueId,
  });
}

/** A caller dialed one of the contact center's numbers. */
export async function inboundCall(tx: Tx, c: InboundCall, target: RoutingTarget): Promise<string> {
  const callId = await insertInbound(
    tx,
    c,
    target.type === 'user' ? null : (await resolveTarget(tx, target)).queueId,
    'queued',
  );
  await addLeg(tx, callId, {
    role: 'initial_caller',
    state: 'connected',
    phoneNumber: c.from,
    name: c.callerName ?? null,
  });
  await routeInbound(tx, callId, target);
  return callId;
}

/** Progressive dialer: the service dials the customer; once answered the call routes like an inbound one. */
export async function progressiveDial(tx: Tx, c: InboundCall, queueId: string): Promise<string> {
  const callId = await insertInbound(
    tx,
    { ...c, kind: 'outbound', origin: 'ProgressiveDialer' },
    queueId,
    'dialing',
  );
  await addLeg(tx, callId, {
    role: 'initial_caller',
    state: 'dialing',
    phoneNumber: c.to,
    name: c.callerName ?? null,
  });
  return callId;
}

function customerLeg(participants: ParticipantTable[]): ParticipantTable | undefined {
  return participants.find((p) => p.role === 'initial_caller' && p.state !== 'ended' && !p.user_id);
}

/** The caller hangs up: abandons while waiting or ringing, or ends its part of a connected call. */
export async function callerHangup(tx: Tx, callId: string): Promise<void> {
  const call = await callOf(tx, callId);
  if (call.state === 'ended') throw new InvalidStateError('the call has ended');
  const caller = customerLeg(await loadParticipants(tx, callId));
  if (!caller) throw new InvalidStateError('the caller is not on this call');
  if (call.state === 'queued' || call.state === 'ringing' || call.state === 'voicemail') {
    await endWholeCall(tx, callId, 'abandoned');
    return;
  }
  await closeLeg(tx, caller, 'caller_hangup');
  await notify(tx, callId, 'PARTICIPANT_REMOVED', liveUsers(await loadParticipants(tx, callId)), () => ({
    participantId: caller.id,
  }));
  await settle(tx, callId, 'caller_hangup');
}

/** Why the phone network could not reach a dialed party (a SIP trunk's final response, docs/sip.md). */
export type DialFailure = 'busy' | 'no_answer' | 'unavailable';

/**
 * A dialed party was not reached: it leaves the call with `reason`. A customer the agent dialed ends
 * the call, the agent's HANGUP saying `error` / `FailedConnectCustomer` (the developer guide's failed
 * call); a third party (consult, transfer) leaves as when it hangs up.
 */
export async function dialFailed(
  tx: Tx,
  callId: string,
  participantId: string,
  reason: DialFailure,
): Promise<void> {
  const call = await callOf(tx, callId);
  const p = (await loadParticipants(tx, callId)).find((x) => x.id === participantId && !x.user_id);
  if (!p) throw new NotFoundError(`no external participant ${participantId}`);
  if (p.state !== 'dialing') throw new InvalidStateError(`participant is ${p.state}`);
  if (p.role === 'initial_caller' && call.state === 'dialing') {
    await endWholeCall(tx, callId, reason, hangupFailed('FailedConnectCustomer', true));
    return;
  }
  await closeLeg(tx, p, reason);
  await notify(tx, callId, 'PARTICIPANT_REMOVED', liveUsers(await loadParticipants(tx, callId)), () => ({
    participantId,
  }));
  await settle(tx, callId, reason);
}

/** The customer picks up an outbound call, a callback or a progressive-dialer call. */
export async function customerAnswers(tx: Tx, callId: string): Promise<void> {
  const call = await callOf(tx, callId);
  const caller = customerLeg(await loadParticipants(tx, callId));
  if (call.state !== 'dialing' || !caller || caller.state !== 'dialing')
    throw new InvalidStateError('nobody is being dialed on this call');
  await tx.db
    .updateTable('participants')
    .set({ state: 'connected', joined_at: tx.now })
    .where('id', '=', caller.id)
    .execute();
  await tx.publish({
    type: 'ParticipantConnected',
    contactCenterId: tx.ccId,
    callId,
    participantId: caller.id,
    userId: null,
  });
  if (call.origin === 'ProgressiveDialer' && call.queue_id) {
    await setCallState(tx, callId, 'queued');
    await tx.publish({ type: 'DialerCallAnswered', contactCenterId: tx.ccId, callId });
    await queueLeg(tx, callId, { type: 'queue', id: call.queue_id }, 'Outbound');
    return;
  }
  await setCallState(tx, callId, 'connected', { connected_at: tx.now });
  if (call.connected_at === null && call.recording_enabled === 1)
    await tx.publish({ type: 'RecordingStarted', contactCenterId: tx.ccId, callId });
  await notify(tx, callId, 'CALL_CONNECTED', liveUsers(await loadParticipants(tx, callId)));
}

async function thirdParty(tx: Tx, callId: string, participantId: string): Promise<ParticipantTable> {
  await callOf(tx, callId);
  const p = (await loadParticipants(tx, callId)).find(
    (x) => x.id === participantId && x.role === 'third_party' && !x.user_id,
  );
  if (!p) throw new NotFoundError(`no external participant ${participantId}`);
  return p;
}

export async function thirdPartyAnswers(tx: Tx, callId: string, participantId: string): Promise<void> {
  const p = await thirdParty(tx, callId, participantId);
  if (p.state !== 'dialing') throw new InvalidStateError(`participant is ${p.state}`);
  await tx.db
    .updateTable('participants')
    .set({ state: 'connected', joined_at: tx.now })
    .where('id', '=', p.id)
    .execute();
  await tx.publish({
    type: 'ParticipantConnected',
    contactCenterId: tx.ccId,
    callId,
    participantId,
    userId: null,
  });
  await notify(tx, callId, 'PARTICIPANT_CONNECTED', liveUsers(await loadParticipants(tx, callId)), () => ({
    participantId,
  }));
}

export async function thirdPartyHangsUp(tx: Tx, callId: string, participantId: string): Promise<void> {
  const p = await thirdParty(tx, callId, participantId);
  if (p.state === 'ended') throw new InvalidStateError('participant has left');
  await closeLeg(tx, p, 'third_party_hangup');
  await notify(tx, callId, 'PARTICIPANT_REMOVED', liveUsers(await loadParticipants(tx, callId)), () => ({
    participantId,
  }));
  await settle(tx, callId, 'third_party_hangup');
}

/** A phone-network party was lost (its audio stopped): it leaves as if it hung up; gone already, nothing happens. */
export async function networkPartyLost(tx: Tx, callId: string, participantId: string): Promise<void> {
  const p = (await loadParticipants(tx, callId)).find(
    (x) => x.id === participantId && !x.user_id && x.state !== 'ended',
  );
  if (!p) return;
  if (p.role === 'initial_caller') await callerHangup(tx, callId);
  else await thirdPartyHangsUp(tx, callId, participantId);
}

export async function addTranscript(
  tx: Tx,
  callId: string,
  u: {
    participantId?: string | undefined;
    speaker: string;
    text: string;
    startTime?: number | undefined;
    endTime?: number | undefined;
  },
): Promise<string> {
  await callOf(tx, callId);
  if (u.participantId && !(await loadParticipants(tx, callId)).some((p) => p.id === u.participantId)) {
    throw new NotFoundError(`no participant ${u.participantId}`);
  }
  const id = newId('TR');
  await tx.db
    .insertInto('transcripts')
    .values({
      id,
      call_id: callId,
      participant_id: u.participantId ?? null,
      sender_type: u.speaker,
      content: u.text,
      start_time: u.startTime ?? tx.now,
      end_time: u.endTime ?? tx.now,
      created_at: tx.now,
    })
    .execute();
  await tx.publish({
    type: 'TranscriptAdded',
    contactCenterId: tx.ccId,
    callId,
    transcriptId: id,
    participantId: u.participantId ?? null,
  });
  return id;
}

/**
 * A caller or third party on the phone network keys DTMF digits (the media plane hears them). Checked
 * like an agent's `sendDigits` (0-9, *, #, A-D, at most 64) and published as `DigitsSent` with
 * `source: 'caller'`; the call's `dtmf` column stays the digits agents sent.
 */
export async function callerDigits(
  tx: Tx,
  callId: string,
  participantId: string,
  digits: string,
): Promise<void> {
  if (!DTMF_DIGITS.test(digits))
    throw new ConnectorError('INVALID_PARAMS', 'digits are 0-9, *, #, A-D (at most 64)');
  const call = await callOf(tx, callId);
  if (call.state === 'ended') throw new InvalidStateError('the call has ended');
  const party = (await loadParticipants(tx, callId)).find(
    (p) => p.id === participantId && !p.user_id && p.role !== 'supervisor',
  );
  if (!party) throw new NotFoundError(`no caller or external participant ${participantId}`);
  if (!LIVE_STATES.includes(party.state) || party.state === 'dialing')
    throw new InvalidStateError(`participant is ${party.state}`);
  await tx.publish({
    type: 'DigitsSent',
    contactCenterId: tx.ccId,
    callId,
    participantId,
    digits,
    source: 'caller',
  });
}

export async function publishRecording(
  tx: Tx,
  callId: string,
  url: string,
  durationSeconds: number,
): Promise<void> {
  await callOf(tx, callId);
  await tx.db
    .updateTable('calls')
    .set({ recording_url: url, recording_duration_s: durationSeconds })
    .where('id', '=', callId)
    .execute();
  await tx.publish({ type: 'RecordingPublished', contactCenterId: tx.ccId, callId, url, durationSeconds });
}

/** Takes a waiting call out of its queue (offers withdrawn). */
async function leaveQueue(tx: Tx, callId: string, reason: string): Promise<CallTable> {
  const call = await callOf(tx, callId);
  if (call.state !== 'queued' && call.state !== 'ringing' && call.state !== 'voicemail') {
    throw new InvalidStateError(`the call is ${call.state}, not waiting`);
  }
  for (const p of await loadParticipants(tx, callId)) {
    if (p.state === 'ringing' && p.user_id) {
      await failOffer(tx, p, 'FailedConnectCustomer');
    }
  }
  for (const p of await loadParticipants(tx, callId)) {
    if (p.role === 'agent' && (p.state === 'queued' || p.state === 'ringing')) await closeLeg(tx, p, reason);
  }
  return call;
}

export async function voicemailRequested(tx: Tx, callId: string): Promise<void> {
  await leaveQueue(tx, callId, 'voicemail');
  await setCallState(tx, callId, 'voicemail');
}

/** The caller leaves a voicemail: the call ends with origin Voicemail, its recording and transcript. */
export async function leaveVoicemail(
  tx: Tx,
  callId: string,
  v: { url: string; durationSeconds: number; transcript?: string | undefined },
): Promise<void> {
  await leaveQueue(tx, callId, 'voicemail');
  await tx.db
    .updateTable('calls')
    .set({
      origin: 'Voicemail',
      voicemail_url: v.url,
      recording_url: v.url,
      recording_duration_s: v.durationSeconds,
    })
    .where('id', '=', callId)
    .execute();
  await tx.publish({
    type: 'VoicemailLeft',
    contactCenterId: tx.ccId,
    callId,
    url: v.url,
    durationSeconds: v.durationSeconds,
  });
  if (v.transcript) await addTranscript(tx, callId, { speaker: 'END_USER', text: v.transcript });
  await endWholeCall(tx, callId, 'voicemail');
}

/** The caller asks to be called back: the call ends and a callback call waits in the same queue. */
export async function callbackRequested(
  tx: Tx,
  callId: string,
  phoneNumber: string | null,
  at: number | null,
): Promise<string> {
  const call = await leaveQueue(tx, callId, 'callback_requested');
  if (!call.queue_id) throw new InvalidStateError('the call is not waiting in a queue');
  const queue = await tx.db
    .selectFrom('queues')
    .select('priority')
    .where('id', '=', call.queue_id)
    .executeTakeFirstOrThrow();
  const number = phoneNumber ?? call.from_number;
  const cbId = await insertCall(tx, {
    kind: 'callback',
    state: 'queued',
    from_number: number,
    to_number: call.to_number,
    caller_name: call.caller_name,
    attributes_json: call.attributes_json,
    queue_id: call.queue_id,
    initial_call_id: call.id,
    callback_number: number,
    recording_enabled: call.recording_enabled,
  });
  const due = at !== null && at > tx.now ? at : null;
  await addLeg(tx, cbId, {
    role: 'agent',
    state: 'queued',
    viewType: 'Callback',
    queueId: call.queue_id,
    priority: queue.priority,
    queuedAt: tx.now,
    notBefore: due,
  });
  await endWholeCall(tx, callId, 'callback_requested');
  if (due) await tx.schedule(JOB_CALLBACK_DUE, cbId, due);
  else await routeWaiting(tx);
  return cbId;
}

export async function pushAudioStats(
  tx: Tx,
  callId: string,
  stats: Array<Record<string, unknown>>,
): Promise<void> {
  await callOf(tx, callId);
  const users = liveUsers(await loadParticipants(tx, callId));
  for (const u of users)
    await tx.emit(u, 'UPDATE_AUDIO_STATS', {
      callId,
      vendorCallKey: await vendorCallKeyFor(tx, callId, u),
      stats,
    });
}

export type { DeskPhoneAction } from '../contracts/simulatorApi.ts';

/** The agent acts on the desk phone: the same operations as from the connector, marked as desk phone. */
export async function deskPhone(
  tx: Tx,
  userId: string,
  action: DeskPhoneAction,
  callId: string,
  participantId?: string,
): Promise<void> {
  const user = await loadUser(tx, userId).catch(() => {
    throw new NotFoundError(`unknown user ${userId}`);
  });
  await callOf(tx, callId);
  const participants = await loadParticipants(tx, callId);
  const mine = participants.find((p) => p.user_id === userId && p.state !== 'ended');
  if (!mine) throw new InvalidStateError('the agent is not on this call');
  switch (action) {
    case 'answer':
      if (mine.state !== 'ringing') throw new InvalidStateError('the call is not ringing for this agent');
      await acceptLeg(tx, mine, user, 'desk');
      return;
    case 'hold':
    case 'resume': {
      const target = participantId ?? customerLeg(participants)?.id;
      if (!target) throw new InvalidStateError('nobody to hold');
      await setHold(tx, userId, callId, target, action === 'hold');
      return;
    }
    case 'mute':
    case 'unmute':
      await setMuted(tx, userId, callId, action === 'mute');
      return;
    case 'hangup':
      if (!LIVE_STATES.includes(mine.state)) throw new InvalidStateError('the agent is not connected');
      await agentLeaves(tx, mine, 'agent_hangup');
      return;
  }
}

/** Desk phones and secondary devices that ring now. */
export async function ringingDevices(
  tx: Tx,
): Promise<
  Array<{ userId: string; callId: string; participantId: string; device: string; phoneNumber: string | null }>
> {
  const rows = await tx.db
    .selectFrom('participants')
    .innerJoin('users', 'users.id', 'participants.user_id')
    .select([
      'participants.id as participantId',
      'participants.call_id as callId',
      'users.id as userId',
      'users.phone_type as phoneType',
      'users.desk_phone_number as deskNumber',
      'users.secondary_number as secondaryNumber',
      'participants.secondary_ringing as secondaryRinging',
    ])
    .where('participants.contact_center_id', '=', tx.ccId)
    .where('participants.state', '=', 'ringing')
    .execute();
  const devices = [];
  for (const r of rows) {
    if (r.phoneType === 'DESK_PHONE')
      devices.push({
        userId: r.userId,
        callId: r.callId,
        participantId: r.participantId,
        device: 'desk_phone',
        phoneNumber: r.deskNumber,
      });
    if (r.secondaryRinging === 1)
      devices.push({
        userId: r.userId,
        callId: r.callId,
        participantId: r.participantId,
        device: 'secondary',
        phoneNumber: r.secondaryNumber,
      });
  }
  return devices;
}
