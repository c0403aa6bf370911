/**
 * Issue 12: a slow Salesforce and an outage, played against the API stand-in: one create in flight per
 * call, routing after a bounded wait, recovery by probing, late records created by Update.
 */
import { describe, expect, it } from 'vitest';
import { eventually } from './harness.ts';
import { useSalesforce } from './salesforceContext.ts';

const slow = useSalesforce({ agents: 2, salesforce: { createTimeoutMs: 50, requestTimeoutMs: 30_000 } });

describe('a slow Salesforce (item 10)', () => {
  it('one create in flight per call; the call rings after the bounded wait, and no second create follows', async () => {
    const ada = await slow.agent(0);
    await ada.goAvailable();
    slow.emulator.setLatency(600);
    const callId = await slow.sim.call('+14155550400', slow.tenant.number);
    await ada.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callId);
    await slow.record(callId);
    slow.emulator.setLatency(0);
    await slow.advance(20_000);
    await slow.advance(60_000);
    const creates = slow.emulator
      .requests()
      .filter((r) => r.path === '/telephony/v1/voiceCalls' && r.method === 'POST');
    expect(creates).toHaveLength(1);
    expect(slow.emulator.voiceCalls().filter((r) => r.vendorCallKey === callId)).toHaveLength(1);
  });
});

describe('recovery after an outage (item 11)', () => {
  it('within seconds of Salesforce answering again, and a call that ended meanwhile is created by Update', async () => {
    const ada = await slow.agent(0);
    await ada.goAvailable();
    slow.emulator.goDown(130);
    const callId = await slow.sim.call('+14155550500', slow.tenant.number);
    await ada.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callId);
    // The inline create's attempts are over: the outbox has the create.
    await eventually(
      () => slow.logs.some((l) => l.includes('routed anyway')),
      'the inline create to give up',
    );
    await ada.request('acceptCall', { callId });
    await slow.advance(5_000);
    await ada.request('endCall', { callId });
    // The waiting requests back off to the cap (60 s) during the outage.
    for (let t = 5; t < 125; t += 10) await slow.advance(10_000);
    expect(slow.emulator.voiceCalls()).toEqual([]);
    // Salesforce answers again (t = 130 s): a probe finds it within seconds, everything waiting goes.
    await slow.advance(7_000);
    const record = await slow.record(callId, (r) => r.fields.isActiveCall === false);
    expect(record.fields).toMatchObject({ fromNumber: '+14155550500', isActiveCall: false });
    const creates = slow.emulator
      .requests()
      .filter((r) => r.method === 'POST' && r.path === '/telephony/v1/voiceCalls');
    expect(creates.every((r) => r.status === 503)).toBe(true);
    expect(await slow.dbh.db.selectFrom('salesforce_outbox').selectAll().execute()).toEqual([]);
  });
});
