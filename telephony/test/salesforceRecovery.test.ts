/**
 * Issue 12: a slow Salesforce and an outage, played against the API stand-in: one create in flight per
 * call, routing after a bounded wait, recovery by probing, late records created by Update.
 */
import { describe, expect, it } from 'vitest';
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
