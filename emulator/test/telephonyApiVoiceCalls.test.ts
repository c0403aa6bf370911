/** Create and update VoiceCall records through the emulated API, and bad bodies that change nothing. */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EmulatedVoiceCall } from '../src/telephonyApi/index.ts';
import {
  api,
  errorCode,
  inboundCall,
  newKeyPair,
  ORG_ID,
  startFixture,
  type Fixture,
  type KeyPair,
} from './telephonyApiHarness.ts';

let keys: KeyPair;
let f: Fixture;
let token: string;

beforeAll(async () => {
  keys = await newKeyPair();
});

beforeEach(async () => {
  f = await startFixture(keys);
  token = await f.token();
  return () => f.emulator.close();
});

const create = (body: Record<string, unknown>) =>
  api<{ voiceCallId: string; errors: unknown }>(f.emulator, 'POST', '/voiceCalls', { token, body });
const update = (callId: string, body: unknown) =>
  api(f.emulator, 'PATCH', `/voiceCalls/${callId}`, { token, body });
const record = (voiceCallId: string): EmulatedVoiceCall => {
  const found = f.emulator.voiceCalls().find((r) => r.voiceCallId === voiceCallId);
  if (!found) throw new Error(`no record ${voiceCallId}`);
  return found;
};

describe('create', () => {
  it('creates a VoiceCall with an 18-character 0LQ id and keeps every field', async () => {
    const body = inboundCall(f.clock.t, {
      callOrigin: 'Voicemail',
      callSubtype: 'PSTN',
      callAttributes: JSON.stringify({ RecordTypeId: '012300000012BYNQAG', Department__c: 'Support' }),
    });
    const answer = await create(body);
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({ voiceCallId: expect.stringMatching(/^0LQ[0-9A-Za-z]{15}$/), errors: [] });
    const vc = record(answer.body.voiceCallId);
    expect(vc).toMatchObject({
      orgId: ORG_ID,
      callCenterApiName: 'ContactCenterA',
      vendorCallKey: body.vendorCallKey,
      conversationKey: body.vendorCallKey,
      callDisposition: 'new',
      createdAt: f.clock.t,
      participants: [{ participantKey: '+14155551234', type: 'END_USER' }],
      parentVoiceCallId: null,
    });
    expect(vc.fields).toEqual({
      callCenterApiName: 'ContactCenterA',
      vendorCallKey: body.vendorCallKey,
      to: '+14155550100',
      from: '+14155551234',
      initiationMethod: 'Inbound',
      startTime: body.startTime,
      callOrigin: 'Voicemail',
      callSubtype: 'PSTN',
      callAttributes: { RecordTypeId: '012300000012BYNQAG', Department__c: 'Support' },
    });
  });

  it('answers field errors for callAttributes that are not VoiceCall fields, creating the record anyway', async () => {
    const body = inboundCall(f.clock.t, {
      callAttributes: JSON.stringify({
        RecordTypeId: '012300000012BYNQAG',
        ivrChoice: 'billing',
        Intent__c: 'x',
      }),
    });
    const answer = await create(body);
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({
      voiceCallId: expect.stringMatching(/^0LQ/),
      errors: [expect.stringContaining('ivrChoice')],
    });
    expect(record(answer.body.voiceCallId).vendorCallKey).toBe(body.vendorCallKey);
  });

  it('gives ids whose 3-character suffix is the case checksum of the 15-character id', async () => {
    const { body } = await create(inboundCall(f.clock.t));
    const id15 = body.voiceCallId.slice(0, 15);
    const suffix = [0, 1, 2]
      .map((chunk) => {
        const bits = [...id15.slice(chunk * 5, chunk * 5 + 5)].reduce(
          (acc, c, i) => acc | (/[A-Z]/.test(c) ? 1 << i : 0),
          0,
        );
        return 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345'[bits];
      })
      .join('');
    expect(body.voiceCallId.slice(15)).toBe(suffix);
  });

  it('returns the existing record for a repeated vendorCallKey and creates nothing', async () => {
    const body = inboundCall(f.clock.t);
    const first = await create(body);
    const again = await create({ ...body, from: '+14155559999' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ voiceCallId: first.body.voiceCallId, errors: [] });
    expect(f.emulator.voiceCalls()).toHaveLength(1);
    expect(record(first.body.voiceCallId).fields.from).toBe('+14155551234');
  });

  it('creates a transfer under its parent (by id or by vendor call key), keeping the queue', async () => {
    const parentBody = inboundCall(f.clock.t);
    const parent = await create(parentBody);
    const byId = await create(
      inboundCall(f.clock.t, {
        initiationMethod: 'Transfer',
        parentVoiceCallId: parent.body.voiceCallId,
        queue: '00G000000000001',
      }),
    );
    expect(byId.status).toBe(201);
    const byKey = await create(
      inboundCall(f.clock.t, {
        initiationMethod: 'Transfer',
        parentVoiceCallId: parentBody.vendorCallKey,
        vendorCallKey: parentBody.vendorCallKey,
      }),
    );
    expect(byKey.status).toBe(201);
    expect(byKey.body.voiceCallId).not.toBe(parent.body.voiceCallId);
    const transfer = record(byId.body.voiceCallId);
    expect(transfer).toMatchObject({
      parentVoiceCallId: parent.body.voiceCallId,
      previousCallId: parent.body.voiceCallId,
      conversationKey: parentBody.vendorCallKey,
    });
    expect(transfer.fields.queue).toBe('00G000000000001');
    expect(record(parent.body.voiceCallId).nextCallId).toBe(byKey.body.voiceCallId);
    expect(record(byKey.body.voiceCallId).conversationKey).toBe(parentBody.vendorCallKey);
  });

  it('ignores queue on a call that is not a transfer', async () => {
    const { body } = await create(inboundCall(f.clock.t, { queue: 'Q1' }));
    expect(record(body.voiceCallId).fields).not.toHaveProperty('queue');
  });

  const badBodies: [string, (b: Record<string, unknown>) => Record<string, unknown>, RegExp][] = [
    ['no vendorCallKey', ({ vendorCallKey: _k, ...b }) => b, /vendorCallKey/],
    ['no participants', (b) => ({ ...b, participants: [] }), /participants/],
    [
      'a participant that is not END_USER',
      (b) => ({ ...b, participants: [{ participantKey: 'x', type: 'HUMAN_AGENT' }] }),
      /type/,
    ],
    ['an Outbound call', (b) => ({ ...b, initiationMethod: 'Outbound' }), /initiationMethod/],
    ['a startTime that is not a date-time', (b) => ({ ...b, startTime: '2026-11-21 10:00' }), /date-time/],
    ['an unknown field', (b) => ({ ...b, colour: 'blue' }), /additional/],
    ['a transfer without parent', (b) => ({ ...b, initiationMethod: 'Transfer' }), /parentVoiceCallId/],
    [
      'a parent on an inbound call',
      (b) => ({ ...b, parentVoiceCallId: '0LQ5g0000000001AAA' }),
      /only for transfers/,
    ],
    [
      'a transfer with an unknown parent',
      (b) => ({ ...b, initiationMethod: 'Transfer', parentVoiceCallId: 'nobody' }),
      /parent/,
    ],
    [
      'callAttributes that are not a JSON object',
      (b) => ({ ...b, callAttributes: '[1,2]' }),
      /callAttributes/,
    ],
    ['a bad callOrigin', (b) => ({ ...b, callOrigin: 'Robot' }), /callOrigin/],
  ];
  it.each(badBodies)('answers 400 for %s and creates nothing', async (_name, change, reason) => {
    const answer = await create(change(inboundCall(f.clock.t)));
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual([{ errorCode: 'INVALID_REQUEST', message: expect.stringMatching(reason) }]);
    expect(f.emulator.voiceCalls()).toEqual([]);
  });

  it('answers 400 for a body that is not JSON and 415 for one that is not application/json', async () => {
    const notJson = await api(f.emulator, 'POST', '/voiceCalls', { token, body: '{"callCenterApiName":' });
    expect([notJson.status, errorCode(notJson)]).toEqual([400, 'INVALID_REQUEST']);
    const text = await api(f.emulator, 'POST', '/voiceCalls', {
      token,
      body: 'hello',
      headers: { 'content-type': 'text/plain' },
    });
    expect([text.status, errorCode(text)]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    expect(f.emulator.voiceCalls()).toEqual([]);
  });
});

describe('update', () => {
  let voiceCallId: string;
  let vendorCallKey: string;
  beforeEach(async () => {
    const body = inboundCall(f.clock.t);
    vendorCallKey = body.vendorCallKey as string;
    voiceCallId = (await create(body)).body.voiceCallId;
  });

  it('records each PATCH by voiceCallId, its 15-character form, or vendorCallKey, and answers pending', async () => {
    const first = await update(voiceCallId, {
      isActiveCall: true,
      acceptTime: new Date(f.clock.t + 5000).toISOString(),
    });
    expect(first).toMatchObject({ status: 200, body: { status: 'pending' } });
    f.clock.advance(60_000);
    const end = new Date(f.clock.t).toISOString();
    expect((await update(voiceCallId.slice(0, 15), { endTime: end })).status).toBe(200);
    const recording = {
      recordingLocation: 'https://rec.example/1.wav',
      totalHoldDuration: 10,
      agentInteractionDuration: 50,
    };
    expect((await update(vendorCallKey, { ...recording, isActiveCall: false })).status).toBe(200);
    const vc = record(voiceCallId);
    expect(vc.updates.map((u) => u.body)).toEqual([
      { isActiveCall: true, acceptTime: new Date(f.clock.t - 55_000).toISOString() },
      { endTime: end },
      { ...recording, isActiveCall: false },
    ]);
    expect(vc.updates[1]?.at).toBe(f.clock.t);
    expect(vc.fields).toMatchObject({ endTime: end, ...recording, isActiveCall: false });
    expect(vc.callDisposition).toBe('completed');
  });

  it('keeps the conversation open with isActiveCall true (voicemail) and merges callAttributes', async () => {
    await update(voiceCallId, {
      callOrigin: 'Voicemail',
      isActiveCall: true,
      callAttributes: '{"A__c":"1"}',
    });
    await update(voiceCallId, { callAttributes: { B__c: 2 } });
    const vc = record(voiceCallId);
    expect(vc.callDisposition).toBe('in-progress');
    expect(vc.fields).toMatchObject({ callOrigin: 'Voicemail', callAttributes: { A__c: '1', B__c: 2 } });
  });

  it('creates a record for an unknown vendor call key (a missed call logged afterwards)', async () => {
    const answer = await update('missed-call-1', {
      startTime: new Date(f.clock.t).toISOString(),
      endTime: new Date(f.clock.t).toISOString(),
    });
    expect(answer.status).toBe(200);
    const created = f.emulator.voiceCalls().find((r) => r.vendorCallKey === 'missed-call-1');
    expect(created).toMatchObject({
      callDisposition: 'completed',
      conversationKey: 'missed-call-1',
      updates: [{ at: f.clock.t }],
    });
  });

  it('answers 404 for an unknown VoiceCall id', async () => {
    const answer = await update('0LQ5g0000000000AAA', { isActiveCall: true });
    expect([answer.status, errorCode(answer)]).toEqual([404, 'NOT_FOUND']);
  });

  const badUpdates: [string, unknown, RegExp][] = [
    ['an empty body', {}, /fewer than 1/],
    ['hold time without a recording location', { totalHoldDuration: 5 }, /recordingLocation/],
    ['interaction time without a recording location', { agentInteractionDuration: 5 }, /recordingLocation/],
    [
      'a recording URL over 1,000 characters',
      { recordingLocation: `https://r.example/${'x'.repeat(1000)}` },
      /recordingLocation/,
    ],
    ['a negative duration', { recordingLocation: 'https://r', totalHoldDuration: -1 }, /totalHoldDuration/],
    ['a disconnectReason without isError', { disconnectReason: { value: 'TELECOM_PROBLEM' } }, /isError/],
    ['an unknown field', { hold: true }, /additional/],
    ['isActiveCall as a string', { isActiveCall: 'false' }, /isActiveCall/],
  ];
  it.each(badUpdates)('answers 400 for %s and changes nothing', async (_name, body, reason) => {
    const before = f.emulator.voiceCalls();
    const answer = await update(voiceCallId, body);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual([{ errorCode: 'INVALID_REQUEST', message: expect.stringMatching(reason) }]);
    expect(f.emulator.voiceCalls()).toEqual(before);
  });
});
