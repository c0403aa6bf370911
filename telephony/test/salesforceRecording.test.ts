/**
 * Issue 12, item 13: a recorded call's final update waits (bounded) for the recording, so Salesforce
 * gets one update (the Update page: "Don't run this API call more than one time").
 */
import { describe, expect, it } from 'vitest';
import { useSalesforce } from './salesforceContext.ts';

const rec = useSalesforce({ agents: 1, salesforce: { recordingWaitMs: 30_000 } });

describe('a recording published after the call ends (item 13)', () => {
  it('joins the final update, sent once; without a recording the update goes after a bounded wait', async () => {
    const ada = await rec.agent(0);
    const { callId } = await rec.connectedCall(ada);
    await rec.advance(10_000);
    await ada.request('endCall', { callId });
    await rec.advance(5_000);
    await rec.sim.post(`/calls/${callId}/recording`, {
      url: 'https://rec.example/13.wav',
      durationSeconds: 15,
    });
    const record = await rec.record(callId, (r) => r.fields.isActiveCall === false);
    expect(record.updates).toHaveLength(1);
    expect(record.updates[0]!.body).toMatchObject({
      isActiveCall: false,
      recordingLocation: 'https://rec.example/13.wav',
      totalRecordingDuration: 15,
    });
    await rec.advance(60_000);
    expect((await rec.record(callId)).updates).toHaveLength(1);

    // No recording comes: the final update goes when the wait is over, without it.
    const second = await rec.connectedCall(ada, '+14155550131');
    await ada.request('endCall', { callId: second.callId });
    await rec.advance(10_000);
    expect((await rec.record(second.callId)).updates).toHaveLength(0);
    await rec.advance(25_000);
    const ended = await rec.record(second.callId, (r) => r.fields.isActiveCall === false);
    expect(ended.fields.recordingLocation).toBeUndefined();
  });
});
