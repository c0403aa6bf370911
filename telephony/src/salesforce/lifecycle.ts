/**
 * The call lifecycle's one entry into the Salesforce sync: `syncCall(tx, event)`, called inside the
 * engine's transaction at each moment Salesforce must hear about. With the contact center's
 * integration off it does nothing; with it on it writes the requests to the outbox (same
 * transaction, so a committed call state always has its requests) and, for an inbound call, defers
 * routing until the VoiceCall create has been tried (voice resiliency, developer guide ch. 5).
 */
import type { CallTable, ParticipantTable } from '../db/schema.ts';
import type { Tx } from '../engine/engine.ts';
import type { RoutingTarget } from '../engine/network.ts';
import { enqueue, runtimeOf } from './outbox.ts';
import * as requests from './requests.ts';

/** Safety net: routes a recorded inbound call whose create attempts never finished (e.g. a crash). */
export const JOB_ROUTE_RECORDED = 'salesforce_route_recorded';
/** A leg waiting for an Omni-Channel flow's answer goes to its fallback queue at this job. */
export const JOB_FLOW_TIMEOUT = 'salesforce_flow_timeout';
/** How long (service clock) a recorded inbound call may wait for its create before it is routed anyway. */
export const CREATE_HOLD_MS = 15_000;
/** How long (service clock) a leg waits for a flow's answer before its fallback queue takes it. */
export const FLOW_HOLD_MS = 10_000;

export type CallEvent =
  /** A call from a customer was recorded; returns true when its routing waits for the create. */
  | { type: 'inbound'; callId: string; target: RoutingTarget }
  /** The customer answered a progressive-dialer call. */
  | { type: 'dialerAnswered'; callId: string }
  /** An agent leg to route by an Omni-Channel flow (inbound number or transfer); true when it waits. */
  | { type: 'flow'; callId: string; legId: string; flowDevName: string; fallbackQueueId: string }
  /** An agent added an agent or queue to the call (transfer, consult). */
  | { type: 'participantAdded'; callId: string; legId: string }
  | { type: 'declined'; callId: string; legId: string }
  | { type: 'transcript'; callId: string; transcriptId: string }
  | { type: 'voicemail'; callId: string }
  | { type: 'recording'; callId: string }
  | { type: 'ended'; callId: string };

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

const loadCall = (tx: Tx, callId: string): Promise<CallTable> =>
  tx.db.selectFrom('calls').selectAll().where('id', '=', callId).executeTakeFirstOrThrow();

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

export async function syncCall(tx: Tx, event: CallEvent): Promise<boolean> {
  const cc = await connection(tx);
  if (!cc) return false;
  switch (event.type) {
    case 'inbound':
    case 'dialerAnswered': {
      const call = await loadCall(tx, event.callId);
      await recordVoiceCall(tx, call.id, call.id, null);
      const inbound = event.type === 'inbound';
      await enqueue(tx, {
        conversationKey: call.id,
        op: 'create',
        vendorCallKey: call.id,
        body: requests.createCall(cc.apiName, call, cc.recordTypeId),
        delayMs: inbound ? CREATE_HOLD_MS : 0,
      });
      if (!inbound) return false;
      await tx.schedule(JOB_ROUTE_RECORDED, call.id, tx.now + CREATE_HOLD_MS, { target: event.target });
      const { target } = event;
      tx.afterCommit((engine) => runtimeOf(engine)?.continueInbound(tx.ccId, call.id, target));
      return true;
    }
    case 'flow': {
      const call = await loadCall(tx, event.callId);
      const leg = (await legsOf(tx, call.id)).find((p) => p.id === event.legId);
      if (!leg) return false;
      const key = leg.added_by ? leg.id : call.id;
      await tx.db
        .updateTable('salesforce_voice_calls')
        .set({ flow_executed: 1 })
        .where('vendor_call_key', '=', key)
        .execute();
      const body: requests.OmniFlowBody = leg.added_by
        ? { flowDevName: event.flowDevName, fallbackQueue: event.fallbackQueueId }
        : {
            dialedNumber: call.to_number,
            flowDevName: event.flowDevName,
            fallbackQueue: event.fallbackQueueId,
          };
      await enqueue(tx, {
        conversationKey: call.id,
        op: 'omniFlow',
        vendorCallKey: key,
        body,
        routeLegId: leg.id,
      });
      await tx.db
        .updateTable('participants')
        .set({ not_before: tx.now + FLOW_HOLD_MS })
        .where('id', '=', leg.id)
        .execute();
      await tx.schedule(JOB_FLOW_TIMEOUT, leg.id, tx.now + FLOW_HOLD_MS);
      return true;
    }
    case 'participantAdded': {
      const call = await loadCall(tx, event.callId);
      const leg = (await legsOf(tx, call.id)).find((p) => p.id === event.legId);
      if (!leg || leg.role !== 'agent') return false;
      await recordVoiceCall(tx, leg.id, call.id, leg.id);
      await enqueue(tx, {
        conversationKey: call.id,
        op: 'create',
        vendorCallKey: leg.id,
        body: requests.createTransfer(cc.apiName, call, leg, cc.recordTypeId),
      });
      return false;
    }
    case 'declined': {
      const leg = (await legsOf(tx, event.callId)).find((p) => p.id === event.legId);
      const key = leg?.added_by ? leg.id : event.callId;
      const flowed = await tx.db
        .updateTable('salesforce_voice_calls')
        .set({ flow_executed: 0 })
        .where('vendor_call_key', '=', key)
        .where('flow_executed', '=', 1)
        .executeTakeFirst();
      if (Number(flowed.numUpdatedRows) === 1)
        await enqueue(tx, {
          conversationKey: event.callId,
          op: 'clearRouting',
          vendorCallKey: key,
          body: {},
        });
      return false;
    }
    case 'transcript':
      await syncTranscript(tx, event.callId, event.transcriptId);
      return false;
    case 'voicemail':
      await recordVoiceCall(tx, event.callId, event.callId, null);
      await enqueue(tx, {
        conversationKey: event.callId,
        op: 'update',
        vendorCallKey: event.callId,
        body: requests.voicemailStarted(),
      });
      return false;
    case 'recording': {
      const call = await loadCall(tx, event.callId);
      if (call.state !== 'ended') return false;
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
          : requests.recordingOnly(call, call.hold_ms, requests.agentConnectedMs(legs, end));
        await enqueue(tx, {
          conversationKey: call.id,
          op: 'update',
          vendorCallKey: record.vendor_call_key,
          body,
        });
      }
      return false;
    }
    case 'ended':
      await syncEnd(tx, event.callId);
      return false;
  }
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
async function syncEnd(tx: Tx, callId: string): Promise<void> {
  const call = await loadCall(tx, callId);
  await recordVoiceCall(tx, call.id, call.id, null);
  const legs = await legsOf(tx, call.id);
  const who = await people(tx);
  if (call.origin === 'Voicemail') {
    const body: requests.OmniFlowBody = { dialedNumber: call.to_number };
    if (call.queue_id) body.fallbackQueue = call.queue_id;
    await enqueue(tx, { conversationKey: call.id, op: 'omniFlow', vendorCallKey: call.id, body });
  }
  const records = await recordsOf(tx, call.id);
  for (const record of records) {
    const leg = legs.find((p) => p.id === record.leg_id);
    const answered = leg
      ? leg.joined_at !== null
      : legs.some((p) => p.role === 'agent' && !p.added_by && p.joined_at !== null);
    if (record.flow_executed === 1 && !answered)
      await enqueue(tx, {
        conversationKey: call.id,
        op: 'clearRouting',
        vendorCallKey: record.vendor_call_key,
        body: {},
      });
  }
  for (const record of records) {
    const leg = legs.find((p) => p.id === record.leg_id);
    const body = leg ? requests.endLeg(call, leg, who) : requests.endCall(call, legs, who);
    await enqueue(tx, {
      conversationKey: call.id,
      op: 'update',
      vendorCallKey: record.vendor_call_key,
      body,
    });
  }
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
async function syncTranscript(tx: Tx, callId: string, transcriptId: string): Promise<void> {
  const call = await loadCall(tx, callId);
  const legs = await legsOf(tx, callId);
  if (call.recording_paused === 1 || legs.some((p) => p.state === 'held')) return;
  const t = await tx.db
    .selectFrom('transcripts')
    .selectAll()
    .where('id', '=', transcriptId)
    .executeTakeFirstOrThrow();
  const speakerLeg = legs.find((p) => p.id === t.participant_id);
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
  const message = requests.transcriptMessage(call.id, t, {
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
  await enqueue(tx, { conversationKey: call.id, op: 'transcript', vendorCallKey: call.id, body: message });
}
