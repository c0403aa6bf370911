/**
 * Media signaling refuses bad input with a documented error and holds nothing afterwards: the
 * station endpoint (agent session, SDP) and the simulator's party endpoint (SDP or plain RTP JSON).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AgentClient,
  createTenant,
  startService,
  testDatabase,
  type DatabaseHandle,
  type Running,
} from './harness.ts';
import { RtpPhone } from './rtpPhone.ts';
import { useMediaService, until } from './mediaContext.ts';

const GOOD_SHAPE_NO_PCMU = [
  'v=0',
  'o=- 1 1 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 8',
  'c=IN IP4 0.0.0.0',
  'a=rtpmap:8 PCMA/8000',
  'a=ice-ufrag:abcd',
  'a=ice-pwd:abcdefghijklmnopqrstuvwx',
  'a=fingerprint:sha-256 00:11',
  'a=setup:actpass',
  'a=candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host',
  '',
].join('\r\n');

async function postStation(run: Running, token: string | null, body: string, type = 'application/sdp') {
  const res = await fetch(`${run.baseUrl}/media/v1/station`, {
    method: 'POST',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': type },
    body,
  });
  return { status: res.status, body: (await res.json()) as { error: { code: string; message: string } } };
}

describe('media signaling: bad input', () => {
  const ctx = useMediaService();

  it('the station endpoint: no session 401, malformed or PCMU-less offers 400 INVALID_SDP, unknown station 404', async () => {
    const a = await ctx.agent(0);
    const { offer } = await RtpPhone.webrtc(null).then(async (w) => {
      await w.phone.close();
      return w;
    });
    expect((await postStation(ctx.run, null, offer)).status).toBe(401);
    const bad = await postStation(ctx.run, 'not-a-token', offer);
    expect(bad).toMatchObject({ status: 401, body: { error: { code: 'AUTHENTICATION_ERROR' } } });
    for (const sdp of [
      'hello',
      'v=0\r\ns=-\r\n',
      GOOD_SHAPE_NO_PCMU,
      offer.replace(/a=candidate:.*\r\n/g, ''),
    ]) {
      const r = await postStation(ctx.run, a.token, sdp);
      expect(r.status, sdp).toBe(400);
      expect(r.body.error.code).toBe('INVALID_SDP');
    }
    expect(
      (await postStation(ctx.run, a.token, JSON.stringify({ sdp: offer }), 'application/json')).body.error
        .code,
    ).toBe('INVALID_SDP');
    expect(await ctx.hangUpStation(a, 'STnope')).toBe(404);
    await ctx.expectReleased(0);
  });

  it("one agent cannot hang up another's station; a new station replaces the agent's previous one", async () => {
    const a = await ctx.agent(0);
    const b = await ctx.agent(1);
    const first = await ctx.station(a, 700);
    expect(await ctx.hangUpStation(b, first.stationId)).toBe(404);
    const second = await ctx.station(a, 700);
    expect(second.stationId).not.toBe(first.stationId);
    await ctx.expectReleased(1);
    expect(await ctx.hangUpStation(a, first.stationId)).toBe(404);
    expect(await ctx.hangUpStation(a, second.stationId)).toBe(204);
    await ctx.expectReleased(0);
  });

  it("logging out (or another login taking over) hangs up the agent's station", async () => {
    const a = await ctx.agent(0);
    await ctx.station(a, 700);
    await ctx.expectReleased(1);
    const res = await fetch(`${ctx.run.baseUrl}/agent/v1/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.token}` },
    });
    expect(res.status).toBe(200);
    await ctx.expectReleased(0);
    const b = await ctx.agent(1);
    await ctx.station(b, 700);
    await ctx.agent(1); // the same user logs in again: the first session is taken over
    await ctx.expectReleased(0);
  });

  it('the party endpoint: unknown call or participant 404, an agent leg 404, bad RTP JSON 400', async () => {
    const a = await ctx.agent(0);
    await ctx.station(a, 700);
    const { callId, callerId, agentLegId } = await ctx.connectedCall(a, 600);
    const post = (path: string, body: unknown) => ctx.sim.post<{ error: { code: string } }>(path, body);
    const rtp = { rtp: { address: '127.0.0.1', port: 40000 } };
    expect((await post(`/calls/CAnope/participants/${callerId}/media`, rtp)).status).toBe(404);
    expect((await post(`/calls/${callId}/participants/PAnope/media`, rtp)).status).toBe(404);
    expect((await post(`/calls/${callId}/participants/${agentLegId}/media`, rtp)).status).toBe(404);
    for (const body of [
      { rtp: { address: '127.0.0.1', port: 0 } },
      { rtp: { address: 'example.com', port: 4000 } },
      { rtp: { address: '127.0.0.1', port: 4000, extra: 1 } },
      { rtp: { address: '127.0.0.1' } },
      {},
    ]) {
      const r = await post(`/calls/${callId}/participants/${callerId}/media`, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe('INVALID_PARAMS');
    }
    const sdp = await fetch(`${ctx.run.baseUrl}/sim/v1/calls/${callId}/participants/${callerId}/media`, {
      method: 'POST',
      headers: { 'content-type': 'application/sdp' },
      body: 'v=0\r\n',
    });
    expect(sdp.status).toBe(400);
    expect(((await sdp.json()) as { error: { code: string } }).error.code).toBe('INVALID_SDP');
    const del = await fetch(`${ctx.run.baseUrl}/sim/v1/calls/${callId}/participants/PAnope/media`, {
      method: 'DELETE',
    });
    expect(del.status).toBe(404);
    // Only the caller's leg of the connected call (and the station) are held.
    expect(await ctx.metric('network_legs')).toBe(1);
    await a.request('endCall', { callId });
    await ctx.expectReleased(1);
  });

  it('a browser caller (SDP on the party endpoint) hears the agent; DELETE releases it', async () => {
    const a = await ctx.agent(0);
    await a.goAvailable();
    const { phone: agentPhone } = await ctx.station(a, 1000);
    const callId = await ctx.sim.call('+14155550123', ctx.tenant.number);
    const parts = await ctx.sim.get<{ participants: Array<{ id: string; role: string }> }>(
      `/calls/${callId}`,
    );
    const callerId = parts.body.participants.find((p) => p.role === 'initial_caller')!.id;
    const browser = await RtpPhone.webrtc(600);
    const path = `/sim/v1/calls/${callId}/participants/${callerId}/media`;
    const res = await fetch(`${ctx.run.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/sdp' },
      body: browser.offer,
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(path);
    await browser.answer(await res.text());
    await a.waitFor('CALL_STARTED');
    await a.request('acceptCall', { callId });
    await until(
      () => browser.phone.hears(1000, 0.8) && agentPhone.hears(600, 0.8),
      'both to hear each other',
    );
    expect((await fetch(`${ctx.run.baseUrl}${path}`, { method: 'DELETE' })).status).toBe(204);
    await until(() => agentPhone.hearsNo(600), 'the caller gone');
    expect(await ctx.metric('network_legs')).toBe(0);
    await browser.phone.close();
  });

  it('CORS: Salesforce origins may call the station endpoint (preflight and response headers)', async () => {
    const origin = 'https://acme.my.salesforce.com';
    const pre = await fetch(`${ctx.run.baseUrl}/media/v1/station`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(origin);
    expect(pre.headers.get('access-control-allow-methods')).toContain('DELETE');
    const refused = await fetch(`${ctx.run.baseUrl}/media/v1/station`, {
      method: 'POST',
      headers: { origin, 'content-type': 'application/sdp' },
      body: 'v=0',
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(origin);
    const other = await fetch(`${ctx.run.baseUrl}/media/v1/station`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('recording files need their signature', async () => {
    const res = await fetch(`${ctx.run.baseUrl}/media/v1/recordings/CAx-call.wav?sig=nope`);
    expect(res.status).toBe(404);
  });
});

describe('media signaling: a service without a media plane', () => {
  let dbh: DatabaseHandle;
  let run: Running;
  beforeEach(async () => {
    dbh = testDatabase();
    run = await startService(dbh.db);
  });
  afterEach(async () => {
    await run.stop();
    await dbh.destroy();
  });

  it('answers 503 MEDIA_UNAVAILABLE', async () => {
    const tenant = await createTenant(dbh.db, { agents: 1 });
    const a = await AgentClient.login(run, tenant, tenant.agents[0]!.username);
    const r = await postStation(run, a.token, 'v=0');
    expect(r).toMatchObject({ status: 503, body: { error: { code: 'MEDIA_UNAVAILABLE' } } });
    a.close();
  });
});
