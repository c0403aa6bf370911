/**
 * What an agent does with calls (the agent API's call methods). Each function runs inside a command
 * (`Engine.command`), checks state and rights first, and changes nothing when it refuses.
 */
import type { CallTable, ParticipantTable, UserTable } from '../db/schema.ts';
import type { CallView, Destination } from '../contracts/agentApi.ts';
import { ConnectorError, refuse } from '../domain/errors.ts';
import { toE164 } from '../domain/phoneNumbers.ts';
import {
  acceptLeg,
  addLeg,
  closeLeg,
  enterCall,
  endWrapUp,
  leaveCall,
  loadCall,
  loadParticipants,
  myLiveLeg,
  notify,
  liveUsers,
  setHeld,
  settle,
  viewFor,
  insertCall,
  hangupEnded,
  hangupFailed,
} from './callState.ts';
import { settings } from './settings.ts';
import type { Tx } from './engine.ts';
import { agentStatus, loadUser, type AgentStatus } from './presence.ts';
import { DTMF_DIGITS } from './jobKinds.ts';
import { declineOffer, offerDirect, requestFlow, routeWaiting } from './routing.ts';

async function ringingLegOf(
  tx: Tx,
  callId: string,
  userId: string,
  code: 'CAN_NOT_ACCEPT_THE_CALL' | 'CAN_NOT_DECLINE_THE_CALL',
): Promise<{ leg: ParticipantTable; call: CallTable; participants: ParticipantTable[] }> {
  const call = await loadCall(tx, callId, code);
  const participants = await loadParticipants(tx, callId);
  const leg = participants.find((p) => p.user_id === userId && p.state === 'ringing');
  if (!leg) throw new ConnectorError(code, `call ${callId} is not ringing for you`);
  return { leg, call, participants };
}

export async function acceptCall(tx: Tx, userId: string, callId: string): Promise<{ call: CallView }> {
  const { leg, ...loaded } = await ringingLegOf(tx, callId, userId, 'CAN_NOT_ACCEPT_THE_CALL');
  await acceptLeg(tx, leg, await loadUser(tx, userId), undefined, loaded);
  return { call: await viewFor(tx, callId, userId) };
}

export async function declineCall(tx: Tx, userId: string, callId: string): Promise<{ call: CallView }> {
  const { leg } = await ringingLegOf(tx, callId, userId, 'CAN_NOT_DECLINE_THE_CALL');
  await declineOffer(tx, leg);
  return { call: await viewFor(tx, callId, userId) };
}

export async function endCall(tx: Tx, userId: string, callId: string): Promise<{ call: CallView }> {
  const leg = await myLiveLeg(tx, callId, userId, 'CAN_NOT_END_THE_CALL');
  if (leg.role === 'supervisor')
    refuse('CAN_NOT_END_THE_CALL', 'supervisors leave with supervisorDisconnect');
  await agentLeaves(tx, leg, 'agent_hangup');
  return { call: await viewFor(tx, callId, userId) };
}

/** The agent's leg ends; the call goes on without them or ends (see `settle`). */
export async function agentLeaves(tx: Tx, leg: ParticipantTable, reason: string): Promise<void> {
  const userId = leg.user_id as string;
  await closeLeg(tx, leg, reason);
  await settle(tx, leg.call_id, reason);
  await notify(tx, leg.call_id, 'HANGUP', [userId], hangupEnded);
  if ((await loadCall(tx, leg.call_id)).state !== 'ended') {
    const participants = await loadParticipants(tx, leg.call_id);
    await notify(tx, leg.call_id, 'PARTICIPANT_REMOVED', liveUsers(participants), () => ({
      participantId: leg.id,
    }));
  }
  await leaveCall(tx, userId, leg.call_id);
}

export async function removeParticipant(
  tx: Tx,
  userId: string,
  callId: string,
  participantId: string,
): Promise<{ call: CallView }> {
  const me = await myLiveLeg(tx, callId, userId, 'INVALID_PARTICIPANT');
  if (me.role === 'supervisor' || me.role === 'third_party')
    refuse('INVALID_PARTICIPANT', "only the call's agent removes participants");
  const target = (await loadParticipants(tx, callId)).find((p) => p.id === participantId);
  if (!target || target.state === 'ended' || target.id === me.id || target.role === 'supervisor') {
    refuse('INVALID_PARTICIPANT', `no participant ${participantId} to remove`);
  }
  const removedUser = target.user_id && target.state !== 'queued' ? target.user_id : null;
  const wasTalking = target.state === 'connected' || target.state === 'held';
  await closeLeg(tx, target, 'removed');
  if (removedUser && target.state === 'ringing') {
    await notify(tx, callId, 'HANGUP', [removedUser], hangupFailed('FailedConnectCustomer', true));
  }
  const participants = await loadParticipants(tx, callId);
  await notify(tx, callId, 'PARTICIPANT_REMOVED', liveUsers(participants), () => ({ participantId }));
  if (removedUser && wasTalking) {
    await notify(tx, callId, 'HANGUP', [removedUser], hangupEnded);
    await leaveCall(tx, removedUser, callId);
  }
  await settle(tx, callId, 'removed');
  return { call: await viewFor(tx, callId, userId) };
}

export async function setMuted(
  tx: Tx,
  userId: string,
  callId: string,
  muted: boolean,
): Promise<{ call: CallView }> {
  const leg = await myLiveLeg(tx, callId, userId, muted ? 'CAN_NOT_MUTE_CALL' : 'CAN_NOT_UNMUTE_CALL');
  if (leg.listen_only === 1)
    refuse(muted ? 'CAN_NOT_MUTE_CALL' : 'CAN_NOT_UNMUTE_CALL', 'listening supervisors stay muted');
  if ((leg.muted === 1) !== muted) {
    await tx.db
      .updateTable('participants')
      .set({ muted: muted ? 1 : 0 })
      .where('id', '=', leg.id)
      .execute();
    await tx.publish({
      type: 'ParticipantMuted',
      contactCenterId: tx.ccId,
      callId,
      participantId: leg.id,
      muted,
    });
    await notify(tx, callId, 'MUTE_TOGGLE', [userId], () => ({ participantId: leg.id, muted }));
  }
  return { call: await viewFor(tx, callId, userId) };
}

async function otherParty(
  tx: Tx,
  userId: string,
  callId: string,
  participantId: string,
  code: 'CAN_NOT_HOLD_CALL' | 'CAN_NOT_RESUME_CALL',
): Promise<ParticipantTable> {
  const me = await myLiveLeg(tx, callId, userId, code);
  if (me.role === 'supervisor' || me.role === 'third_party')
    refuse(code, "only the call's agent holds participants");
  const target = (await loadParticipants(tx, callId)).find((p) => p.id === participantId);
  if (!target || target.id === me.id || target.role === 'supervisor' || target.state === 'ended') {
    refuse('INVALID_PARTICIPANT', `no participant ${participantId} on this call`);
  }
  return target;
}

export async function setHold(
  tx: Tx,
  userId: string,
  callId: string,
  participantId: string,
  held: boolean,
): Promise<{ call: CallView }> {
  const code = held ? 'CAN_NOT_HOLD_CALL' : 'CAN_NOT_RESUME_CALL';
  const target = await otherParty(tx, userId, callId, participantId, code);
  if (target.state !== (held ? 'connected' : 'held')) {
    refuse(code, `participant ${participantId} is ${target.state}`);
  }
  await setHeld(tx, target, held);
  const participants = await loadParticipants(tx, callId);
  await notify(tx, callId, 'HOLD_TOGGLE', liveUsers(participants), () => ({ participantId, onHold: held }));
  return { call: await viewFor(tx, callId, userId) };
}

/** The parties other than the agents and supervisors: the caller and third parties. */
async function holdableParties(
  tx: Tx,
  userId: string,
  callId: string,
  code: 'CAN_NOT_SWAP_PARTICIPANTS' | 'CAN_NOT_CONFERENCE',
): Promise<ParticipantTable[]> {
  const me = await myLiveLeg(tx, callId, userId, code);
  if (me.role === 'supervisor' || me.role === 'third_party')
    refuse(code, "only the call's agent can do this");
  return (await loadParticipants(tx, callId)).filter(
    (p) => p.id !== me.id && p.role !== 'supervisor' && (p.state === 'connected' || p.state === 'held'),
  );
}

export async function swap(tx: Tx, userId: string, callId: string): Promise<{ call: CallView }> {
  const parties = await holdableParties(tx, userId, callId, 'CAN_NOT_SWAP_PARTICIPANTS');
  const held = parties.filter((p) => p.state === 'held');
  const talking = parties.filter((p) => p.state === 'connected');
  if (parties.length !== 2 || held.length !== 1 || talking.length !== 1) {
    refuse('CAN_NOT_SWAP_PARTICIPANTS', 'swap needs one participant on hold and one connected');
  }
  const [toHold, toResume] = [talking[0] as ParticipantTable, held[0] as ParticipantTable];
  await setHeld(tx, toHold, true);
  await setHeld(tx, toResume, false);
  await tx.publish({
    type: 'ParticipantsSwapped',
    contactCenterId: tx.ccId,
    callId,
    heldParticipantId: toHold.id,
    resumedParticipantId: toResume.id,
  });
  const users = liveUsers(await loadParticipants(tx, callId));
  await notify(tx, callId, 'HOLD_TOGGLE', users, () => ({ participantId: toHold.id, onHold: true }));
  await notify(tx, callId, 'HOLD_TOGGLE', users, () => ({ participantId: toResume.id, onHold: false }));
  await notify(tx, callId, 'PARTICIPANTS_SWAPPED', users, () => ({
    heldParticipantId: toHold.id,
    resumedParticipantId: toResume.id,
  }));
  return { call: await viewFor(tx, callId, userId) };
}

export async function conference(tx: Tx, userId: string, callId: string): Promise<{ call: CallView }> {
  const parties = await holdableParties(tx, userId, callId, 'CAN_NOT_CONFERENCE');
  if (parties.length < 2) refuse('CAN_NOT_CONFERENCE', 'a conference needs at least two other participants');
  for (const p of parties) if (p.state === 'held') await setHeld(tx, p, false);
  await tx.db.updateTable('participants').set({ is_consult: 0 }).where('call_id', '=', callId).execute();
  await tx.publish({ type: 'CallConferenced', contactCenterId: tx.ccId, callId });
  await notify(tx, callId, 'PARTICIPANTS_CONFERENCED', liveUsers(await loadParticipants(tx, callId)));
  return { call: await viewFor(tx, callId, userId) };
}

export async function setRecordingPaused(
  tx: Tx,
  userId: string,
  callId: string,
  paused: boolean,
): Promise<{ call: CallView }> {
  const code = paused ? 'CAN_NOT_PAUSE_RECORDING' : 'CAN_NOT_RESUME_RECORDING';
  const me = await myLiveLeg(tx, callId, userId, code);
  if (me.role === 'supervisor') refuse(code, 'supervisors do not control recording');
  const call = await loadCall(tx, callId);
  if (call.recording_enabled !== 1) refuse(code, 'this call is not recorded');
  if ((call.recording_paused === 1) === paused)
    refuse(code, paused ? 'recording is already paused' : 'recording is not paused');
  await tx.db
    .updateTable('calls')
    .set({ recording_paused: paused ? 1 : 0 })
    .where('id', '=', callId)
    .execute();
  await tx.publish({
    type: paused ? 'RecordingPaused' : 'RecordingResumed',
    contactCenterId: tx.ccId,
    callId,
  });
  await notify(tx, callId, 'RECORDING_TOGGLE', liveUsers(await loadParticipants(tx, callId)), () => ({
    paused,
  }));
  return { call: await viewFor(tx, callId, userId) };
}

export async function sendDigits(
  tx: Tx,
  userId: string,
  callId: string,
  digits: string,
): Promise<{ ok: true }> {
  if (!DTMF_DIGITS.test(digits)) refuse('INVALID_PARAMS', 'digits are 0-9, *, #, A-D (at most 64)');
  const leg = await myLiveLeg(tx, callId, userId, 'INVALID_PARAMS');
  const call = await loadCall(tx, callId);
  await tx.db
    .updateTable('calls')
    .set({ dtmf: call.dtmf + digits })
    .where('id', '=', callId)
    .execute();
  await tx.publish({
    type: 'DigitsSent',
    contactCenterId: tx.ccId,
    callId,
    participantId: leg.id,
    digits,
    source: 'agent',
  });
  return { ok: true };
}

interface ResolvedDestination {
  kind: 'number' | 'agent' | 'queue';
  phoneNumber?: string;
  user?: UserTable;
  queueId?: string;
  queuePriority?: number;
  /** A transfer to an Omni-Channel flow: its developer name (routed to its fallback queue without Salesforce). */
  flowDevName?: string;
  label: string;
}

async function resolveDestination(
  tx: Tx,
  me: UserTable,
  destination: Destination,
): Promise<ResolvedDestination> {
  switch (destination.type) {
    case 'phoneNumber': {
      const phoneNumber = toE164(destination.phoneNumber, (await settings(tx)).defaultCountry);
      return { kind: 'number', phoneNumber, label: phoneNumber };
    }
    case 'agent': {
      const user = await tx.db
        .selectFrom('users')
        .selectAll()
        .where('id', '=', destination.userId)
        .where('contact_center_id', '=', tx.ccId)
        .executeTakeFirst();
      if (!user || user.id === me.id) refuse('INVALID_DESTINATION', `no agent ${destination.userId} to call`);
      if (user.presence_state !== 'available' || user.offered_leg_id || user.active_call_id) {
        refuse('USER_BUSY_ERROR', `${user.display_name} is not available`);
      }
      return { kind: 'agent', user, label: user.display_name };
    }
    case 'queue': {
      const queue = await tx.db
        .selectFrom('queues')
        .selectAll()
        .where('id', '=', destination.queueId)
        .where('contact_center_id', '=', tx.ccId)
        .executeTakeFirst();
      if (!queue) refuse('INVALID_DESTINATION', `no queue ${destination.queueId}`);
      return { kind: 'queue', queueId: queue.id, queuePriority: queue.priority, label: queue.name };
    }
    case 'flow': {
      const flow = await tx.db
        .selectFrom('flows')
        .innerJoin('queues', 'queues.id', 'flows.fallback_queue_id')
        .select(['queues.id as queueId', 'queues.priority as priority', 'flows.dev_name as devName'])
        .where('flows.dev_name', '=', destination.flowName)
        .where('flows.contact_center_id', '=', tx.ccId)
        .executeTakeFirst();
      if (!flow) refuse('INVALID_DESTINATION', `no flow ${destination.flowName}`);
      return {
        kind: 'queue',
        queueId: flow.queueId,
        queuePriority: flow.priority,
        flowDevName: flow.devName,
        label: flow.devName,
      };
    }
  }
}

async function requireFree(tx: Tx, user: UserTable): Promise<void> {
  if (user.active_call_id || user.offered_leg_id) refuse('USER_BUSY_ERROR', 'you already have a call');
}

export async function dial(
  tx: Tx,
  userId: string,
  destination: Destination,
  callback?: { initialCallId: string },
): Promise<{ call: CallView }> {
  const me = await loadUser(tx, userId);
  const target = await resolveDestination(tx, me, destination);
  await requireFree(tx, me);
  if (callback) await loadCall(tx, callback.initialCallId);
  const callId = await insertCall(tx, {
    kind: target.kind === 'number' ? 'outbound' : 'internal',
    state: target.kind === 'number' ? 'dialing' : 'queued',
    from_number: me.desk_phone_number ?? '',
    to_number: target.phoneNumber ?? target.label,
    caller_name: me.display_name,
    queue_id: target.queueId ?? null,
    initial_call_id: callback?.initialCallId ?? null,
    is_desk_phone: me.phone_type === 'DESK_PHONE' ? 1 : 0,
  });
  const device = me.phone_type === 'DESK_PHONE' ? 'desk' : 'soft';
  if (target.kind === 'number') {
    await addLeg(tx, callId, {
      role: 'agent',
      state: 'connected',
      userId,
      name: me.display_name,
      viewType: 'Outbound',
      device,
    });
    await addLeg(tx, callId, {
      role: 'initial_caller',
      state: 'dialing',
      phoneNumber: target.phoneNumber ?? null,
      name: target.label,
    });
  } else {
    await addLeg(tx, callId, {
      role: 'initial_caller',
      state: 'connected',
      userId,
      name: me.display_name,
      viewType: target.kind === 'agent' ? 'InternalCall' : 'Outbound',
      device,
    });
  }
  await enterCall(tx, me, callId);
  await notify(tx, callId, 'CALL_STARTED', [userId]);
  if (target.kind === 'agent' && target.user) {
    const leg = await addLeg(tx, callId, { role: 'agent', state: 'queued', viewType: 'InternalCall' });
    await offerDirect(tx, leg, target.user);
  } else if (target.kind === 'queue') {
    await addLeg(tx, callId, {
      role: 'agent',
      state: 'queued',
      viewType: 'InternalCall',
      queueId: target.queueId ?? null,
      priority: target.queuePriority ?? 0,
      queuedAt: tx.now,
    });
    await routeWaiting(tx);
  }
  return { call: await viewFor(tx, callId, userId) };
}

export async function addParticipant(
  tx: Tx,
  userId: string,
  callId: string,
  destination: Destination,
  blind: boolean,
): Promise<{ call: CallView; participantId: string }> {
  const me = await myLiveLeg(tx, callId, userId, 'CAN_NOT_ADD_PARTICIPANT');
  if (me.role === 'supervisor' || me.role === 'third_party')
    refuse('CAN_NOT_ADD_PARTICIPANT', "only the call's agent adds participants");
  const call = await loadCall(tx, callId);
  if (call.state !== 'connected') refuse('CAN_NOT_ADD_PARTICIPANT', `the call is ${call.state}`);
  const user = await loadUser(tx, userId);
  const target = await resolveDestination(tx, user, destination);
  const viewType = blind ? 'Transfer' : 'AddParticipant';
  let leg: ParticipantTable;
  if (target.kind === 'number') {
    leg = await addLeg(tx, callId, {
      role: 'third_party',
      state: 'dialing',
      phoneNumber: target.phoneNumber ?? null,
      name: target.label,
      addedBy: userId,
      blind,
      isConsult: !blind,
    });
  } else {
    leg = await addLeg(tx, callId, {
      role: 'agent',
      state: 'queued',
      viewType,
      addedBy: userId,
      blind,
      isConsult: !blind,
      queueId: target.queueId ?? null,
      priority: target.queuePriority ?? 0,
      queuedAt: tx.now,
    });
  }
  await tx.publish({
    type: 'ParticipantInvited',
    contactCenterId: tx.ccId,
    callId,
    participantId: leg.id,
    addedBy: userId,
    blind,
    destination: target.kind,
  });
  if (target.flowDevName && target.queueId)
    await requestFlow(tx, callId, leg, target.flowDevName, target.queueId);
  if (!blind) {
    const caller = (await loadParticipants(tx, callId)).find(
      (p) => p.role === 'initial_caller' && p.state === 'connected' && p.id !== me.id,
    );
    if (caller) await setHeld(tx, caller, true);
  }
  const users = liveUsers(await loadParticipants(tx, callId));
  await notify(tx, callId, 'PARTICIPANT_ADDED', users, () => ({ participantId: leg.id, blind }));
  if (!blind) {
    const caller = (await loadParticipants(tx, callId)).find(
      (p) => p.role === 'initial_caller' && p.state === 'held',
    );
    if (caller)
      await notify(tx, callId, 'HOLD_TOGGLE', users, () => ({ participantId: caller.id, onHold: true }));
  }
  if (target.kind === 'agent' && target.user) await offerDirect(tx, leg, target.user);
  if (blind) await agentLeaves(tx, me, 'transferred');
  if (target.kind === 'queue') await routeWaiting(tx);
  return { call: await viewFor(tx, callId, userId), participantId: leg.id };
}

/** Ends the agent's after-call work for `callId`, recording the call's disposition if given. */
export async function wrapUp(
  tx: Tx,
  userId: string,
  callId: string,
  disposition?: string,
): Promise<AgentStatus> {
  const user = await loadUser(tx, userId);
  if (user.presence_state !== 'after_call_work' || user.wrap_up_call_id !== callId) {
    refuse('INVALID_PARAMS', `no after-call work for call ${callId}`);
  }
  if (disposition) {
    await tx.db.updateTable('calls').set({ disposition }).where('id', '=', callId).execute();
    await tx.publish({ type: 'DispositionSet', contactCenterId: tx.ccId, callId, disposition });
  }
  const after = await endWrapUp(tx, user);
  await routeWaiting(tx);
  return agentStatus(tx, after);
}

export async function activeCallsOf(tx: Tx, userId: string): Promise<CallView[]> {
  const legs = await tx.db
    .selectFrom('participants')
    .select('call_id')
    .where('user_id', '=', userId)
    .where('state', 'in', ['ringing', 'connected', 'held', 'dialing'])
    .execute();
  const ids = [...new Set(legs.map((l) => l.call_id))];
  return Promise.all(ids.map((id) => viewFor(tx, id, userId)));
}
