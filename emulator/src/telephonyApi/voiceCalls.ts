/** The VoiceCall records of every contact center and the documented rules of each API operation. */
import { ApiError } from './errors.ts';
import { contactCenterKey, type ContactCenter } from './contactCenters.ts';
import { routeBody, routeFlow } from './flowRules.ts';
import type {
  BulkTranscriptsBody,
  ConversationEventsBody,
  CreateVoiceCallBody,
  OmniFlowBody,
  TranscriptMessage,
  UpdateVoiceCallBody,
} from './schemas.ts';
import {
  looksLikeSalesforceId,
  newSalesforceId,
  sameSalesforceId,
  VOICE_CALL_PREFIX,
} from './salesforceIds.ts';
import type { EmulatedVoiceCall, FlowRule } from './types.ts';

export interface ApiResult {
  status: number;
  body: unknown;
}

const USER_ID = /^005[0-9A-Za-z]{12}([0-9A-Za-z]{3})?$/;
/** Sender types whose participant id Salesforce stores as `{firstVendorCallKey}{senderType}`. */
const KEYED_SENDERS = new Set(['END_USER', 'SUPERVISOR', 'VIRTUAL_AGENT']);

function invalid(message: string): ApiError {
  return ApiError.of(400, 'INVALID_REQUEST', message);
}

function unauthorized(): ApiError {
  return ApiError.of(401, 'INVALID_AUTH', 'the token does not authorize this contact center');
}

function exhausted(vendorCallKey: string, status: number) {
  return {
    vendorCallKey,
    status,
    message: 'RESOURCE_EXHAUSTED: the transcription rate limit was reached, retry later',
  };
}

/** A `callAttributes` key that is a VoiceCall field: the record type or a custom field (`…__c`). */
const isVoiceCallField = (key: string): boolean => key === 'RecordTypeId' || /^[A-Za-z]\w*__c$/.test(key);

/** [Flow]: `fallbackQueue` is a Salesforce queue's developer name or id (a Group id, prefix `00G`). */
const QUEUE_ID = /^00G[0-9A-Za-z]{12}([0-9A-Za-z]{3})?$/;
const DEVELOPER_NAME = /^[A-Za-z](?!.*__)[A-Za-z0-9_]{0,79}$/;
const isSalesforceQueue = (value: string): boolean =>
  QUEUE_ID.test(value) || (DEVELOPER_NAME.test(value) && !value.endsWith('_'));

function parseAttributes(
  value: string | Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  if (value === undefined || typeof value === 'object') return value;
  try {
    const parsed: unknown = JSON.parse(value);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // reported below
  }
  throw invalid('callAttributes must be a JSON object serialized as a string');
}

export class VoiceCallStore {
  private records: EmulatedVoiceCall[] = [];
  /** Transfer records that are consults (Salesforce learns it from the connector's events). */
  private readonly consults = new Set<string>();

  constructor(private readonly now: () => number) {}

  all(): EmulatedVoiceCall[] {
    return structuredClone(this.records);
  }

  clear(): void {
    this.records = [];
    this.consults.clear();
  }

  create(cc: ContactCenter, body: CreateVoiceCallBody): ApiResult {
    if (body.callCenterApiName !== cc.callCenterApiName) throw unauthorized();
    const isTransfer = body.initiationMethod === 'Transfer';
    if (isTransfer && body.parentVoiceCallId === undefined) {
      throw invalid('parentVoiceCallId is required when initiationMethod is Transfer');
    }
    if (!isTransfer && body.parentVoiceCallId !== undefined) {
      throw invalid('parentVoiceCallId is only for transfers (initiationMethod Transfer)');
    }
    const callAttributes = parseAttributes(body.callAttributes);
    let parent: EmulatedVoiceCall | undefined;
    if (isTransfer) {
      parent = this.resolveCall(cc, body.parentVoiceCallId ?? '');
      if (!parent) throw invalid(`no parent voice call ${body.parentVoiceCallId}`);
    } else {
      const existing = this.ownRecords(cc).find((r) => r.vendorCallKey === body.vendorCallKey);
      if (existing) return { status: 200, body: { voiceCallId: existing.voiceCallId, errors: [] } };
    }
    const { participants, queue, ...rest } = body;
    const record = this.newRecord(cc, body.vendorCallKey, {
      ...rest,
      ...(isTransfer && queue !== undefined ? { queue } : {}),
      ...(callAttributes ? { callAttributes } : {}),
    });
    record.participants = participants.map((p) => ({ ...p }));
    if (parent) {
      record.conversationKey = parent.conversationKey;
      record.parentVoiceCallId = parent.voiceCallId;
      record.previousCallId = parent.voiceCallId;
      parent.nextCallId = record.voiceCallId;
    }
    this.records.push(record);
    // [Create]: the record is created; attributes that are not VoiceCall fields come back as `errors`.
    const errors = Object.keys(callAttributes ?? {})
      .filter((key) => !isVoiceCallField(key))
      .map((key) => `${key}: no such field on VoiceCall`);
    return { status: 201, body: { voiceCallId: record.voiceCallId, errors } };
  }

  update(cc: ContactCenter, callId: string, body: UpdateVoiceCallBody): ApiResult {
    if (
      (body.totalHoldDuration !== undefined || body.agentInteractionDuration !== undefined) &&
      body.recordingLocation === undefined
    ) {
      throw invalid('recordingLocation is required with totalHoldDuration or agentInteractionDuration');
    }
    const callAttributes = parseAttributes(body.callAttributes);
    let record = this.resolveCall(cc, callId);
    const createdByUpdate = !record;
    if (!record) {
      if (looksLikeSalesforceId(callId, VOICE_CALL_PREFIX)) throw this.notFound(callId);
      record = this.newRecord(cc, callId, {});
      this.records.push(record);
    }
    const previousAttributes = record.fields.callAttributes as Record<string, unknown> | undefined;
    record.fields = {
      ...record.fields,
      ...body,
      ...(callAttributes ? { callAttributes: { ...previousAttributes, ...callAttributes } } : {}),
    };
    record.updates.push({ at: this.now(), body: structuredClone(body) });
    if (body.isActiveCall === true) {
      record.callDisposition = 'in-progress';
    } else if (body.isActiveCall === false || createdByUpdate) {
      record.callDisposition = 'completed';
      record.pendingRouting = null;
    }
    return { status: 200, body: { status: 'pending' } };
  }

  addTranscripts(cc: ContactCenter, vendorCallKey: string, messages: TranscriptMessage[]): ApiResult {
    const root = this.resolveConversation(cc, vendorCallKey);
    const { start, end } = this.conversationWindow(cc, root);
    const accepted: TranscriptMessage[] = [];
    for (const m of messages) {
      if (m.endTime < m.startTime) throw invalid(`message ${m.messageId}: endTime is before startTime`);
      if (m.senderType === 'HUMAN_AGENT' && !USER_ID.test(m.participantId)) {
        throw invalid(
          `message ${m.messageId}: a HUMAN_AGENT participantId is the rep's Salesforce user id (005…)`,
        );
      }
      if (m.startTime < start || m.endTime > end) {
        throw ApiError.of(
          400,
          'OUTSIDE_CALL_WINDOW',
          `message ${m.messageId} is outside the conversation (${start}–${end === Infinity ? 'open' : end})`,
        );
      }
      const earlier = [...root.transcripts, ...accepted].find((t) => t.messageId === m.messageId);
      if (earlier && earlier.content !== m.content) {
        throw ApiError.of(
          409,
          'DUPLICATE_MESSAGE_ID',
          `messageId ${m.messageId} was used for another utterance`,
        );
      }
      if (!earlier) accepted.push(m);
    }
    const receivedAt = this.now();
    for (const m of accepted) {
      root.transcripts.push({
        receivedAt,
        messageId: m.messageId,
        content: m.content,
        senderType: m.senderType,
        participantId: KEYED_SENDERS.has(m.senderType)
          ? `${root.conversationKey}${m.senderType}`
          : m.participantId,
        sentParticipantId: m.participantId,
        startTime: m.startTime,
        endTime: m.endTime,
      });
    }
    return { status: 202, body: { result: 'Accepted' } };
  }

  /**
   * [Bulk]: 202 when every entry is accepted, else 207 listing the entries not accepted (an entry over
   * the rate limit: 429 `RESOURCE_EXHAUSTED`, as Salesforce's own Amazon Connect integration reads it).
   */
  addTranscriptsInBulk(
    cc: ContactCenter,
    body: BulkTranscriptsBody,
    overLimit: () => number | null,
  ): ApiResult {
    const results = body.entries.map((entry) => {
      const limited = overLimit();
      if (limited !== null) return exhausted(entry.vendorCallKey, limited);
      try {
        this.addTranscripts(cc, entry.vendorCallKey, entry.messages);
        return {
          vendorCallKey: entry.vendorCallKey,
          status: 202,
          message: 'Successfully Processed Transcripts',
        };
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        const message = (err.body as { message: string }[])[0]?.message ?? 'rejected';
        return { vendorCallKey: entry.vendorCallKey, status: err.status, message };
      }
    });
    const rejected = results.filter((r) => r.status !== 202);
    if (rejected.length === 0) return { status: 202, body: { result: 'Accepted' } };
    return { status: 207, body: { errorResponse: { errorResponseEntries: rejected } } };
  }

  executeOmniFlow(
    cc: ContactCenter,
    callId: string,
    body: OmniFlowBody,
    rules: readonly FlowRule[],
  ): ApiResult {
    const record = this.resolveCall(cc, callId);
    if (!record) throw this.notFound(callId);
    if (body.dialedNumber === undefined && body.flowDevName === undefined) {
      throw invalid('dialedNumber or flowDevName is required');
    }
    if (record.callDisposition === 'completed')
      throw invalid('the conversation of this voice call is closed');
    if (body.fallbackQueue !== undefined && !isSalesforceQueue(body.fallbackQueue)) {
      throw invalid(
        `fallbackQueue ${body.fallbackQueue} is not a Salesforce queue developer name or id (00G…)`,
      );
    }
    const result = routeFlow(rules, body);
    if (!result) {
      throw new ApiError(400, {
        errors: [
          'no Omni-Channel flow or fallback queue for this dialed number or flow, and no fallbackQueue',
        ],
      });
    }
    const at = this.now();
    record.flowExecutions.push({ at, request: structuredClone(body), ...result });
    record.pendingRouting = { route: result.route, createdAt: at };
    return { status: 200, body: routeBody(result.route) };
  }

  clearRouting(cc: ContactCenter, callId: string): ApiResult {
    const record = this.resolveCall(cc, callId);
    if (!record) throw this.notFound(callId);
    if (record.pendingRouting) {
      record.pendingRouting = null;
      record.routingClears.push(this.now());
    }
    return { status: 200, body: { status: 'cleared' } };
  }

  addConversationEvents(cc: ContactCenter, vendorCallKey: string, body: ConversationEventsBody): ApiResult {
    body.events.forEach((e, i) => {
      const previous = body.events[i - 1];
      if (previous && previous.startTime > e.startTime) throw invalid('events must be sorted by startTime');
      if (e.type === 'IntelligenceSignal__Sentiment') {
        if (!e.participant) throw invalid('participant is required for IntelligenceSignal__Sentiment');
        const value = Number(e.value);
        if (!Number.isFinite(value) || value < -1000 || value > 1000) {
          throw invalid('a sentiment value is a number from -1000 to 1000');
        }
      }
      const score = e.score === undefined ? 0 : Number(e.score);
      if (!Number.isFinite(score) || score < 0 || score > 1000)
        throw invalid('score is a number from 0 to 1000');
    });
    const root = this.resolveConversation(cc, vendorCallKey);
    root.conversationEvents.push({
      receivedAt: this.now(),
      service: body.service,
      events: structuredClone(body.events),
    });
    return { status: 202, body: { status: '202 Accepted' } };
  }

  private newRecord(
    cc: ContactCenter,
    vendorCallKey: string,
    fields: Record<string, unknown>,
  ): EmulatedVoiceCall {
    let voiceCallId = newSalesforceId(VOICE_CALL_PREFIX);
    while (this.records.some((r) => r.voiceCallId === voiceCallId))
      voiceCallId = newSalesforceId(VOICE_CALL_PREFIX);
    return {
      voiceCallId,
      orgId: cc.orgId,
      callCenterApiName: cc.callCenterApiName,
      vendorCallKey,
      conversationKey: vendorCallKey,
      parentVoiceCallId: null,
      previousCallId: null,
      nextCallId: null,
      createdAt: this.now(),
      fields,
      participants: [],
      callDisposition: 'new',
      updates: [],
      transcripts: [],
      flowExecutions: [],
      pendingRouting: null,
      routingClears: [],
      conversationEvents: [],
    };
  }

  private ownRecords(cc: ContactCenter): EmulatedVoiceCall[] {
    const key = contactCenterKey(cc.orgId, cc.callCenterApiName);
    return this.records.filter((r) => contactCenterKey(r.orgId, r.callCenterApiName) === key);
  }

  private notFound(callId: string): ApiError {
    return ApiError.of(404, 'NOT_FOUND', `no voice call ${callId}`);
  }

  /** A VoiceCall id (15/18) or a vendor call key (the latest record with it); another contact center's → 401. */
  private resolveCall(cc: ContactCenter, callId: string): EmulatedVoiceCall | undefined {
    const own = this.ownRecords(cc);
    if (looksLikeSalesforceId(callId, VOICE_CALL_PREFIX)) {
      const byId = this.records.find((r) => sameSalesforceId(callId, r.voiceCallId));
      if (byId) {
        if (!own.includes(byId)) throw unauthorized();
        return byId;
      }
    }
    const byKey = own.filter((r) => r.vendorCallKey === callId).at(-1);
    if (!byKey && this.records.some((r) => r.vendorCallKey === callId)) throw unauthorized();
    return byKey;
  }

  /** The connector told Salesforce this transfer record is a consult (its own transcripts, until merged). */
  markConsult(vendorCallKey: string): void {
    this.consults.add(vendorCallKey);
  }

  /**
   * The first record of the conversation whose first vendor call key this is; a consult's own record
   * while it is not merged (no end yet): "use the vendorCallKey of the voice call record created for
   * the consult call" (Transcribe Calls in Real Time).
   */
  private resolveConversation(cc: ContactCenter, vendorCallKey: string): EmulatedVoiceCall {
    const consult = this.consults.has(vendorCallKey)
      ? this.ownRecords(cc)
          .filter((r) => r.vendorCallKey === vendorCallKey && r.fields.endTime === undefined)
          .at(-1)
      : undefined;
    if (consult) return consult;
    const first = this.ownRecords(cc).find((r) => r.vendorCallKey === vendorCallKey);
    if (!first) {
      if (this.records.some((r) => r.vendorCallKey === vendorCallKey)) throw unauthorized();
      throw this.notFound(vendorCallKey);
    }
    if (first.conversationKey !== vendorCallKey) {
      throw ApiError.of(
        400,
        'NOT_FIRST_CALL_KEY',
        `${vendorCallKey} is a transferred call: use the first call's vendorCallKey ${first.conversationKey}`,
      );
    }
    return first;
  }

  /** From the first record's start to the latest record end, once every record of the conversation has one. */
  private conversationWindow(cc: ContactCenter, root: EmulatedVoiceCall): { start: number; end: number } {
    const members = this.ownRecords(cc).filter((r) => r.conversationKey === root.conversationKey);
    const time = (value: unknown) => (typeof value === 'string' ? Date.parse(value) : undefined);
    const start = time(root.fields.startTime) ?? -Infinity;
    const ends = members.map((r) => time(r.fields.endTime));
    const end = ends.every((e) => e !== undefined) ? Math.max(...(ends as number[])) : Infinity;
    return { start, end };
  }
}
