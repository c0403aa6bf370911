/**
 * Set-up of the media tests: the real service with its media plane (a temporary data folder), a
 * tenant, agents over WebSocket, callers as plain RTP phones, agents' softphones as WebRTC (werift)
 * phones on the station endpoint.
 *
 * The media engine is the embedded one, or Janus (mediaEngineUnderTest.ts). A test that cannot pass
 * on Janus says why (`unlessJanus`), and is reported skipped there under that name.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect } from 'vitest';
import type { ContactCenterSettings } from '../src/domain/settings.ts';
import type { S3StoreConfig } from '../src/storage/s3RecordingStore.ts';
import type { SipOptions } from '../src/sip/sipService.ts';
import {
  AgentClient,
  Sim,
  createTenant,
  eventually,
  startService,
  testDatabase,
  type CallLike,
  type DatabaseHandle,
  type Running,
  type Tenant,
} from './harness.ts';
import { mediaEngineOptions } from './mediaEngineUnderTest.ts';
import { RtpPhone } from './rtpPhone.ts';

export { MEDIA_ENGINE, fileJanus, unlessJanus } from './mediaEngineUnderTest.ts';

export interface MediaCtx {
  dbh: DatabaseHandle;
  run: Running;
  tenant: Tenant;
  sim: Sim;
  dataDir: string;
  agent(i: number): Promise<AgentClient>;
  supervisor(): Promise<AgentClient>;
  /** A WebRTC phone sending `hz`, connected as `client`'s station. */
  station(client: AgentClient, hz: number | null): Promise<{ phone: RtpPhone; stationId: string }>;
  /** A plain RTP phone sending `hz`, connected as a phone-network participant of the call. */
  party(callId: string, participantId: string, hz: number | null): Promise<RtpPhone>;
  /** `c` goes available, a caller calls (its RTP phone sending `callerHz`) and `c` accepts. */
  connectedCall(
    c: AgentClient,
    callerHz: number,
  ): Promise<{ callId: string; callerId: string; agentLegId: string; caller: RtpPhone }>;
  /** The media plane's metric `name` (legs, conversations, recordings, stations, network_legs). */
  metric(name: string): Promise<number>;
  /**
   * Waits until the media plane holds no conversation, recording or phone-network leg, and only
   * `stations` stations (and their legs).
   */
  expectReleased(stations?: number): Promise<void>;
  /** Hangs up a station (DELETE); its HTTP status. */
  hangUpStation(client: AgentClient, stationId: string): Promise<number>;
}

export function useMediaService(
  options: {
    agents?: number;
    settings?: Partial<ContactCenterSettings>;
    webrtcConnectTimeoutMs?: number;
    rtpTimeoutMs?: number;
    /** Recordings in this bucket instead of the data folder. */
    s3?: () => S3StoreConfig;
    /** The service's SIP side too (docs/sip.md). */
    sip?: SipOptions;
  } = {},
): MediaCtx {
  const ctx = {} as MediaCtx;
  const clients: AgentClient[] = [];
  const phones: RtpPhone[] = [];
  beforeEach(async () => {
    ctx.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-media-'));
    ctx.dbh = testDatabase();
    ctx.run = await startService(ctx.dbh.db, {
      media: {
        dataDir: ctx.dataDir,
        sweepMs: 0,
        ...(await mediaEngineOptions()),
        ...(options.webrtcConnectTimeoutMs ? { webrtcConnectTimeoutMs: options.webrtcConnectTimeoutMs } : {}),
        ...(options.rtpTimeoutMs ? { rtpTimeoutMs: options.rtpTimeoutMs } : {}),
      },
      ...(options.s3 ? { recordings: { dataDir: ctx.dataDir, sweepMs: 0, s3: options.s3() } } : {}),
      ...(options.sip ? { sip: options.sip } : {}),
    });
    ctx.tenant = await createTenant(ctx.dbh.db, {
      agents: options.agents ?? 3,
      settings: options.settings ?? {},
    });
    ctx.sim = new Sim(ctx.run);
    const login = async (username: string) => {
      const c = await AgentClient.login(ctx.run, ctx.tenant, username);
      clients.push(c);
      return c;
    };
    ctx.agent = (i) => login(ctx.tenant.agents[i]!.username);
    ctx.supervisor = () => login(ctx.tenant.supervisor.username);
    ctx.station = async (client, hz) => {
      const { phone, offer, answer } = await RtpPhone.webrtc(hz);
      phones.push(phone);
      const res = await fetch(`${ctx.run.baseUrl}/media/v1/station`, {
        method: 'POST',
        headers: { authorization: `Bearer ${client.token}`, 'content-type': 'application/sdp' },
        body: offer,
      });
      expect(res.status).toBe(201);
      expect(res.headers.get('content-type')).toMatch(/^application\/sdp/);
      const location = res.headers.get('location') ?? '';
      expect(location).toMatch(/^\/media\/v1\/station\/ST/);
      await answer(await res.text());
      return { phone, stationId: location.split('/').pop() as string };
    };
    ctx.party = async (callId, participantId, hz) => {
      const phone = await RtpPhone.open(hz);
      phones.push(phone);
      const res = await ctx.sim.post<{ rtp: { address: string; port: number }; codec: string }>(
        `/calls/${callId}/participants/${participantId}/media`,
        { rtp: phone.address },
      );
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body).toMatchObject({
        codec: 'PCMU',
        payloadType: 0,
        telephoneEventPayloadType: 101,
        ptimeMs: 20,
      });
      phone.start(res.body.rtp);
      return phone;
    };
    ctx.connectedCall = async (c, callerHz) => {
      await c.goAvailable();
      const callId = await ctx.sim.call('+14155550123', ctx.tenant.number);
      const detail = await ctx.sim.get<{ participants: Array<{ id: string; role: string }> }>(
        `/calls/${callId}`,
      );
      const callerId = detail.body.participants.find((p) => p.role === 'initial_caller')!.id;
      const caller = await ctx.party(callId, callerId, callerHz);
      await c.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callId);
      const { call } = await c.request<{
        call: CallLike & { participants: Array<{ id: string; role: string }> };
      }>('acceptCall', { callId });
      const agentLegId = call.participants.find((p) => p.role === 'agent')!.id;
      return { callId, callerId, agentLegId, caller };
    };
    ctx.metric = async (name) => {
      const text = await (await fetch(`${ctx.run.baseUrl}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(`switchboard_media_${name} `));
      if (!line) throw new Error(`no metric ${name}`);
      return Number(line.split(' ')[1]);
    };
    ctx.expectReleased = async (stations = 0) => {
      const want: Record<string, number> = {
        legs: stations,
        conversations: 0,
        recordings: 0,
        stations,
        network_legs: 0,
      };
      let last: Record<string, number> = {};
      await eventually(async () => {
        last = {};
        for (const m of Object.keys(want)) last[m] = await ctx.metric(m);
        return Object.keys(want).every((m) => last[m] === want[m]);
      }, 'the media plane to release everything').catch(() => {
        expect(last).toEqual(want);
      });
    };
    ctx.hangUpStation = async (client, stationId) => {
      const res = await fetch(`${ctx.run.baseUrl}/media/v1/station/${stationId}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${client.token}` },
      });
      return res.status;
    };
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const p of phones.splice(0)) await p.close().catch(() => undefined);
    try {
      await ctx.run?.stop();
    } finally {
      await ctx.dbh?.destroy();
      fs.rmSync(ctx.dataDir, { recursive: true, force: true });
    }
  });
  return ctx;
}

/** Waits until `check` holds (audio takes a few frames to arrive after a change). */
export async function until(check: () => boolean, what: string, timeoutMs = 8000): Promise<void> {
  await eventually(() => check(), what, timeoutMs);
}
