/** Transcripts (one and in bulk) and real-time conversation events: keys, time windows, duplicates. */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EmulatedVoiceCall } from '../src/telephonyApi/index.ts';
import {
  api,
  errorCode,
  inboundCall,
  newKeyPair,
  startFixture,
  type Fixture,
  type KeyPair,
} from './telephonyApiHarness.ts';

const AGENT_ID = '005xx000001SvVfAAK';

let keys: KeyPair;
let f: Fixture;
let token: string;
let start: number;
let key: string;
let voiceCallId: string;

beforeAll(async () => {
  keys = await newKeyPair();
});

beforeEach(async () => {
  f = await startFixture(keys);
  token = await f.token();
  start = f.clock.t;
  const body = inboundCall(start);
  key = body.vendorCallKey as string;
  voiceCallId = (await api<{ voiceCallId: string }>(f.emulator, 'POST', '/voiceCalls', { token, body })).body
    .voiceCallId;
  return () => f.emulator.close();
});

function message(id: string, at: number, overrides: Record<string, unknown> = {}) {
  return {
    messageId: id,
    content: `utterance ${id}`,
    senderType: 'END_USER',
    participantId: '+14155551234',
    startTime: at,
    endTime: at + 1500,
    ...overrides,
  };
}
const send = (vendorCallKey: string, body: unknown) =>
  api(f.emulator, 'POST', `/voiceCalls/${vendorCallKey}/messages`, { token, body });
const bulk = (body: unknown) => api(f.emulator, 'POST', '/voiceCalls/messages', { token, body });
const byKey = (k: string): EmulatedVoiceCall => {
  const found = f.emulator.voiceCalls().find((r) => r.vendorCallKey === k);
  if (!found) throw new Error(`no record ${k}`);
  return found;
};
const endCall = (callId: string, endMs: number) =>
  api(f.emulator, 'PATCH', `/voiceCalls/${callId}`, {
    token,
    body: { endTime: new Date(endMs).toISOString() },
  });

describe('one transcript', () => {
  it('stores utterances on the conversation with Salesforce participant ids', async () => {
    expect(await send(key, message('m1', start + 1000))).toMatchObject({
      status: 202,
      body: { result: 'Accepted' },
    });
    await send(key, message('m2', start + 3000, { senderType: 'HUMAN_AGENT', participantId: AGENT_ID }));
    await send(key, message('m3', start + 5000, { senderType: 'SUPERVISOR', participantId: 'supervisorId' }));
    expect(byKey(key).transcripts).toEqual([
      {
        receivedAt: f.clock.t,
        messageId: 'm1',
        content: 'utterance m1',
        senderType: 'END_USER',
        participantId: `${key}END_USER`,
        sentParticipantId: '+14155551234',
        startTime: start + 1000,
        endTime: start + 2500,
      },
      expect.objectContaining({ messageId: 'm2', participantId: AGENT_ID }),
      expect.objectContaining({
        messageId: 'm3',
        participantId: `${key}SUPERVISOR`,
        sentParticipantId: 'supervisorId',
      }),
    ]);
  });

  it('for a consult not merged yet takes the consult’s own key, until its record ends', async () => {
    const consult = inboundCall(start, { initiationMethod: 'Transfer', parentVoiceCallId: voiceCallId });
    const consultKey = consult.vendorCallKey as string;
    await api(f.emulator, 'POST', '/voiceCalls', { token, body: consult });
    f.emulator.markConsult(consultKey);
    expect((await send(consultKey, message('c1', start + 1000))).status).toBe(202);
    expect(byKey(consultKey).transcripts.map((t) => t.messageId)).toEqual(['c1']);
    expect(byKey(key).transcripts).toEqual([]);
    const end = new Date(start + 2000).toISOString();
    await api(f.emulator, 'PATCH', `/voiceCalls/${consultKey}`, { token, body: { endTime: end } });
    const merged = await send(consultKey, message('c2', start + 1500));
    expect([merged.status, errorCode(merged)]).toEqual([400, 'NOT_FIRST_CALL_KEY']);
  });

  it('for a transferred call takes the parent key and refuses the transfer’s own key', async () => {
    const transfer = inboundCall(start, { initiationMethod: 'Transfer', parentVoiceCallId: voiceCallId });
    await api(f.emulator, 'POST', '/voiceCalls', { token, body: transfer });
    const own = await send(transfer.vendorCallKey as string, message('t1', start + 1000));
    expect([own.status, errorCode(own)]).toEqual([400, 'NOT_FIRST_CALL_KEY']);
    expect((await send(key, message('t1', start + 1000))).status).toBe(202);
    expect(byKey(key).transcripts.map((t) => t.messageId)).toEqual(['t1']);
    expect(byKey(transfer.vendorCallKey as string).transcripts).toEqual([]);
  });

  it('refuses a VoiceCall id or an unknown key in the path', async () => {
    expect((await send(voiceCallId, message('m1', start))).status).toBe(404);
    expect((await send('unknown-key', message('m1', start))).status).toBe(404);
  });

  it('refuses utterances outside the conversation window, and accepts the edges', async () => {
    const before = await send(key, message('early', start - 1));
    expect([before.status, errorCode(before)]).toEqual([400, 'OUTSIDE_CALL_WINDOW']);
    expect((await send(key, message('edge', start))).status).toBe(202);
    await endCall(voiceCallId, start + 60_000);
    const late = await send(key, message('late', start + 59_000));
    expect([late.status, errorCode(late)]).toEqual([400, 'OUTSIDE_CALL_WINDOW']);
    expect((await send(key, message('last', start + 58_500))).status).toBe(202);
    expect(byKey(key).transcripts.map((t) => t.messageId)).toEqual(['edge', 'last']);
  });

  it('keeps the window open while a transfer of the conversation is still active', async () => {
    const transfer = inboundCall(start, { initiationMethod: 'Transfer', parentVoiceCallId: voiceCallId });
    const { body } = await api<{ voiceCallId: string }>(f.emulator, 'POST', '/voiceCalls', {
      token,
      body: transfer,
    });
    await endCall(voiceCallId, start + 30_000);
    expect((await send(key, message('after-transfer', start + 40_000))).status).toBe(202);
    await endCall(body.voiceCallId, start + 50_000);
    expect((await send(key, message('after-end', start + 50_000))).status).toBe(400);
  });

  it('stores a repeated messageId once, and refuses it with other content', async () => {
    expect((await send(key, message('m1', start + 1000))).status).toBe(202);
    expect((await send(key, message('m1', start + 1000))).status).toBe(202);
    const other = await send(key, message('m1', start + 1000, { content: 'something else' }));
    expect([other.status, errorCode(other)]).toEqual([409, 'DUPLICATE_MESSAGE_ID']);
    expect(byKey(key).transcripts).toHaveLength(1);
  });

  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['a HUMAN_AGENT that is not a user id', { senderType: 'HUMAN_AGENT', participantId: 'jdoe' }, /005/],
    ['an unknown senderType', { senderType: 'ROBOT' }, /senderType/],
    ['an ISO time instead of epoch ms', { startTime: '2026-11-21T10:00:00Z' }, /startTime/],
    ['an end before the start', { endTime: 0 }, /endTime/],
    ['empty content', { content: '' }, /content/],
  ];
  it.each(bad)('answers 400 for %s, storing nothing', async (_name, overrides, reason) => {
    const answer = await send(key, message('m1', start + 1000, overrides));
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual([{ errorCode: 'INVALID_REQUEST', message: expect.stringMatching(reason) }]);
    expect(byKey(key).transcripts).toEqual([]);
  });
});

describe('transcripts in bulk', () => {
  it('accepts up to 5 calls of up to 5 utterances each', async () => {
    const keys = [key];
    for (let i = 0; i < 4; i++) {
      const body = inboundCall(start);
      await api(f.emulator, 'POST', '/voiceCalls', { token, body });
      keys.push(body.vendorCallKey as string);
    }
    const entries = keys.map((k) => ({
      vendorCallKey: k,
      messages: [0, 1, 2, 3, 4].map((i) => message(`${k}-${i}`, start + i * 2000)),
    }));
    expect(await bulk({ entries })).toMatchObject({ status: 202, body: { result: 'Accepted' } });
    for (const k of keys) expect(byKey(k).transcripts).toHaveLength(5);
  });

  it('answers 207 listing the entries it did not accept, storing the good entries only', async () => {
    const answer = await bulk({
      entries: [
        { vendorCallKey: key, messages: [message('ok', start + 1000)] },
        { vendorCallKey: 'unknown', messages: [message('x', start + 1000)] },
        { vendorCallKey: key, messages: [message('fine', start + 2000), message('early', start - 5000)] },
      ],
    });
    expect(answer.status).toBe(207);
    expect(answer.body).toEqual({
      errorResponse: {
        errorResponseEntries: [
          { vendorCallKey: 'unknown', status: 404, message: expect.stringContaining('unknown') },
          { vendorCallKey: key, status: 400, message: expect.stringContaining('outside') },
        ],
      },
    });
    expect(byKey(key).transcripts.map((t) => t.messageId)).toEqual(['ok']);
  });

  it('rate limit: entries over it answer 429 (or the 4xx asked for) with RESOURCE_EXHAUSTED, the rest are stored', async () => {
    f.emulator.exhaustTranscripts(1, 400);
    const answer = await bulk({
      entries: [
        { vendorCallKey: key, messages: [message('limited', start + 1000)] },
        { vendorCallKey: key, messages: [message('stored', start + 2000)] },
      ],
    });
    expect(answer).toMatchObject({
      status: 207,
      body: {
        errorResponse: {
          errorResponseEntries: [
            { vendorCallKey: key, status: 400, message: expect.stringContaining('RESOURCE_EXHAUSTED') },
          ],
        },
      },
    });
    expect(byKey(key).transcripts.map((t) => t.messageId)).toEqual(['stored']);
    expect(() => f.emulator.exhaustTranscripts(1, 503)).toThrow('400–499');
  });

  it('answers 400 for more than 5 calls or 5 utterances, storing nothing', async () => {
    const six = [0, 1, 2, 3, 4, 5];
    const tooManyCalls = await bulk({
      entries: six.map(() => ({ vendorCallKey: key, messages: [message('a', start)] })),
    });
    const tooManyMessages = await bulk({
      entries: [{ vendorCallKey: key, messages: six.map((i) => message(`m${i}`, start)) }],
    });
    expect([tooManyCalls.status, tooManyMessages.status]).toEqual([400, 400]);
    expect(byKey(key).transcripts).toEqual([]);
  });
});

describe('real-time conversation events', () => {
  const events = (body: unknown, k = key) =>
    api(f.emulator, 'POST', `/voiceCalls/${k}/realtimeConversationEvents`, { token, body });

  it('stores signals on the conversation', async () => {
    const body = {
      service: 'SwitchboardInsights',
      events: [
        { type: 'IntelligenceSignal__Category', value: 'CustomerAngry', startTime: start + 1000 },
        {
          type: 'IntelligenceSignal__Sentiment',
          value: '400.13',
          startTime: start + 2000,
          score: 10,
          participant: 'CUSTOMER',
        },
      ],
    };
    expect(await events(body)).toMatchObject({ status: 202, body: { status: '202 Accepted' } });
    expect(byKey(key).conversationEvents).toEqual([
      { receivedAt: f.clock.t, service: 'SwitchboardInsights', events: body.events },
    ]);
  });

  const bad: [string, unknown][] = [
    [
      'unsorted events',
      {
        service: 'S',
        events: [
          { type: 'IntelligenceSignal__Category', value: 'B', startTime: 2 },
          { type: 'IntelligenceSignal__Category', value: 'A', startTime: 1 },
        ],
      },
    ],
    [
      'a sentiment without participant',
      { service: 'S', events: [{ type: 'IntelligenceSignal__Sentiment', value: '10', startTime: 1 }] },
    ],
    [
      'a sentiment out of range',
      {
        service: 'S',
        events: [
          { type: 'IntelligenceSignal__Sentiment', value: '1001', startTime: 1, participant: 'AGENT' },
        ],
      },
    ],
    [
      'a score out of range',
      {
        service: 'S',
        events: [{ type: 'IntelligenceSignal__Category', value: 'A', startTime: 1, score: 2000 }],
      },
    ],
    ['no service', { events: [{ type: 'IntelligenceSignal__Category', value: 'A', startTime: 1 }] }],
  ];
  it.each(bad)('answers 400 for %s, storing nothing', async (_name, body) => {
    const answer = await events(body);
    expect([answer.status, errorCode(answer)]).toEqual([400, 'INVALID_REQUEST']);
    expect(byKey(key).conversationEvents).toEqual([]);
  });
});
