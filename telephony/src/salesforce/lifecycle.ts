/**
 * The call lifecycle as Salesforce hears it: the Salesforce side of the engine's `CrmPort` (an
 * inbound call waits for its VoiceCall; a flow routes a leg) and an in-transaction subscriber of the
 * engine's domain events that writes the telephony API requests to the outbox (same transaction, so
 * a committed call state always has its requests). Wired in `server.ts`. With the contact center's
 * integration off it does nothing.
 */
import type { CallTable, ParticipantTable } from '../db/schema.ts';
import type { CrmPort, DomainEvent, Hold, RoutingTarget, Tx } from '../engine/index.ts';
import { enqueue, type NewEntry } from './outbox.ts';
import { agentConnectedMs } from '../domain/callView.ts';
import * as requests from './requests.ts';
import { newId } from '../domain/ids.ts';

/** How long (service clock) a recorded inbound call may wait for its create before it is routed anyway. */
export const CREATE_HOLD_MS = 15_000;
/** How long (service clock) a leg waits for a flow's answer before its fallback queue takes it. */
export const FLOW_HOLD_MS = 10_000;

/** What sends the outbox (the `SalesforceSync`): told after a transaction that wrote to it. */
export interface OutboxSender {
  kick(): void;
  /** Creates the inbound call's VoiceCall now (voice resiliency), then routes the call. */
  continueInbound(ccId: string, callId: string, target: RoutingTarget): void;
  /**
   * How long (service clock) a recorded call's final updates wait for its recording (the Update page:
   * send the update once); a recording later than this goes in an update of its own.
   */
  readonly recordingWaitMs: number;
}

export class SalesforceRecorder implements CrmPort {
  private sender: OutboxSender | null = null;

  /** The sender to tell after commit; null when the service runs without the sync's keys. */
  bindSender(sender: OutboxSender | null): void {
    this.sender = sender;
  }

  private async enqueue(tx: Tx, entry: NewEntry): Promise<void> {
    await enqueue(tx, entry);
    tx.afterCommit(() => this.sender?.kick());
  }

  async inboundRecorded(tx: Tx, c: { callId: string; target: RoutingTarget }): Promise<Hold | null> {
    const cc = await connection(tx);
    if (!cc) return null;
    const call = await loadCall(tx, c.callId);
    await recordVoiceCall(tx, call.id, call.id, null);
    await this.enqueue(tx, {
      conversationKey: call.id,
      op: 'create',
      vendorCallKey: call.id,
      body: requests.createCall(cc.apiName, call, cc.recordTypeId),
      delayMs: CREATE_HOLD_MS,
    });
    tx.afterCommit(() => this.sender?.continueInbound(tx.ccId, call.id, c.target));
    return { holdMs: CREATE_HOLD_MS };
  }

  async flowRequested(
    tx: Tx,
    r: { callId: string; legId: string; flowDevName: string; fallbackQueueId: string },
  ): Promise<Hold | null> {
    if (!(await connection(tx))) return null;
    const call = await loadCall(tx, r.callId);
    const leg = (await legsOf(tx, call.id)).find((p) => p.id === r.legId);
    if (!leg) return null;
    const key = leg.added_by ? leg.id : call.id;
    await tx.db
      .updateTable('salesforce_voice_calls')
      .set({ flow_executed: 1 })
      .where('vendor_call_key', '=', key)
      .execute();
    // No `fallbackQueue`: the page wants a Salesforce queue developer name or id, which the service
    // does not know; the flow's and the phone channel's own fallbacks apply in Salesforce, and the
    // leg's fallback queue here if the flow answers nothing usable.
    const body: requests.OmniFlowBody = leg.added_by
      ? { flowDevName: r.flowDevName }
      : { dialedNumber: call.to_number, flowDevName: r.flowDevName };
    await this.enqueue(tx, {
      conversationKey: call.id,
      op: 'omniFlow',
      vendorCallKey: key,
      body,
      routeLegId: leg.id,
    });
    return { holdMs: FLOW_HOLD_MS };
  }

  /** The in-transaction subscriber: the requests each domain event means for Salesforce. */
  readonly record = async (tx: Tx, event: DomainEvent): Promise<void> => {
    switch (event.type) {
      case 'DialerCallAnswered':
      case 'ParticipantInvited':
      case 'OfferDeclined':
      case 'TranscriptAdded':
      case 'VoicemailLeft':
      case 'RecordingPublished':
      case 'CallEnded':
        break;
      default:
        return;
    }
    const cc = await connection(tx);
    if (!cc) return;
    switch (event.type) {
      case 'DialerCallAnswered': {
        const call = await loadCall(tx, event.callId);
        await recordVoiceCall(tx, call.id, call.id, null);
        await this.enqueue(tx, {
          conversationKey: call.id,
          op: 'create',
          vendorCallKey: call.id,
          body: requests.createCall(cc.apiName, call, cc.recordTypeId),
        });
        return;
      }
      case 'ParticipantInvited': {
        if (event.destination === 'number') return;
        const call = await loadCall(tx, event.callId);
        const leg = (await legsOf(tx, call.id)).find((p) => p.id === event.participantId);
        if (!leg || leg.role !== 'agent') return;
        await recordVoiceCall(tx, leg.id, call.id, leg.id);
        await this.enqueue(tx, {
          conversationKey: call.id,
          op: 'create',
          vendorCallKey: leg.id,
          body: requests.createTransfer(cc.apiName, call, leg, cc.recordTypeId),
        });
        return;
      }
      case 'OfferDeclined': {
        const leg = (await legsOf(tx, event.callId)).find((p) => p.id === event.participantId);
        const key = leg?.added_by ? leg.id : event.callId;
        const flowed = await tx.db
          .updateTable('salesforce_voice_calls')
          .set({ flow_executed: 0 })
          .where('vendor_call_key', '=', key)
          .where('flow_executed', '=', 1)
          .executeTakeFirst();
        if (Number(flowed.numUpdatedRows) === 1)
          await this.enqueue(tx, {
            conversationKey: event.callId,
            op: 'clearRouting',
            vendorCallKey: key,
            body: {},
          });
        return;
      }
      case 'TranscriptAdded':
        await syncTranscript(tx, event.callId, event.transcriptId, (e) => this.enqueue(tx, e));
        return;
      case 'VoicemailLeft':
        await recordVoiceCall(tx, event.callId, event.callId, null);
        await this.enqueue(tx, {
          conversationKey: event.callId,
          op: 'update',
          vendorCallKey: event.callId,
          body: requests.voicemailStarted(),
        });
        return;
      case 'RecordingPublished': {
        const call = await loadCall(tx, event.callId);
        if (call.state !== 'ended') return;
        const legs = await legsOf(tx, call.id);
        const end = call.ended_at ?? tx.now;
        for (const record of await recordsOf(tx, call.id)) {
          const leg = legs.find((p) => p.id === record.leg_id);
          const body = leg
            ? requests.recordingOnly(
                call,
                leg.hold_ms,
                leg.joined_at === null ? 0 : (leg.left_at ?? end) - leg.joined_at,
              )
            : requests.recordingOnly(call, call.hold_ms, agentConnectedMs(legs, end));
          if (await addToFinalUpdate(tx, record.vendor_call_key, body)) continue;
          await this.enqueue(tx, {
            conversationKey: call.id,
            op: 'update',
            vendorCallKey: record.vendor_call_key,
            body,
          });
        }
        tx.afterCommit(() => this.sender?.kick());
        return;
      }
      case 'CallEnded':
        await syncEnd(tx, event.callId, this.sender?.recordingWaitMs ?? 0, (e) => this.enqueue(tx, e));
        return;
    }
  };
}

type Put = (entry: NewEntry) => Promise<void>;

interface Connection {
  apiName: string;
  recordTypeId: string | null;
}

async function connection(tx: Tx): Promise<Connection | null> {
  const row = await tx.db
    .selectFrom('salesforce_connections')
    .innerJoin('contact_centers', 'contact_centers.id', 'salesforce_connections.contact_center_id')
    .select(['contact_centers.api_name as apiName', 'salesforce_connections.voice_call_record_type_id as rt'])
    .where('salesforce_connections.contact_center_id', '=', tx.ccId)
    .where('salesforce_connections.enabled', '=', 1)
    .executeTakeFirst();
  return row ? { apiName: row.apiName, recordTypeId: row.rt } : null;
}

/** The call, scoped to the contact center of the command. */
const loadCall = (tx: Tx, callId: string): Promise<CallTable> =>
  tx.db
    .selectFrom('calls')
    .selectAll()
    .where('id', '=', callId)
    .where('contact_center_id', '=', tx.ccId)
    .executeTakeFirstOrThrow();

const legsOf = (tx: Tx, callId: string): Promise<ParticipantTable[]> =>
  tx.db.selectFrom('participants').selectAll().where('call_id', '=', callId).orderBy('created_at').execute();

async function recordVoiceCall(tx: Tx, key: string, callId: string, legId: string | null): Promise<void> {
  const known = await tx.db
    .selectFrom('salesforce_voice_calls')
    .select('vendor_call_key')
    .where('vendor_call_key', '=', key)
    .executeTakeFirst();
  if (known) return;
  await tx.db
    .insertInto('salesforce_voice_calls')
    .values({
      vendor_call_key: key,
      contact_center_id: tx.ccId,
      call_id: callId,
      leg_id: legId,
      voice_call_id: null,
      flow_executed: 0,
      created_at: tx.now,
    })
    .execute();
}

async function people(tx: Tx): Promise<requests.PeopleOf> {
  const users = await tx.db
    .selectFrom('users')
    .select(['id', 'username'])
    .where('contact_center_id', '=', tx.ccId)
    .execute();
  const queues = await tx.db
    .selectFrom('queues')
    .select(['id', 'name'])
    .where('contact_center_id', '=', tx.ccId)
    .execute();
  const names = new Map(users.map((u) => [u.id, u.username]));
  const queueNames = new Map(queues.map((q) => [q.id, q.name]));
  return { username: (id) => names.get(id), queueName: (id) => queueNames.get(id) };
}

function recordsOf(tx: Tx, callId: string) {
  return tx.db
    .selectFrom('salesforce_voice_calls')
    .selectAll()
    .where('call_id', '=', callId)
    .orderBy('created_at')
    .orderBy('vendor_call_key')
    .execute();
}

/**
 * The post-call sync: a voicemail's flow (ch. 9, step 7), routing cleared for records a flow routed
 * that nobody answered (ch. 12), then each record's final update (ch. 11).
 */
async function syncEnd(tx: Tx, callId: string, recordingWaitMs: number, put: Put): Promise<void> {
  const call = await loadCall(tx, callId);
  // A recorded call's recording comes after its end: its final updates wait for it (bounded).
  const recordingDue =
    call.recording_enabled === 1 &&
    call.connected_at !== null &&
    !call.recording_url &&
    call.origin !== 'Voicemail' &&
    (await legsOf(tx, call.id)).some((p) => p.role === 'agent' && p.joined_at !== null);
  const delayMs = recordingDue ? recordingWaitMs : 0;
  await recordVoiceCall(tx, call.id, call.id, null);
  const legs = await legsOf(tx, call.id);
  const who = await people(tx);
  if (call.origin === 'Voicemail') {
    const body: requests.OmniFlowBody = { dialedNumber: call.to_number };
    await put({ conversationKey: call.id, op: 'omniFlow', vendorCallKey: call.id, body });
  }
  const records = await recordsOf(tx, call.id);
  for (const record of records) {
    const leg = legs.find((p) => p.id === record.leg_id);
    const answered = leg
      ? leg.joined_at !== null
      : legs.some((p) => p.role === 'agent' && !p.added_by && p.joined_at !== null);
    if (record.flow_executed === 1 && !answered)
      await put({
        conversationKey: call.id,
        op: 'clearRouting',
        vendorCallKey: record.vendor_call_key,
        body: {},
      });
  }
  for (const record of records) {
    const leg = legs.find((p) => p.id === record.leg_id);
    const body = leg ? requests.endLeg(call, leg, who) : requests.endCall(call, legs, who);
    const voicemail = call.origin === 'Voicemail';
    if (!leg && !voicemail && (await createByUpdate(tx, record.vendor_call_key, body, delayMs))) continue;
    await put({
      conversationKey: call.id,
      op: 'update',
      vendorCallKey: record.vendor_call_key,
      body,
      delayMs,
    });
  }
}

/**
 * The call ended before Salesforce took its create (an outage, a slow answer): the Create page is for
 * real time only, the Update page creates a record after the call by its key. The waiting create
 * becomes the final update, in its place (before the transcripts), with the create's fields the Update
 * page has: one update, as that page asks. True if it did.
 */
async function createByUpdate(
  tx: Tx,
  key: string,
  end: requests.UpdateBody,
  delayMs: number,
): Promise<boolean> {
  const create = await tx.db
    .selectFrom('salesforce_outbox')
    .select(['id', 'body_json', 'attempts', 'conversation_key'])
    .where('vendor_call_key', '=', key)
    .where('op', '=', 'create')
    .where('state', '=', 'pending')
    .executeTakeFirst();
  // Only once Salesforce failed to take it (not while the first attempt may be on its way), and not
  // when the conversation still needs an open record (a voicemail, a flow's request, clear routing).
  if (!create || create.attempts === 0) return false;
  const body = JSON.parse(create.body_json) as requests.CreateBody;
  if (body.initiationMethod !== 'Inbound') return false;
  const routing = await tx.db
    .selectFrom('salesforce_outbox')
    .select('id')
    .where('conversation_key', '=', create.conversation_key)
    .where('state', '=', 'pending')
    .where('op', 'in', ['omniFlow', 'clearRouting'])
    .executeTakeFirst();
  if (routing) return false;
  await tx.db
    .updateTable('salesforce_outbox')
    .set({
      op: 'update',
      body_json: JSON.stringify({ ...requests.createByUpdate(body), ...end }),
      next_attempt_at: tx.now + delayMs,
      // Another request now: its own key (the inline create may still be on its way).
      idempotency_key: newId('OB'),
    })
    .where('id', '=', create.id)
    .execute();
  return true;
}

/**
 * The recording joins the record's final update if that still waits (for the recording, or behind an
 * outage), which then goes at once: one update, as the Update page asks. False if it went already.
 */
async function addToFinalUpdate(tx: Tx, key: string, recording: requests.UpdateBody): Promise<boolean> {
  const rows = await tx.db
    .selectFrom('salesforce_outbox')
    .select(['id', 'body_json', 'next_attempt_at'])
    .where('vendor_call_key', '=', key)
    .where('op', '=', 'update')
    .where('state', '=', 'pending')
    .execute();
  // Only one not due yet (held for the recording, or backing off): one due may be on its way already.
  const final = rows.find(
    (r) =>
      r.next_attempt_at > tx.now && (JSON.parse(r.body_json) as requests.UpdateBody).isActiveCall === false,
  );
  if (!final) return false;
  await tx.db
    .updateTable('salesforce_outbox')
    .set({
      body_json: JSON.stringify({ ...(JSON.parse(final.body_json) as object), ...recording }),
      next_attempt_at: tx.now,
      // Another request now: its own key (a probe may have sent the old body).
      idempotency_key: newId('OB'),
    })
    .where('id', '=', final.id)
    .execute();
  return true;
}

/** Without a participant id, an agent's words are the agent's on the call now (else the last one who was). */
function agentSpeaking(legs: ParticipantTable[]): string | undefined {
  const agents = legs.filter((p) => p.role !== 'supervisor' && p.user_id && p.joined_at !== null);
  const live = agents.find((p) => p.state === 'connected' || p.state === 'held');
  return (live ?? agents[agents.length - 1])?.user_id ?? undefined;
}

/**
 * One utterance, on the conversation's first key. Not sent while recording is paused or a participant
 * is on hold (Salesforce drops those); an agent's words need the agent's Salesforce user id.
 */
async function syncTranscript(tx: Tx, callId: string, transcriptId: string, put: Put): Promise<void> {
  const call = await loadCall(tx, callId);
  const legs = await legsOf(tx, callId);
  if (call.recording_paused === 1) return;
  // Someone on hold hears nothing, and Salesforce drops the call's transcripts meanwhile; but agents
  // talking in a consult that has not merged are the consult's own call, under its own vendorCallKey
  // ("Transcribe Calls in Real Time": "use the vendorCallKey of the voice call record created for the
  // consult call"; the bulk page lists consult calls).
  const consult = legs.find((p) => p.is_consult === 1 && p.role === 'agent' && p.state === 'connected');
  let key = call.id;
  if (legs.some((p) => p.state === 'held')) {
    if (!consult) return;
    key = consult.id;
  }
  const t = await tx.db
    .selectFrom('transcripts')
    .selectAll()
    .where('id', '=', transcriptId)
    .executeTakeFirstOrThrow();
  const speakerLeg = legs.find((p) => p.id === t.participant_id);
  if (key !== call.id && (speakerLeg?.state === 'held' || t.sender_type !== 'HUMAN_AGENT')) return;
  let senderType = t.sender_type as requests.Speaker;
  if (speakerLeg?.role === 'third_party' && !speakerLeg.user_id) senderType = 'EXTERNAL_USER';
  let salesforceUserId: string | null = null;
  if (senderType === 'HUMAN_AGENT') {
    const userId = speakerLeg?.user_id ?? agentSpeaking(legs);
    const user = userId
      ? await tx.db
          .selectFrom('users')
          .select('salesforce_user_id')
          .where('id', '=', userId)
          .executeTakeFirst()
      : undefined;
    salesforceUserId = user?.salesforce_user_id ?? null;
  }
  const message = requests.transcriptMessage(key, t, {
    senderType,
    salesforceUserId,
    participantId: t.participant_id,
  });
  if (!message) {
    console.warn(
      `salesforce: transcript ${t.id} of call ${callId} not synced (the agent has no Salesforce user id)`,
    );
    return;
  }
  await put({ conversationKey: call.id, op: 'transcript', vendorCallKey: key, body: message });
}
