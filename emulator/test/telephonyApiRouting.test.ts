/** Execute an Omni-Channel flow against the flow-rule table, and Clear Routing. */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { routeFlow } from '../src/telephonyApi/flowRules.ts';
import type { EmulatedVoiceCall, FlowRule } from '../src/telephonyApi/index.ts';
import {
  api,
  errorCode,
  inboundCall,
  newKeyPair,
  startFixture,
  type Fixture,
  type KeyPair,
} from './telephonyApiHarness.ts';

const AGENT = '005xx000001SvVfAAK';
const RULES: FlowRule[] = [
  { dialedNumber: '+14155550100', route: { type: 'queue', queueId: 'SupportQueue' } },
  { dialedNumber: '+14155550199', flowDevName: 'Route_VIP', route: { type: 'agent', userId: AGENT } },
  { flowDevName: 'Transfer_To_Sales', route: { type: 'queue', queueId: 'ext-sales' } },
  { flowDevName: 'Transfer_To_Agent', route: { type: 'agent', userId: AGENT } },
];

describe('the flow-rule table (pure)', () => {
  it('follows the documented precedence: phone channel, then flow, then fallback queue', () => {
    expect(
      routeFlow(RULES, {
        dialedNumber: '+14155550100',
        flowDevName: 'Transfer_To_Sales',
        fallbackQueue: 'F',
      }),
    ).toEqual({
      route: { type: 'queue', queueId: 'SupportQueue' },
      matchedBy: 'dialedNumber',
    });
    expect(
      routeFlow(RULES, { dialedNumber: '+14155550111', flowDevName: 'Transfer_To_Sales' })?.matchedBy,
    ).toBe('flowDevName');
    expect(routeFlow(RULES, { dialedNumber: '+14155550199', fallbackQueue: 'F' })).toEqual({
      route: { type: 'queue', queueId: 'F' },
      matchedBy: 'fallbackQueue',
    });
    expect(routeFlow(RULES, { dialedNumber: '+14155550199', flowDevName: 'Route_VIP' })?.route).toEqual({
      type: 'agent',
      userId: AGENT,
    });
    expect(routeFlow(RULES, { dialedNumber: '+14155550111' })).toBeNull();
  });
});

let keys: KeyPair;
let f: Fixture;
let token: string;
let voiceCallId: string;
let key: string;

beforeAll(async () => {
  keys = await newKeyPair();
});

beforeEach(async () => {
  f = await startFixture(keys);
  f.emulator.setFlowRules(RULES);
  token = await f.token();
  const body = inboundCall(f.clock.t);
  key = body.vendorCallKey as string;
  voiceCallId = (await api<{ voiceCallId: string }>(f.emulator, 'POST', '/voiceCalls', { token, body })).body
    .voiceCallId;
  return () => f.emulator.close();
});

const omniFlow = (callId: string, body: unknown) =>
  api(f.emulator, 'PATCH', `/voiceCalls/${callId}/omniFlow`, { token, body });
const clearRouting = (callId: string, body?: unknown) =>
  api(f.emulator, 'PATCH', `/voiceCalls/${callId}/clearRouting`, { token, body });
const record = (): EmulatedVoiceCall => {
  const found = f.emulator.voiceCalls().find((r) => r.voiceCallId === voiceCallId);
  if (!found) throw new Error('no record');
  return found;
};

describe('omniFlow', () => {
  it('routes by dialed number to a queue, records the execution and a pending routing', async () => {
    const answer = await omniFlow(voiceCallId, { dialedNumber: '+14155550100', fallbackQueue: 'Fallback' });
    expect(answer).toMatchObject({ status: 200, body: { queue: 'SupportQueue' } });
    expect(record().flowExecutions).toEqual([
      {
        at: f.clock.t,
        request: { dialedNumber: '+14155550100', fallbackQueue: 'Fallback' },
        route: { type: 'queue', queueId: 'SupportQueue' },
        matchedBy: 'dialedNumber',
      },
    ]);
    expect(record().pendingRouting).toEqual({
      route: { type: 'queue', queueId: 'SupportQueue' },
      createdAt: f.clock.t,
    });
  });

  it('routes a transfer by flow name to an agent (by vendor call key), passing flow inputs', async () => {
    const answer = await omniFlow(key, {
      flowDevName: 'Transfer_To_Agent',
      flowInputParameters: { Reason: 'billing' },
    });
    expect(answer).toMatchObject({ status: 200, body: { agent: AGENT } });
    expect(record().flowExecutions[0]).toMatchObject({
      matchedBy: 'flowDevName',
      request: { flowInputParameters: { Reason: 'billing' } },
    });
  });

  it('falls back to the fallback queue when no rule matches; a second execution replaces the pending routing', async () => {
    await omniFlow(voiceCallId, { dialedNumber: '+14155550100' });
    f.clock.advance(1000);
    const answer = await omniFlow(voiceCallId, {
      dialedNumber: '+14155550123',
      fallbackQueue: '00G000000000007',
    });
    expect(answer).toMatchObject({ status: 200, body: { queue: '00G000000000007' } });
    expect(record().flowExecutions.map((e) => e.matchedBy)).toEqual(['dialedNumber', 'fallbackQueue']);
    expect(record().pendingRouting).toEqual({
      route: { type: 'queue', queueId: '00G000000000007' },
      createdAt: f.clock.t,
    });
  });

  it('refuses a fallbackQueue that is not a Salesforce queue developer name or id, recording nothing', async () => {
    for (const fallbackQueue of ['QU-x7_9a', '9Queue', 'Bad__Name', 'Trailing_']) {
      const answer = await omniFlow(voiceCallId, { dialedNumber: '+14155550123', fallbackQueue });
      expect([answer.status, errorCode(answer)]).toEqual([400, 'INVALID_REQUEST']);
    }
    expect(record()).toMatchObject({ flowExecutions: [], pendingRouting: null });
    const named = await omniFlow(voiceCallId, {
      dialedNumber: '+14155550123',
      fallbackQueue: 'Billing_Queue',
    });
    expect(named).toMatchObject({ status: 200, body: { queue: 'Billing_Queue' } });
  });

  it('answers the documented errors body when nothing routes, recording nothing', async () => {
    const answer = await omniFlow(voiceCallId, { dialedNumber: '+14155550123' });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ errors: [expect.stringContaining('fallback')] });
    expect(record()).toMatchObject({ flowExecutions: [], pendingRouting: null });
  });

  it('answers 400 without dialedNumber or flowDevName, for unknown fields, and on a closed conversation', async () => {
    const before = f.emulator.voiceCalls();
    expect((await omniFlow(voiceCallId, { fallbackQueue: 'Q' })).status).toBe(400);
    expect((await omniFlow(voiceCallId, { dialedNumber: '+14155550100', queue: 'Q' })).status).toBe(400);
    expect(f.emulator.voiceCalls()).toEqual(before);
    await api(f.emulator, 'PATCH', `/voiceCalls/${voiceCallId}`, { token, body: { isActiveCall: false } });
    const closed = await omniFlow(voiceCallId, { dialedNumber: '+14155550100' });
    expect([closed.status, errorCode(closed)]).toEqual([400, 'INVALID_REQUEST']);
  });

  it('answers 404 for an unknown call', async () => {
    expect((await omniFlow('no-such-call', { dialedNumber: '+14155550100' })).status).toBe(404);
  });
});

describe('clearRouting', () => {
  it('clears the pending routing (no body or an empty one), idempotently', async () => {
    await omniFlow(voiceCallId, { dialedNumber: '+14155550100' });
    f.clock.advance(5000);
    expect(await clearRouting(key)).toMatchObject({ status: 200, body: { status: 'cleared' } });
    expect(record()).toMatchObject({ pendingRouting: null, routingClears: [f.clock.t] });
    expect((await clearRouting(voiceCallId, {})).status).toBe(200);
    expect(record().routingClears).toEqual([f.clock.t]);
  });

  it('is cleared by the final update (isActiveCall false) too', async () => {
    await omniFlow(voiceCallId, { dialedNumber: '+14155550100' });
    await api(f.emulator, 'PATCH', `/voiceCalls/${voiceCallId}`, { token, body: { isActiveCall: false } });
    expect(record().pendingRouting).toBeNull();
  });

  it('takes no parameters and answers 404 for an unknown call', async () => {
    await omniFlow(voiceCallId, { dialedNumber: '+14155550100' });
    const withBody = await clearRouting(voiceCallId, { reason: 'abandoned' });
    expect([withBody.status, errorCode(withBody)]).toEqual([400, 'INVALID_REQUEST']);
    expect(record().pendingRouting).not.toBeNull();
    expect((await clearRouting('0LQ5g0000000000AAA')).status).toBe(404);
  });
});

it('refuses flow rules that route nowhere, keeping the table', async () => {
  expect(() => f.emulator.setFlowRules([{ route: { type: 'queue', queueId: 'Q' } }])).toThrow(
    /flowDevName or a dialedNumber/,
  );
  expect(() =>
    f.emulator.setFlowRules([{ flowDevName: 'F', route: { type: 'agent', userId: '' } }]),
  ).toThrow();
  expect((await omniFlow(voiceCallId, { dialedNumber: '+14155550100' })).body).toEqual({
    queue: 'SupportQueue',
  });
});
