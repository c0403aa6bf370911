/**
 * Recording storage at the level Salesforce and agents meet it (docs/media.md, "Recording storage"):
 * against a local S3-compatible server that checks the AWS SDK's real SigV4 signing (s3Server.ts), a
 * call's recording lands in the bucket under its contact center, its presigned URL returns the WAV and
 * a tampered or expired one is refused; the service's signed link and the admin API's signed URLs lead
 * only to the call's own object; deletion and retention remove it — in S3 and in the local folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordingSettings, SignedUrl } from '../src/contracts/adminApi.ts';
import { publishCallRecording } from '../src/engine/index.ts';
import { readWav, WavWriter } from '../src/media/wav.ts';
import { RecordingArchive } from '../src/storage/recordingArchive.ts';
import { tokenOf, useAdmin, type AdminCtx, type ErrorAnswer } from './adminContext.ts';
import type { Tenant } from './harness.ts';
import { storeRecording } from './recordingFixture.ts';
import { BUCKET, startS3Server, type S3Server } from './s3Server.ts';

let s3: S3Server;
beforeAll(async () => {
  s3 = await startS3Server();
});
afterAll(async () => {
  await s3?.close();
});

/** An inbound call an agent of `tenant` accepts and ends; its id. */
async function endedCall(ctx: AdminCtx, tenant: Tenant): Promise<string> {
  const agent = await ctx.login(tenant, 'agent1');
  await agent.goAvailable();
  const callId = await ctx.sim.call('+14155550123', tenant.number);
  await agent.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callId);
  await agent.request('acceptCall', { callId });
  await agent.request('endCall', { callId });
  agent.close();
  return callId;
}

async function recordedCall(ctx: AdminCtx, tenant: Tenant, seconds = 3): Promise<string> {
  const callId = await endedCall(ctx, tenant);
  await storeRecording(ctx.run.service, { callId, contactCenterId: tenant.ccId }, seconds);
  return callId;
}

const objectKey = (tenant: Tenant, callId: string) => `recordings/${tenant.ccId}/${callId}-call.wav`;

async function inBucket(key: string): Promise<boolean> {
  try {
    await s3.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    return true;
  } catch (err) {
    if ((err as { name?: string }).name === 'NotFound') return false;
    throw err;
  }
}

/** Fetches a URL expecting a WAV: its RIFF header checked, its samples. */
async function wavAt(url: string): Promise<Int16Array> {
  const res = await fetch(url);
  expect(res.status, url).toBe(200);
  const body = Buffer.from(await res.arrayBuffer());
  expect(body.subarray(0, 4).toString('latin1')).toBe('RIFF');
  expect(body.subarray(8, 12).toString('latin1')).toBe('WAVE');
  const wav = readWav(body);
  expect(wav.sampleRate).toBe(8000);
  return wav.samples;
}

async function signed(ctx: AdminCtx, keys: string[], expiresInMinutes?: number): Promise<SignedUrl[]> {
  const res = await ctx.api.post<{ items: SignedUrl[] }>('/recordings/signed-urls', {
    vendorCallKeys: keys,
    ...(expiresInMinutes ? { expiresInMinutes } : {}),
  });
  expect(res.status).toBe(200);
  return res.body.items;
}

describe('recordings in S3 (a local S3-compatible server, real SigV4)', () => {
  const ctx = useAdmin({ s3: () => s3.config() });

  it("a call's recording lands in the bucket under its contact center; its presigned location returns the WAV", async () => {
    const callId = await recordedCall(ctx, ctx.tenant, 3);
    const head = await s3.client.send(
      new HeadObjectCommand({ Bucket: BUCKET, Key: objectKey(ctx.tenant, callId) }),
    );
    expect([head.ContentType, head.ContentLength]).toEqual(['audio/wav', 44 + 3 * 8000 * 2]);
    const detail = await ctx.sim.get<{ recording: { url: string; durationSeconds: number } }>(
      `/calls/${callId}`,
    );
    const location = new URL(detail.body.recording.url);
    expect(`${location.origin}${location.pathname}`).toBe(
      `${s3.endpoint}/${BUCKET}/${objectKey(ctx.tenant, callId)}`,
    );
    expect(location.searchParams.get('X-Amz-Expires')).toBe(String(7 * 24 * 3600));
    expect(location.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(detail.body.recording.durationSeconds).toBe(3);
    expect((await wavAt(location.href)).length).toBe(3 * 8000);
  });

  it('refuses a tampered or an expired presigned URL', async () => {
    const callId = await recordedCall(ctx, ctx.tenant, 1);
    const theirs = await recordedCall(ctx, ctx.other, 1);
    const url = (await signed(ctx, [callId]))[0]!.url!;
    expect((await wavAt(url)).length).toBe(8000);
    const sig = new URL(url).searchParams.get('X-Amz-Signature')!;
    const flipped = url.replace(sig, `${sig.slice(0, -1)}${sig.endsWith('0') ? '1' : '0'}`);
    const tampered = await fetch(flipped);
    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toContain('SignatureDoesNotMatch');
    // The same signature on another tenant's object.
    const moved = url.replace(objectKey(ctx.tenant, callId), objectKey(ctx.other, theirs));
    expect((await fetch(moved)).status).toBe(403);
    const shortLived = await ctx.run.service.recordings!.s3!.presign(objectKey(ctx.tenant, callId), 1);
    await new Promise((r) => setTimeout(r, 2100));
    const expired = await fetch(shortLived);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('Request has expired');
  });

  it("the signed link redirects to a presigned URL of the call's own object, and nowhere else", async () => {
    const agent = await ctx.login(ctx.tenant, 'agent2');
    const callId = await recordedCall(ctx, ctx.tenant, 2);
    const theirs = await recordedCall(ctx, ctx.other, 2);
    const follow = async () => {
      const link = await agent.request<{ path: string }>('getSignedRecordingUrl', { callId });
      return fetch(`${ctx.run.baseUrl}${link.path}`, { redirect: 'manual' });
    };
    const res = await follow();
    expect(res.status).toBe(302);
    const location = res.headers.get('location')!;
    expect(location.startsWith(`${s3.endpoint}/${BUCKET}/${objectKey(ctx.tenant, callId)}?`)).toBe(true);
    expect((await wavAt(location)).length).toBe(2 * 8000);

    // A URL stored on the call (here another tenant's presigned URL) is not where the link leads.
    const theirUrl = (await ctx.sim.get<{ recording: { url: string } }>(`/calls/${theirs}`)).body.recording
      .url;
    await ctx.dbh.db.updateTable('calls').set({ recording_url: theirUrl }).where('id', '=', callId).execute();
    expect((await follow()).headers.get('location')).toContain(objectKey(ctx.tenant, callId));
    // A catalog row that names another tenant's object (or is another tenant's) is not followed.
    const row = { id: `${callId}-call` };
    await ctx.dbh.db
      .updateTable('recordings')
      .set({ object_key: objectKey(ctx.other, theirs) })
      .where('id', '=', row.id)
      .execute();
    const crossed = await follow();
    expect([crossed.status, crossed.headers.get('location')]).toEqual([404, null]);
    await ctx.dbh.db
      .updateTable('recordings')
      .set({ object_key: objectKey(ctx.tenant, callId), contact_center_id: ctx.other.ccId })
      .where('id', '=', row.id)
      .execute();
    expect((await follow()).status).toBe(404);
    expect((await signed(ctx, [callId]))[0]!.errorCode).toBe(404);
  });

  it('the admin API signs presigned URLs of the bucket, and DELETE removes the recording from it', async () => {
    const callId = await recordedCall(ctx, ctx.tenant, 2);
    const [item] = await signed(ctx, [callId], 5);
    expect(item).toMatchObject({ vendorCallKey: callId, expiresInMinutes: 5, errorCode: null });
    const url = new URL(item!.url!);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(url.pathname).toBe(`/${BUCKET}/${objectKey(ctx.tenant, callId)}`);
    expect((await wavAt(url.href)).length).toBe(2 * 8000);
    const agent = await ctx.login(ctx.tenant, 'agent2');
    const link = await agent.request<{ path: string }>('getSignedRecordingUrl', { callId });

    // Another account cannot delete it; nothing changes.
    const stranger = await ctx.otherApi.delete<ErrorAnswer>(`/recordings/${callId}`);
    expect([stranger.status, stranger.body.error.code]).toEqual([404, 'NOT_FOUND']);
    expect(await inBucket(objectKey(ctx.tenant, callId))).toBe(true);

    const deleted = await ctx.api.delete(`/recordings/${callId}`);
    expect(deleted.status).toBe(204);
    expect(await inBucket(objectKey(ctx.tenant, callId))).toBe(false);
    expect((await fetch(url.href)).status).toBe(404);
    // Within the hour after the call, yet 404 (deleted; Salesforce stops asking), not 409.
    expect((await signed(ctx, [callId]))[0]).toEqual({
      vendorCallKey: callId,
      url: null,
      expiresInMinutes: null,
      errorCode: 404,
    });
    expect((await fetch(`${ctx.run.baseUrl}${link.path}`, { redirect: 'manual' })).status).toBe(404);
    expect((await agent.refuse('getSignedRecordingUrl', { callId })).code).toBe('INVALID_PARAMS');
    expect((await ctx.api.delete<ErrorAnswer>(`/recordings/${callId}`)).status).toBe(404);
  });

  it('a recording the bucket refuses is kept in the data folder, and its link serves it', async () => {
    const callId = await endedCall(ctx, ctx.tenant);
    const logged: string[] = [];
    const denied = new RecordingArchive(ctx.dbh.db, ctx.clock, {
      dataDir: ctx.dataDir,
      s3: s3.config({ credentials: { accessKeyId: 'WRONG', secretAccessKey: 'WRONG' } }),
      sweepMs: 0,
      log: (m) => logged.push(m),
    });
    const spool = path.join(ctx.dataDir, 'spool.wav');
    const writer = new WavWriter(spool);
    writer.write(new Int16Array(8000).fill(1000));
    writer.close();
    const { url } = await denied.save(
      { key: `${callId}-call`, callId, contactCenterId: ctx.tenant.ccId },
      spool,
    );
    await denied.close();
    expect(url).toMatch(new RegExp(`^/media/v1/recordings/${callId}-call\\.wav\\?sig=`));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('kept in the data folder');
    expect(fs.existsSync(path.join(ctx.dataDir, 'recordings', `${callId}-call.wav`))).toBe(true);
    expect(await inBucket(objectKey(ctx.tenant, callId))).toBe(false);
    await publishCallRecording(ctx.run.service.engine, ctx.tenant.ccId, callId, { url, durationSeconds: 1 });
    const agent = await ctx.login(ctx.tenant, 'agent2');
    const link = await agent.request<{ path: string }>('getSignedRecordingUrl', { callId });
    expect((await wavAt(`${ctx.run.baseUrl}${link.path}`)).length).toBe(8000);
  });

  it('retention: recordingRetentionDays through the admin API; the sweep deletes expired recordings from the bucket', async () => {
    const settings = `/contact-centers/${ctx.tenant.ccId}/recording-settings`;
    expect((await ctx.api.get<RecordingSettings>(settings)).body).toEqual({
      recordingDefault: true,
      recordingRetentionDays: 0,
    });
    const old = await recordedCall(ctx, ctx.tenant, 1);
    const theirs = await recordedCall(ctx, ctx.other, 1);
    expect((await ctx.api.request('PATCH', settings, { recordingRetentionDays: 2 })).body).toEqual({
      recordingDefault: true,
      recordingRetentionDays: 2,
    });
    ctx.clock.advance(86_400_000);
    const recent = await recordedCall(ctx, ctx.tenant, 1);
    ctx.clock.advance(86_400_000);
    expect(await ctx.run.service.recordings!.sweep()).toBe(1);
    expect(await inBucket(objectKey(ctx.tenant, old))).toBe(false);
    expect(await inBucket(objectKey(ctx.tenant, recent))).toBe(true);
    // The other account keeps its recordings (its retention is 0: kept).
    expect(await inBucket(objectKey(ctx.other, theirs))).toBe(true);
    ctx.api.token = await tokenOf(ctx.run, ctx.client);
    expect((await signed(ctx, [old, recent])).map((i) => i.errorCode)).toEqual([404, null]);
  });
});

describe('recordings in the local folder', () => {
  const ctx = useAdmin();

  it('retention and DELETE remove the file; bad settings are refused with 400 and change nothing', async () => {
    const settings = `/contact-centers/${ctx.tenant.ccId}/recording-settings`;
    for (const body of [
      { recordingRetentionDays: -1 },
      { recordingRetentionDays: 3651 },
      { recordingRetentionDays: 1.5 },
      { recordingRetentionDays: '30' },
      { recordingRetentionDays: null },
      { recordingDefault: 'yes' },
      { ringTimeoutSeconds: 10 },
      {},
    ]) {
      const res = await ctx.api.request<ErrorAnswer>('PATCH', settings, body);
      expect([res.status, res.body.error.code], JSON.stringify(body)).toEqual([400, 'INVALID_PARAMS']);
    }
    expect((await ctx.api.get<RecordingSettings>(settings)).body.recordingRetentionDays).toBe(0);
    expect((await ctx.api.get(`/contact-centers/CCnobody/recording-settings`)).status).toBe(404);
    expect((await ctx.otherApi.get(settings)).status).toBe(404);

    const file = (callId: string) => path.join(ctx.dataDir, 'recordings', `${callId}-call.wav`);
    const old = await recordedCall(ctx, ctx.tenant, 1);
    const deleted = await recordedCall(ctx, ctx.tenant, 1);
    expect(fs.existsSync(file(old)) && fs.existsSync(file(deleted))).toBe(true);
    const items = await signed(ctx, [deleted]);
    expect(items[0]!.url).toContain(`/recordings/v1/${deleted}?`);
    expect((await ctx.api.delete(`/recordings/${deleted}`)).status).toBe(204);
    expect(fs.existsSync(file(deleted))).toBe(false);
    expect((await fetch(items[0]!.url!)).status).toBe(404);

    expect((await ctx.api.request('PATCH', settings, { recordingRetentionDays: 1 })).status).toBe(200);
    ctx.clock.advance(86_400_000 - 1);
    expect(await ctx.run.service.recordings!.sweep()).toBe(0);
    expect(fs.existsSync(file(old))).toBe(true);
    ctx.clock.advance(1);
    expect(await ctx.run.service.recordings!.sweep()).toBe(1);
    expect(fs.existsSync(file(old))).toBe(false);
    const detail = await ctx.sim.get<{ recording: { url: string | null } }>(`/calls/${old}`);
    expect(detail.body.recording.url).toBeNull();
  });
});
