/** The call as one agent or supervisor sees it (the agent API's `CallView`). Pure. */
import type { CallTable, ParticipantRole, ParticipantTable } from '../db/schema.ts';
import type { CallView, ParticipantView } from '../contracts/agentApi.ts';

export type { CallView, ParticipantView } from '../contracts/agentApi.ts';

export const PARTICIPANT_TYPE: Record<ParticipantRole, string> = {
  initial_caller: 'Initial_Caller',
  agent: 'Agent',
  third_party: 'Third_Party',
  supervisor: 'Supervisor',
};

const CALL_TYPE_BY_KIND: Record<CallTable['kind'], string> = {
  inbound: 'Inbound',
  outbound: 'Outbound',
  callback: 'Callback',
  internal: 'InternalCall',
};

export function participantView(p: ParticipantTable): ParticipantView {
  return {
    id: p.id,
    role: p.role,
    type: PARTICIPANT_TYPE[p.role],
    userId: p.user_id,
    name: p.name,
    phoneNumber: p.phone_number,
    state: p.state,
    muted: p.muted === 1,
    onHold: p.state === 'held',
    isConsult: p.is_consult === 1,
  };
}

/** The viewer's own leg: the live one if any, else the latest one. */
export function legOf(participants: ParticipantTable[], userId: string): ParticipantTable | undefined {
  const mine = participants.filter((p) => p.user_id === userId);
  return mine.find((p) => p.state !== 'ended') ?? mine[mine.length - 1];
}

/**
 * The vendor call key of a leg's VoiceCall: an agent leg added by another agent (transfer, consult, to
 * an agent, a queue or a flow) has its own VoiceCall, created by the Salesforce sync with the leg's id
 * (`salesforce/lifecycle.ts`, `ParticipantInvited`); every other leg is on the call's own VoiceCall.
 */
export function vendorCallKeyOf(call: CallTable, leg: ParticipantTable | undefined): string {
  return leg?.role === 'agent' && leg.added_by ? leg.id : call.id;
}

/**
 * The call's recording state. `active`: recording runs now — the call is connected, recording is on
 * and not paused, and the customer is not on hold.
 */
export function recordingState(call: CallTable, participants: ParticipantTable[]): CallView['recording'] {
  const customerHeld = participants.some((p) => p.role === 'initial_caller' && p.state === 'held');
  return {
    enabled: call.recording_enabled === 1,
    paused: call.recording_paused === 1,
    active:
      call.state === 'connected' &&
      call.recording_enabled === 1 &&
      call.recording_paused === 0 &&
      !customerHeld,
  };
}

/**
 * `queueNames`: the names of the call's queues by id. The queue of a leg another agent added (a
 * transfer to a queue) is the queue that leg waited in; any other leg's is the call's.
 */
export function buildCallView(
  call: CallTable,
  participants: ParticipantTable[],
  viewerId: string | null,
  queueNames: ReadonlyMap<string, string>,
): CallView {
  const me = viewerId ? legOf(participants, viewerId) : undefined;
  const queueId = me?.role === 'agent' && me.added_by ? me.queue_id : call.queue_id;
  const queueName = queueId ? queueNames.get(queueId) : undefined;
  const legState = me && (me.role === 'agent' || me.role === 'initial_caller') ? me.state : undefined;
  const state =
    call.state === 'ended' || (me && me.state === 'ended')
      ? 'ended'
      : legState === 'ringing' || legState === 'queued'
        ? 'ringing'
        : call.state === 'voicemail'
          ? 'connected'
          : call.state;
  const visible = participants.filter((p) => p.role !== 'agent' || p.state !== 'queued' || p.id === me?.id);
  return {
    callId: call.id,
    vendorCallKey: vendorCallKeyOf(call, me),
    callType: me?.view_type ?? CALL_TYPE_BY_KIND[call.kind],
    origin: call.origin,
    state,
    from: call.from_number,
    to: call.to_number,
    callerName: call.caller_name,
    attributes: JSON.parse(call.attributes_json) as Record<string, unknown>,
    queue: queueId && queueName ? { id: queueId, name: queueName } : null,
    queuedAt: me?.queued_at ?? null,
    offerExpiresAt: me?.state === 'ringing' ? me.offer_expires_at : null,
    initialCallId: call.initial_call_id,
    parentCallId: call.parent_call_id,
    isDeskPhone: me ? me.device === 'desk' : call.is_desk_phone === 1,
    recording: recordingState(call, participants),
    startedAt: call.created_at,
    connectedAt: call.connected_at,
    endedAt: call.ended_at,
    me: me?.id ?? null,
    participantType: me ? PARTICIPANT_TYPE[me.role] : null,
    participants: visible.map(participantView),
  };
}

/** Time agents (not supervisors) spent connected to the call until `end`, hold included. */
export function agentConnectedMs(participants: ParticipantTable[], end: number): number {
  return participants
    .filter((p) => p.role !== 'supervisor' && p.user_id && p.joined_at !== null)
    .reduce((sum, p) => sum + ((p.left_at ?? end) - (p.joined_at as number)), 0);
}
