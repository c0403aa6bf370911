/** What the service offers the connector: the message relay, signed recording links, CORS for login. */
import { describe, expect, it } from 'vitest';
import { RECORDING_LINK_TTL_MS, recordingSignature } from '../src/engine/recordingLinks.ts';
import { buildService } from '../src/server.ts';
import { useService } from './context.ts';
import { createTenant, credentials, eventSeqOf, type AgentClient } from './harness.ts';

const ctx = useService({ agents: 2 });

const VF_ORIGIN = 'https://acme--c.vf.force.com';

async function callWithRecording(a: AgentClient): Promise<string> {
  const { callId } = await ctx.connectedCall(a);
  await a.request('endCall', { callId });
  const published = await ctx.sim.post(`/calls/${callId}/recording`, {
    url: 'https://media.example.com/rec/1.wav',
    durationSeconds: 42,
  });
  expect(published.status).toBe(200);
  return callId;
}

describe('the message relay', () => {
  it('sendMessage reaches the inbox the simulator reads; a malformed one is refused', async () => {
    const a = await ctx.agent(0);
    expect(await a.request('sendMessage', { message: { kind: 'note', n: 1 } })).toEqual({ ok: true });
    expect(await a.request('sendMessage', { message: 'plain text' })).toEqual({ ok: true });
    const refused = await a.refuse('sendMessage', { text: 'no message field' });
    expect(refused.code).toBe('INVALID_PARAMS');
    const inbox = await ctx.sim.get<{ messages: Array<{ message: unknown }> }>(
      `/agents/${a.userId}/messages`,
    );
    expect(inbox.body.messages.map((m) => m.message)).toEqual([{ kind: 'note', n: 1 }, 'plain text']);
    const other = await ctx.sim.get<{ messages: unknown[] }>(`/agents/${ctx.tenant.agents[1]!.id}/messages`);
    expect(other.body.messages).toEqual([]);
    expect((await ctx.sim.get('/agents/USnobody/messages')).status).toBe(404);
  });

  it('the simulator sends an agent a MESSAGE event; a bad body changes nothing', async () => {
    const a = await ctx.agent(0);
    const sent = await ctx.sim.post(`/agents/${a.userId}/messages`, { message: { screenPop: '003xx' } });
    expect(sent.status).toBe(200);
    expect((await a.waitFor('MESSAGE')).data).toEqual({ message: { screenPop: '003xx' } });
    const seq = await eventSeqOf(ctx.dbh.db, a.userId);
    expect((await ctx.sim.post(`/agents/${a.userId}/messages`, { msg: 1 })).status).toBe(400);
    expect((await ctx.sim.post('/agents/USnobody/messages', { message: 1 })).status).toBe(404);
    expect(await eventSeqOf(ctx.dbh.db, a.userId)).toBe(seq);
  });
});

describe('signed recording links', () => {
  it("signs a link to a recording of the agent's contact center; a URL stored on the call is never followed", async () => {
    const a = await ctx.agent(0);
    const callId = await callWithRecording(a);
    const link = await a.request<{ path: string; expiresAt: number; durationSeconds: number }>(
      'getSignedRecordingUrl',
      { callId },
    );
    expect(link.durationSeconds).toBe(42);
    expect(link.expiresAt).toBe(ctx.clock.now() + RECORDING_LINK_TTL_MS);
    // The simulator's URL is no object of the service's storage: the link leads nowhere (docs/security.md).
    const res = await fetch(`${ctx.run.baseUrl}${link.path}`, { redirect: 'manual' });
    expect([res.status, res.headers.get('location')]).toEqual([404, null]);
    expect(await res.json()).toEqual({
      error: { code: 'NOT_FOUND', message: `no recording for call ${callId}` },
    });
  });

  it('refuses a tampered or expired link (403), answers 404 without a recording, signs nothing without one', async () => {
    const a = await ctx.agent(0);
    const callId = await callWithRecording(a);
    const link = await a.request<{ path: string }>('getSignedRecordingUrl', { callId });
    const tampered = link.path.replace(/sig=./, (m) => (m.endsWith('A') ? 'sig=B' : 'sig=A'));
    expect((await fetch(`${ctx.run.baseUrl}${tampered}`, { redirect: 'manual' })).status).toBe(403);
    const otherCall = link.path.replace(callId, 'CAsomethingelse');
    expect((await fetch(`${ctx.run.baseUrl}${otherCall}`, { redirect: 'manual' })).status).toBe(403);
    expect((await fetch(`${ctx.run.baseUrl}/recordings/v1/${callId}`, { redirect: 'manual' })).status).toBe(
      403,
    );

    const secret = ctx.run.service.connector.recordingSecret;
    const expires = ctx.clock.now() + 60_000;
    const noRecording = `/recordings/v1/CAnone?expires=${expires}&sig=${recordingSignature(secret, 'CAnone', expires)}`;
    const missing = await fetch(`${ctx.run.baseUrl}${noRecording}`, { redirect: 'manual' });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: { code: 'NOT_FOUND', message: 'no recording for call CAnone' },
    });

    ctx.clock.advance(RECORDING_LINK_TTL_MS + 1);
    const expired = await fetch(`${ctx.run.baseUrl}${link.path}`, { redirect: 'manual' });
    expect(expired.status).toBe(403);
    expect(await expired.json()).toEqual({
      error: { code: 'AUTHENTICATION_ERROR', message: 'recording link expired' },
    });

    const { callId: unrecorded } = await ctx.connectedCall(await ctx.agent(1));
    expect((await a.refuse('getSignedRecordingUrl', { callId: unrecorded })).code).toBe('INVALID_PARAMS');
  });

  it("never signs another tenant's recording", async () => {
    const a = await ctx.agent(0);
    const callId = await callWithRecording(a);
    const other = await createTenant(ctx.dbh.db, { agents: 1, numberSuffix: 9876 });
    const stranger = await ctx.login(other, other.agents[0]!.username);
    const refused = await stranger.refuse('getSignedRecordingUrl', { callId });
    expect(refused.code).toBe('INVALID_PARAMS');
    expect(refused.message).toContain(`unknown call ${callId}`);
  });

  it('links signed with a configured secret still work after a restart', async () => {
    const a = await ctx.agent(0);
    const callId = await callWithRecording(a);
    const secret = 'a-long-shared-secret-from-the-configuration';
    const links: string[] = [];
    for (let i = 0; i < 2; i++) {
      const service = await buildService({
        db: ctx.dbh.db,
        clock: ctx.clock,
        startScheduler: false,
        recordingUrlSecret: secret,
      });
      await service.app.listen({ host: '127.0.0.1', port: 0 });
      const port = (service.app.server.address() as { port: number }).port;
      const expires = ctx.clock.now() + 60_000;
      if (i === 0)
        links.push(
          `/recordings/v1/${callId}?expires=${expires}&sig=${recordingSignature(Buffer.from(secret), callId, expires)}`,
        );
      // Accepted (no 403); the simulator's URL is not in the service's storage, hence 404.
      const res = await fetch(`http://127.0.0.1:${port}${links[0]}`, { redirect: 'manual' });
      expect(res.status).toBe(404);
      await service.close();
    }
  });
});

describe('CORS for the login from a Salesforce domain', () => {
  it('answers the preflight of a Visualforce page, and nobody else', async () => {
    for (const path of ['/agent/v1/login', '/agent/v1/logout']) {
      const ok = await fetch(`${ctx.run.baseUrl}${path}`, {
        method: 'OPTIONS',
        headers: {
          origin: VF_ORIGIN,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type, authorization',
        },
      });
      expect(ok.status).toBe(204);
      expect(ok.headers.get('access-control-allow-origin')).toBe(VF_ORIGIN);
      expect(ok.headers.get('access-control-allow-headers')).toBe('content-type, authorization');
      const evil = await fetch(`${ctx.run.baseUrl}${path}`, {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' },
      });
      expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('the login answer carries the origin it allows', async () => {
    const res = await fetch(`${ctx.run.baseUrl}/agent/v1/login`, {
      method: 'POST',
      headers: { origin: VF_ORIGIN, 'content-type': 'application/json' },
      body: JSON.stringify(credentials(ctx.tenant, ctx.tenant.agents[0]!.username)),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(VF_ORIGIN);
    const plain = await fetch(`${ctx.run.baseUrl}/health`, { headers: { origin: VF_ORIGIN } });
    expect(plain.headers.get('access-control-allow-origin')).toBeNull();
  });
});
