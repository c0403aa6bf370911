/**
 * A real call's recording in object storage: the embedded media plane mixes a caller (plain RTP) and
 * an agent's softphone (WebRTC), each sending its tone, and at the call's end the recording is
 * uploaded to a local S3-compatible server (s3Server.ts, real SigV4); the call's presigned recording
 * location and the agent's signed link both return that WAV, with both tones in it.
 */
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWav } from '../src/media/wav.ts';
import { eventually } from './harness.ts';
import { useMediaService, until } from './mediaContext.ts';
import { toneShare } from './rtpPhone.ts';
import { BUCKET, startS3Server, type S3Server } from './s3Server.ts';

const CALLER = 600;
const AGENT = 1000;

let s3: S3Server;
beforeAll(async () => {
  s3 = await startS3Server();
});
afterAll(async () => {
  await s3?.close();
});

describe('media: recordings in S3', () => {
  const ctx = useMediaService({ agents: 1, s3: () => s3.config() });

  it("a call's recording is uploaded under its contact center; its presigned location and the signed link return it", async () => {
    const a = await ctx.agent(0);
    const { phone: agentPhone } = await ctx.station(a, AGENT);
    const { callId, caller } = await ctx.connectedCall(a, CALLER);
    await until(() => agentPhone.hears(CALLER, 0.8) && caller.hears(AGENT, 0.8), 'both to hear each other');
    await new Promise((r) => setTimeout(r, 2000));
    await a.request('endCall', { callId });
    const recording = await eventually(async () => {
      const d = await ctx.sim.get<{ recording: { url: string | null; durationSeconds: number | null } }>(
        `/calls/${callId}`,
      );
      return d.body.recording.url ? d.body.recording : undefined;
    }, 'the recording');

    const key = `recordings/${ctx.tenant.ccId}/${callId}-call.wav`;
    expect(recording.url!.startsWith(`${s3.endpoint}/${BUCKET}/${key}?`)).toBe(true);
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(head.ContentType).toBe('audio/wav');

    const res = await fetch(recording.url!);
    expect(res.status).toBe(200);
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.subarray(0, 4).toString('latin1')).toBe('RIFF');
    const wav = readWav(body);
    expect(wav.samples.length / 8000).toBeGreaterThanOrEqual(2);
    expect(Math.abs(wav.samples.length / 8000 - recording.durationSeconds!)).toBeLessThanOrEqual(0.5);
    const mid = wav.samples.subarray(8000, 16000);
    expect(toneShare(mid, CALLER)).toBeGreaterThan(0.3);
    expect(toneShare(mid, AGENT)).toBeGreaterThan(0.3);

    const link = await a.request<{ path: string }>('getSignedRecordingUrl', { callId });
    const redirect = await fetch(new URL(link.path, ctx.run.baseUrl), { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get('location')!;
    expect(location.startsWith(`${s3.endpoint}/${BUCKET}/${key}?`)).toBe(true);
    expect(Buffer.from(await (await fetch(location)).arrayBuffer()).equals(body)).toBe(true);
  });
});
