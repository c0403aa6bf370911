import { describe, expect, it } from 'vitest';
import type { CallTable, ParticipantTable, TranscriptTable } from '../src/db/schema.ts';
import { backoffMs } from '../src/salesforce/outbox.ts';
import * as requests from '../src/salesforce/requests.ts';
import { isRetryable } from '../src/salesforce/telephonyApi.ts';

const T0 = Date.UTC(2026, 10, 21, 9, 0, 0);

const call = (fields: Partial<CallTable> = {}): CallTable => ({
  id: 'CA1',
  contact_center_id: 'CC1',
  kind: 'inbound',
  origin: null,
  state: 'ended',
  from_number: '+14155550123',
  to_number: '+14155550100',
  caller_name: null,
  attributes_json: '{}',
  queue_id: 'QU1',
  initial_call_id: null,
  parent_call_id: null,
  recording_enabled: 1,
  recording_paused: 0,
  recording_url: null,
  recording_duration_s: null,
  voicemail_url: null,
  dtmf: '',
  disposition: null,
  is_desk_phone: 0,
  callback_number: null,
  created_at: T0,
  connected_at: T0 + 10_000,
  ended_at: T0 + 130_000,
  end_reason: 'caller_hangup',
  hold_ms: 20_000,
  ...fields,
});

const leg = (fields: Partial<ParticipantTable>): ParticipantTable => ({
  id: 'PA1',
  call_id: 'CA1',
  contact_center_id: 'CC1',
  role: 'agent',
  user_id: 'US1',
  phone_number: null,
  name: null,
  state: 'ended',
  muted: 0,
  held_since: null,
  hold_ms: 0,
  is_consult: 0,
  listen_only: 0,
  view_type: 'Inbound',
  added_by: null,
  blind: 0,
  queue_id: 'QU1',
  target_user_id: null,
  priority: 0,
  queued_at: T0,
  not_before: null,
  offered_at: T0 + 5_000,
  offer_expires_at: null,
  secondary_ringing: 0,
  declined_by_json: '[]',
  device: 'soft',
  joined_at: T0 + 10_000,
  left_at: T0 + 130_000,
  leave_reason: 'caller_hangup',
  created_at: T0,
  ...fields,
});

const people: requests.PeopleOf = {
  username: (id) => ({ US1: 'ada', US2: 'bob' })[id],
  queueName: (id) => ({ QU1: 'Support' })[id],
};

describe('request bodies (pure mapping)', () => {
  it('create: IVR data and the record type in callAttributes as a JSON string; the dialer as Progressive', () => {
    const body = requests.createCall(
      'CC',
      call({ attributes_json: '{"ivr":"billing"}' }),
      '012000000000001AAA',
    );
    expect(body).toEqual({
      callCenterApiName: 'CC',
      vendorCallKey: 'CA1',
      to: '+14155550100',
      from: '+14155550123',
      initiationMethod: 'Inbound',
      startTime: '2026-11-21T09:00:00.000Z',
      participants: [{ participantKey: '+14155550123', type: 'END_USER' }],
      callAttributes: '{"ivr":"billing","RecordTypeId":"012000000000001AAA"}',
    });
    // A record type the IVR chose wins over the contact center's.
    const ivr = requests.createCall('CC', call({ attributes_json: '{"RecordTypeId":"012IVR"}' }), '012CC');
    expect(JSON.parse(ivr.callAttributes!)).toEqual({ RecordTypeId: '012IVR' });
    const dialer = requests.createCall(
      'CC',
      call({
        kind: 'outbound',
        origin: 'ProgressiveDialer',
        from_number: '+14155550100',
        to_number: '+14155550999',
      }),
      null,
    );
    expect(dialer).toMatchObject({ from: '+14155550999', to: '+14155550100', callOrigin: 'Progressive' });
    expect(dialer.callAttributes).toBeUndefined();
  });

  it('transfer: parented to the call, its queue, the contact center number on both ends', () => {
    const transfer = requests.createTransfer(
      'CC',
      call(),
      leg({ id: 'PA9', added_by: 'US1', created_at: T0 + 60_000 }),
      null,
    );
    expect(transfer).toMatchObject({
      vendorCallKey: 'PA9',
      initiationMethod: 'Transfer',
      parentVoiceCallId: 'CA1',
      queue: 'QU1',
      to: '+14155550100',
      from: '+14155550100',
      startTime: '2026-11-21T09:01:00.000Z',
    });
  });

  it('post-call update: durations only with the recording location (the API requires it)', () => {
    const legs = [leg({})];
    const bare = requests.endCall(call(), legs, people);
    expect(bare).toEqual({
      startTime: '2026-11-21T09:00:00.000Z',
      endTime: '2026-11-21T09:02:10.000Z',
      isActiveCall: false,
      disconnectReason: { value: 'CALLER_HANGUP', isError: false },
      enqueueTime: '2026-11-21T09:00:00.000Z',
      acceptTime: '2026-11-21T09:00:10.000Z',
      agent: 'ada',
      queue: 'Support',
    });
    const recorded = requests.endCall(
      call({ recording_url: 'https://rec/1', recording_duration_s: 100 }),
      legs,
      people,
    );
    expect(recorded).toMatchObject({
      recordingLocation: 'https://rec/1',
      totalRecordingDuration: 100,
      totalHoldDuration: 20,
      agentInteractionDuration: 100,
    });
    expect(requests.endCall(call({ end_reason: 'not_answered' }), [], people).disconnectReason).toEqual({
      value: 'NOT_ANSWERED',
      isError: true,
    });
    const long = requests.endCall(call({ recording_url: `https://rec/${'x'.repeat(2000)}` }), legs, people);
    expect(long.recordingLocation).toHaveLength(1000);
  });

  it('transcripts: participantId per sender type as the API wants it', () => {
    const t: TranscriptTable = {
      id: 'TR1',
      call_id: 'CA1',
      participant_id: 'PA1',
      sender_type: 'HUMAN_AGENT',
      content: 'hello',
      start_time: T0 + 1000,
      end_time: T0 + 900,
      created_at: T0,
    };
    expect(
      requests.transcriptMessage('CA1', t, { senderType: 'HUMAN_AGENT', salesforceUserId: '005A' }),
    ).toEqual({
      messageId: 'TR1',
      content: 'hello',
      senderType: 'HUMAN_AGENT',
      participantId: '005A',
      startTime: T0 + 1000,
      endTime: T0 + 1000,
    });
    expect(
      requests.transcriptMessage('CA1', t, { senderType: 'HUMAN_AGENT', salesforceUserId: null }),
    ).toBeNull();
    expect(requests.transcriptMessage('CA1', t, { senderType: 'END_USER' })?.participantId).toBe(
      'CA1END_USER',
    );
    expect(requests.transcriptMessage('CA1', t, { senderType: 'SUPERVISOR' })?.participantId).toBe(
      'CA1SUPERVISOR',
    );
    expect(
      requests.transcriptMessage('CA1', t, { senderType: 'EXTERNAL_USER', participantId: 'PA7' })
        ?.participantId,
    ).toBe('PA7');
  });
});

describe('the outbox retry policy', () => {
  it('backs off exponentially up to the cap; retries outages, overload, timeouts and 401, not refusals', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffMs(n, 1000, 30_000))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000,
    ]);
    expect(backoffMs(500, 1000, 60_000)).toBe(60_000);
    expect([null, 401, 408, 429, 500, 503].every(isRetryable)).toBe(true);
    expect([400, 403, 404, 409, 415].some(isRetryable)).toBe(false);
  });
});
