/** The recording a call's media made reaches Salesforce: its URL and its real duration. */
import { describe, expect, it } from 'vitest';
import { readWav } from '../src/media/wav.ts';
import { eventually } from './harness.ts';
import { RtpPhone } from './rtpPhone.ts';
import { useSalesforce } from './salesforceContext.ts';

const ctx = useSalesforce({ agents: 1, media: true });

describe('media and the Salesforce sync', () => {
  it('the VoiceCall gets the recording URL and the totalRecordingDuration measured from the media', async () => {
    const a = await ctx.agent(0);
    const { callId, callerId } = await ctx.connectedCall(a);
    const caller = await RtpPhone.open(600);
    const res = await ctx.sim.post<{ rtp: { address: string; port: number } }>(
      `/calls/${callId}/participants/${callerId}/media`,
      { rtp: caller.address },
    );
    expect(res.status).toBe(201);
    caller.start(res.body.rtp);
    try {
      await new Promise((r) => setTimeout(r, 2600));
      await a.request('endCall', { callId });
      const detail = await eventually(async () => {
        const d = await ctx.sim.get<{ recording: { url: string | null; durationSeconds: number | null } }>(
          `/calls/${callId}`,
        );
        return d.body.recording.url ? d.body.recording : undefined;
      }, 'the recording');
      const wav = readWav(
        Buffer.from(await (await fetch(new URL(detail.url!, ctx.run.baseUrl))).arrayBuffer()),
      );
      const seconds = Math.round(wav.samples.length / 8000);
      expect(seconds).toBeGreaterThanOrEqual(2);
      expect(detail.durationSeconds).toBe(seconds);
      // The agent's signed, expiring link (getSignedRecordingUrl) leads to the same WAV.
      const link = await a.request<{ path: string; durationSeconds: number }>('getSignedRecordingUrl', {
        callId,
      });
      expect(link.durationSeconds).toBe(seconds);
      const viaLink = await fetch(new URL(link.path, ctx.run.baseUrl));
      expect(viaLink.status).toBe(200);
      expect(readWav(Buffer.from(await viaLink.arrayBuffer())).samples.length).toBe(wav.samples.length);
      for (let i = 0; i < 20; i++) await ctx.advance(1000);
      const record = await ctx.record(callId, (r) => r.fields.totalRecordingDuration !== undefined);
      expect(record.fields).toMatchObject({ totalRecordingDuration: seconds, recordingLocation: detail.url });
    } finally {
      await caller.close();
    }
  });
});
