/**
 * What each moment of a call sends to Salesforce: the request bodies of the telephony API, built
 * from the call's rows (pure; docs/salesforce-sync.md has the field-by-field table).
 */
import type { CallTable, ParticipantTable, TranscriptTable } from '../db/schema.ts';
import { agentConnectedMs } from '../domain/callView.ts';

export const iso = (ms: number): string => new Date(ms).toISOString();
const seconds = (ms: number): number => Math.max(0, Math.round(ms / 1000));

export interface CreateBody {
  callCenterApiName: string;
  vendorCallKey: string;
  to: string;
  from: string;
  initiationMethod: 'Inbound' | 'Transfer';
  startTime: string;
  participants: Array<{ participantKey: string; type: 'END_USER' }>;
  parentVoiceCallId?: string;
  queue?: string;
  callOrigin?: string;
  callAttributes?: string;
}

export interface UpdateBody {
  startTime?: string;
  callAttributes?: string;
  endTime?: string;
  enqueueTime?: string;
  acceptTime?: string;
  fromNumber?: string;
  queue?: string;
  agent?: string;
  totalHoldDuration?: number;
  agentInteractionDuration?: number;
  totalRecordingDuration?: number;
  recordingLocation?: string;
  callOrigin?: string;
  isActiveCall?: boolean;
  disconnectReason?: { value: string; isError: boolean };
}

export interface TranscriptMessage {
  messageId: string;
  content: string;
  senderType: 'END_USER' | 'EXTERNAL_USER' | 'HUMAN_AGENT' | 'SUPERVISOR' | 'VIRTUAL_AGENT';
  participantId: string;
  startTime: number;
  endTime: number;
}

export interface OmniFlowBody {
  dialedNumber?: string;
  flowDevName?: string;
  fallbackQueue?: string;
}

/** Our call origins as the VoiceCall `callOrigin` picklist knows them. */
export function callOrigin(origin: string | null): string | undefined {
  if (origin === 'Voicemail') return 'Voicemail';
  if (origin === 'ProgressiveDialer') return 'Progressive';
  return undefined;
}

/** `callAttributes`: the IVR data (a JSON object as a string), with the record type if one is set. */
function attributes(call: CallTable, recordTypeId: string | null): string | undefined {
  const data = JSON.parse(call.attributes_json) as Record<string, unknown>;
  const merged =
    recordTypeId && data.RecordTypeId === undefined ? { ...data, RecordTypeId: recordTypeId } : data;
  return Object.keys(merged).length > 0 ? JSON.stringify(merged) : undefined;
}

/** The VoiceCall of a call from a customer (inbound, or a progressive-dialer call once answered). */
export function createCall(apiName: string, call: CallTable, recordTypeId: string | null): CreateBody {
  const dialer = call.origin === 'ProgressiveDialer';
  const customer = dialer ? call.to_number : call.from_number;
  const ours = dialer ? call.from_number || call.to_number : call.to_number;
  const body: CreateBody = {
    callCenterApiName: apiName,
    vendorCallKey: call.id,
    to: ours,
    from: customer,
    initiationMethod: 'Inbound',
    startTime: iso(call.created_at),
    participants: [{ participantKey: customer, type: 'END_USER' }],
  };
  const origin = callOrigin(call.origin);
  if (origin) body.callOrigin = origin;
  const attrs = attributes(call, recordTypeId);
  if (attrs) body.callAttributes = attrs;
  return body;
}

/**
 * An inbound create turned into an Update by key (the call ended before Salesforce answered): the
 * create's fields the Update page has. The post-call update that follows carries the rest.
 */
export function createByUpdate(create: CreateBody): UpdateBody {
  const body: UpdateBody = { startTime: create.startTime, fromNumber: create.from };
  if (create.callOrigin) body.callOrigin = create.callOrigin;
  if (create.callAttributes) body.callAttributes = create.callAttributes;
  return body;
}

/**
 * A transfer's create retried after no answer: an Update by the leg's key (the record may exist; a
 * second create would make another). It creates the record if the first create never arrived, without
 * the parent link the Update page has no field for.
 */
export function transferByUpdate(create: CreateBody): UpdateBody {
  const body: UpdateBody = { startTime: create.startTime };
  if (create.callAttributes) body.callAttributes = create.callAttributes;
  return body;
}

/** The VoiceCall of an agent leg added by an agent (transfer, consult), parented to the call's record. */
export function createTransfer(
  apiName: string,
  call: CallTable,
  leg: ParticipantTable,
  recordTypeId: string | null,
): CreateBody {
  const ours = call.kind === 'inbound' ? call.to_number : call.from_number || call.to_number;
  const customer = call.kind === 'inbound' || call.kind === 'callback' ? call.from_number : call.to_number;
  const body: CreateBody = {
    callCenterApiName: apiName,
    vendorCallKey: leg.id,
    to: ours,
    from: ours,
    initiationMethod: 'Transfer',
    startTime: iso(leg.created_at),
    participants: [{ participantKey: customer, type: 'END_USER' }],
    parentVoiceCallId: call.id,
  };
  if (leg.queue_id) body.queue = leg.queue_id;
  const attrs = attributes(call, recordTypeId);
  if (attrs) body.callAttributes = attrs;
  return body;
}

/**
 * `disconnectReason`: our end reason in upper case; an error when nobody answered. A queued callback's
 * first call says `CALLBACK`, the value the Update page names (otherwise Salesforce may count it abandoned).
 */
export function disconnectReason(reason: string | null): { value: string; isError: boolean } {
  const value = reason === 'callback_requested' ? 'CALLBACK' : (reason ?? 'ended').toUpperCase();
  return { value, isError: reason === 'not_answered' };
}

/** The recording fields: location and durations go together (the update requires the location). */
function recording(call: CallTable, holdMs: number, connectedMs: number): UpdateBody {
  if (!call.recording_url) return {};
  return {
    recordingLocation: call.recording_url.slice(0, 1000),
    totalRecordingDuration: call.recording_duration_s ?? 0,
    totalHoldDuration: seconds(holdMs),
    agentInteractionDuration: seconds(connectedMs - holdMs),
  };
}

export interface PeopleOf {
  /** Username of a user id (the `agent` field). */
  username(userId: string): string | undefined;
  queueName(queueId: string): string | undefined;
}

/** The post-call update of the call's own VoiceCall (its first record). */
export function endCall(call: CallTable, participants: ParticipantTable[], people: PeopleOf): UpdateBody {
  const end = call.ended_at ?? call.created_at;
  const firstAgent = participants.find((p) => p.role === 'agent' && p.joined_at !== null && !p.added_by);
  const body: UpdateBody = {
    startTime: iso(call.created_at),
    endTime: iso(end),
    isActiveCall: false,
    disconnectReason: disconnectReason(call.end_reason),
  };
  if (call.kind !== 'inbound' && call.origin !== 'ProgressiveDialer' && call.from_number)
    body.fromNumber = call.from_number;
  const queued = participants.find((p) => p.role === 'agent' && p.queued_at !== null && !p.added_by);
  if (queued?.queued_at) body.enqueueTime = iso(queued.queued_at);
  if (call.connected_at) body.acceptTime = iso(call.connected_at);
  const agent = firstAgent?.user_id ? people.username(firstAgent.user_id) : undefined;
  if (agent) body.agent = agent;
  const queue = call.queue_id ? people.queueName(call.queue_id) : undefined;
  if (queue) body.queue = queue;
  const origin = callOrigin(call.origin);
  if (origin) body.callOrigin = origin;
  return { ...body, ...recording(call, call.hold_ms, agentConnectedMs(participants, end)) };
}

/** The post-call update of a transfer leg's VoiceCall: that leg's own times. */
export function endLeg(call: CallTable, leg: ParticipantTable, people: PeopleOf): UpdateBody {
  const end = leg.left_at ?? call.ended_at ?? leg.created_at;
  const body: UpdateBody = {
    startTime: iso(leg.created_at),
    endTime: iso(end),
    isActiveCall: false,
    disconnectReason: disconnectReason(leg.leave_reason ?? call.end_reason),
  };
  if (leg.queued_at) body.enqueueTime = iso(leg.queued_at);
  if (leg.joined_at) body.acceptTime = iso(leg.joined_at);
  const agent = leg.user_id ? people.username(leg.user_id) : undefined;
  if (agent) body.agent = agent;
  const queue = leg.queue_id ? people.queueName(leg.queue_id) : undefined;
  if (queue) body.queue = queue;
  const connected = leg.joined_at !== null ? end - leg.joined_at : 0;
  return { ...body, ...recording(call, leg.hold_ms, connected) };
}

/** The recording published after the call ended, for one of its records. */
export function recordingOnly(call: CallTable, holdMs: number, connectedMs: number): UpdateBody {
  return recording(call, holdMs, connectedMs);
}

/** Voicemail (developer guide ch. 9, step 5): the conversation stays open, tagged as a voicemail. */
export function voicemailStarted(): UpdateBody {
  return { isActiveCall: true, callOrigin: 'Voicemail' };
}

export type Speaker = TranscriptMessage['senderType'];

/**
 * One utterance. `participantId` as the API wants it: the rep's Salesforce user id for an agent,
 * our participant id for an external third party, `{first vendor call key}{senderType}` otherwise.
 */
export function transcriptMessage(
  conversationKey: string,
  t: TranscriptTable,
  speaker: { senderType: Speaker; salesforceUserId?: string | null; participantId?: string | null },
): TranscriptMessage | null {
  let participantId: string;
  if (speaker.senderType === 'HUMAN_AGENT') {
    if (!speaker.salesforceUserId) return null;
    participantId = speaker.salesforceUserId;
  } else if (speaker.senderType === 'EXTERNAL_USER') {
    participantId = speaker.participantId ?? `${conversationKey}EXTERNAL_USER`;
  } else {
    participantId = `${conversationKey}${speaker.senderType}`;
  }
  return {
    messageId: t.id,
    content: t.content,
    senderType: speaker.senderType,
    participantId,
    startTime: t.start_time,
    endTime: Math.max(t.end_time, t.start_time),
  };
}
