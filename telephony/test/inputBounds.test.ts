/**
 * Values no column or domain can hold are refused at every boundary with 400 / INVALID_PARAMS, the
 * same on SQLite and PostgreSQL (docs/security.md, "Input bounds"): NUL and control characters in
 * strings, integers beyond 32 bits, timestamps beyond the year 9999; and nothing changes.
 */
import { describe, expect, it } from 'vitest';
import { useAdmin } from './adminContext.ts';
import { useService } from './context.ts';
import { postLogin, credentials } from './harness.ts';

describe('input bounds (agent API and simulator API)', () => {
  const ctx = useService({ agents: 1 });

  const counts = async () => {
    const db = ctx.dbh.db;
    const n = async (table: 'sessions' | 'jobs' | 'transcripts' | 'calls' | 'agent_events') =>
      (await db.selectFrom(table).select(db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
    const recorded = await db.selectFrom('calls').select(['recording_url', 'recording_duration_s']).execute();
    return {
      sessions: Number(await n('sessions')),
      jobs: Number(await n('jobs')),
      transcripts: Number(await n('transcripts')),
      calls: Number(await n('calls')),
      events: Number(await n('agent_events')),
      recorded,
    };
  };

  it('refuses NUL in the login, the URL and WebSocket params, huge numbers in simulator bodies', async () => {
    const c = await ctx.agent(0);
    const { callId } = await ctx.connectedCall(c);
    const before = await counts();

    for (const username of ['agent1\u0000', 'a\u0007b', 'x\r\ny']) {
      const res = await postLogin(ctx.run, { ...credentials(ctx.tenant, 'agent1'), username });
      expect(res.status, JSON.stringify(username)).toBe(400);
      expect(res.body.error?.code).toBe('INVALID_PARAMS');
    }
    const url = await fetch(`${ctx.run.baseUrl}/sim/v1/calls/CA%00x`);
    expect(url.status).toBe(400);
    expect(((await url.json()) as { error: { code: string } }).error.code).toBe('INVALID_PARAMS');

    const ws = await c.refuse('endCall', { callId: `${callId}\u0000` });
    expect(ws.code).toBe('INVALID_PARAMS');

    const bodies: Array<[string, unknown]> = [
      [`/calls/${callId}/transcript`, { speaker: 'END_USER', text: 'hi', startTime: 1e308 }],
      [`/calls/${callId}/transcript`, { speaker: 'END_USER', text: 'nul \u0000 here' }],
      [`/calls/${callId}/recording`, { url: 'https://rec.test/a.wav', durationSeconds: 2147483648 }],
      [`/agents/${c.userId}/break`, { at: 1e308, minutes: 5 }],
      [`/agents/${c.userId}/break`, { minutes: 5, reason: 'lunch\u0000' }],
    ];
    for (const [path, body] of bodies) {
      const res = await ctx.sim.post<{ error: { code: string } }>(path, body);
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expect(res.body.error.code).toBe('INVALID_PARAMS');
    }
    expect(await counts()).toEqual(before);
    // Line breaks are text in a transcript: the same request without the bad value is accepted.
    const ok = await ctx.sim.post(`/calls/${callId}/transcript`, { speaker: 'END_USER', text: 'two\nlines' });
    expect(ok.status).toBe(201);
  });
});

describe('recording locations', () => {
  const ctx = useService({ agents: 1 });

  it('accepts only https recording URLs, and the signed link redirects nowhere else', async () => {
    const c = await ctx.agent(0);
    const { callId } = await ctx.connectedCall(c);
    for (const url of ['javascript:alert(1)', 'http://evil.test/a.wav', 'data:audio/wav;base64,AAAA']) {
      const res = await ctx.sim.post<{ error: { code: string } }>(`/calls/${callId}/recording`, {
        url,
        durationSeconds: 5,
      });
      expect(res.status, url).toBe(400);
      expect(res.body.error.code).toBe('INVALID_PARAMS');
    }
    // A value stored before the check is not followed either.
    await ctx.dbh.db
      .updateTable('calls')
      .set({ recording_url: 'javascript:alert(1)', recording_duration_s: 5 })
      .where('id', '=', callId)
      .execute();
    const { path } = await c.request<{ path: string }>('getSignedRecordingUrl', { callId });
    const link = await fetch(`${ctx.run.baseUrl}${path}`, { redirect: 'manual' });
    expect(link.status).toBe(404);
    expect(link.headers.get('location')).toBeNull();
    const ok = await ctx.sim.post(`/calls/${callId}/recording`, {
      url: 'https://storage.test/rec.wav',
      durationSeconds: 5,
    });
    expect(ok.status).toBe(200);
    const signed = await c.request<{ path: string }>('getSignedRecordingUrl', { callId });
    // Stored, but no object of the service's storage: the signed link does not redirect there either.
    const redirect = await fetch(`${ctx.run.baseUrl}${signed.path}`, { redirect: 'manual' });
    expect([redirect.status, redirect.headers.get('location')]).toEqual([404, null]);
  });
});

describe('input bounds (admin API and OAuth)', () => {
  const ctx = useAdmin();

  it('refuses NUL in queue, group and user names and in client credentials', async () => {
    const queues = async () => (await ctx.api.get(`/contact-centers/${ctx.tenant.ccId}/queues`)).body;
    const groups = async () => (await ctx.api.get(`/contact-centers/${ctx.tenant.ccId}/groups`)).body;
    const before = { queues: await queues(), groups: await groups() };
    for (const [path, body] of [
      ['queues', { name: 'Sales\u0000' }],
      ['groups', { name: 'Team\u0000' }],
      ['queues', { name: 'Sales', priority: 2147483648 }],
    ] as const) {
      const res = await ctx.api.post<{ error: { code: string } }>(
        `/contact-centers/${ctx.tenant.ccId}/${path}`,
        body,
      );
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('INVALID_PARAMS');
    }
    expect({ queues: await queues(), groups: await groups() }).toEqual(before);

    const token = await fetch(`${ctx.run.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=client_credentials&client_id=${ctx.client.clientId}%00&client_secret=x`,
    });
    expect(token.status).toBe(400);
    expect(((await token.json()) as { error: string }).error).toBe('invalid_request');
  });
});
