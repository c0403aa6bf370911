/**
 * A seeded, bounded fuzz run (docs/security.md): hostile values in every field of the agent
 * WebSocket's methods and of the HTTP endpoints (login, OAuth, simulator, admin), on the database
 * under test. Every request must be refused with a 4xx or an `INVALID_PARAMS` response, never a 5xx
 * or a crash, and nothing may change. `FUZZ_SEED` picks another run (the seed is in the test name).
 */
import { describe, expect, it } from 'vitest';
import { issueClient } from '../src/admin/accounts.ts';
import { AdminApi, tokenOf } from './adminContext.ts';
import { useService } from './context.ts';
import { credentials } from './harness.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 13);
const CASES = 240;

/** mulberry32: a small seeded generator. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Kind = 'string' | 'int' | 'timestamp';
const DEEP = { __deep: true };
const HOSTILE: Record<Kind, unknown[]> = {
  string: [
    '\u0000',
    'a\u0000b',
    'bell\u0007',
    'line\nbreak\u001b[31m',
    1e308,
    true,
    [],
    {},
    'x'.repeat(20_000),
    DEEP,
  ],
  int: [1e308, -1e308, 2147483648, -1, 1.5, '1', true, [], {}, DEEP],
  timestamp: [1e308, -1, 1.5, '0', 253402300800000, DEEP],
};
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
/** JSON text of `body`, the depth bomb written in where it was put. */
const text = (body: Record<string, unknown>) => JSON.stringify(body).replace('{"__deep":true}', nested(5000));

interface Target {
  name: string;
  fields: Record<string, Kind>;
  base: Record<string, unknown>;
}

describe(`fuzz (seed ${SEED})`, () => {
  const ctx = useService({ agents: 2 });

  async function state() {
    const db = ctx.dbh.db;
    const rows = async (
      table:
        | 'calls'
        | 'participants'
        | 'jobs'
        | 'transcripts'
        | 'queues'
        | 'groups'
        | 'sessions'
        | 'agent_events'
        | 'contact_centers'
        | 'admin_tokens',
    ) =>
      Number(
        (await db.selectFrom(table).select(db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n,
      );
    return {
      counts: await Promise.all(
        (
          [
            'calls',
            'participants',
            'jobs',
            'transcripts',
            'queues',
            'groups',
            'sessions',
            'agent_events',
            'contact_centers',
            'admin_tokens',
          ] as const
        ).map(rows),
      ),
      users: await db
        .selectFrom('users')
        .select(['id', 'presence_state', 'presence_reason', 'display_name'])
        .orderBy('id')
        .execute(),
      calls: await db
        .selectFrom('calls')
        .select(['id', 'state', 'recording_url', 'recording_duration_s'])
        .orderBy('id')
        .execute(),
      ccs: await db
        .selectFrom('contact_centers')
        .select(['id', 'scrt_url', 'settings_json'])
        .orderBy('id')
        .execute(),
      inbox: (await ctx.sim.get(`/agents/${ctx.tenant.agents[0]!.id}/messages`)).body,
    };
  }

  it(`${CASES} hostile requests: no 5xx, no crash, nothing changed`, async () => {
    const rnd = random(SEED);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const c = await ctx.agent(0);
    const { callId } = await ctx.connectedCall(c);
    const userId = c.userId;
    const client = await issueClient(ctx.dbh.db, ctx.tenant.orgId, 'fuzz', ctx.clock.now());
    const admin = new AdminApi(ctx.run, await tokenOf(ctx.run, client));
    const cc = ctx.tenant.ccId;

    const http: Array<Target & { path: string; method: 'POST' | 'PUT'; admin?: boolean }> = [
      {
        name: 'login',
        method: 'POST',
        path: '/agent/v1/login',
        fields: { orgId: 'string', contactCenter: 'string', username: 'string', password: 'string' },
        base: credentials(ctx.tenant, 'agent2'),
      },
      {
        name: 'inbound call',
        method: 'POST',
        path: '/sim/v1/calls',
        fields: { from: 'string', to: 'string', callerName: 'string' },
        base: { from: '+14155550111', to: ctx.tenant.number, callerName: 'Fuzz' },
      },
      {
        name: 'transcript',
        method: 'POST',
        path: `/sim/v1/calls/${callId}/transcript`,
        fields: { text: 'string', startTime: 'timestamp', endTime: 'timestamp', participantId: 'string' },
        base: { speaker: 'END_USER', text: 'hello', startTime: 1, endTime: 2 },
      },
      {
        name: 'recording',
        method: 'POST',
        path: `/sim/v1/calls/${callId}/recording`,
        fields: { url: 'string', durationSeconds: 'int' },
        base: { url: 'https://storage.test/a.wav', durationSeconds: 3 },
      },
      {
        name: 'break',
        method: 'POST',
        path: `/sim/v1/agents/${userId}/break`,
        fields: { at: 'timestamp', reason: 'string' },
        base: { at: ctx.clock.now() + 60_000, minutes: 5, reason: 'Lunch' },
      },
      {
        name: 'digits',
        method: 'POST',
        path: `/sim/v1/calls/${callId}/digits`,
        fields: { digits: 'string' },
        base: { digits: '12' },
      },
      {
        name: 'message',
        method: 'POST',
        path: `/sim/v1/agents/${userId}/messages`,
        fields: {},
        base: { message: DEEP },
      },
      {
        name: 'queue',
        method: 'POST',
        path: `/admin/v1/contact-centers/${cc}/queues`,
        fields: { name: 'string', priority: 'int' },
        base: { name: 'Fuzz queue', priority: 1 },
        admin: true,
      },
      {
        name: 'group',
        method: 'POST',
        path: `/admin/v1/contact-centers/${cc}/groups`,
        fields: { name: 'string' },
        base: { name: 'Fuzz group' },
        admin: true,
      },
      {
        name: 'org domain',
        method: 'PUT',
        path: `/admin/v1/contact-centers/${cc}/org-domain`,
        fields: { scrtUrl: 'string', orgDomain: 'string' },
        base: { scrtUrl: 'https://acme.my.salesforce-scrt.com', orgDomain: 'acme.my.salesforce.com' },
        admin: true,
      },
    ];
    const methods: Target[] = [
      {
        name: 'setAgentStatus',
        fields: { statusId: 'string', statusName: 'string' },
        base: { statusId: '0N5xx0000004D3U', statusName: 'Busy' },
      },
      { name: 'endCall', fields: { callId: 'string' }, base: { callId } },
      { name: 'sendDigits', fields: { callId: 'string', digits: 'string' }, base: { callId, digits: '1' } },
      {
        name: 'wrapUp',
        fields: { callId: 'string', disposition: 'string' },
        base: { callId, disposition: 'Done' },
      },
      {
        name: 'getPhoneContacts',
        fields: { contains: 'string', limit: 'int', offset: 'int' },
        base: { contains: 'a', limit: 5, offset: 0 },
      },
      {
        name: 'setAgentConfig',
        fields: { deskPhoneNumber: 'string' },
        base: { deskPhoneNumber: '+14155550123' },
      },
      { name: 'sendMessage', fields: {}, base: { message: DEEP } },
      {
        name: 'hold',
        fields: { callId: 'string', participantId: 'string' },
        base: { callId, participantId: 'PA1' },
      },
    ];

    /** `base` with one field made hostile (the depth bomb where it has no typed field). */
    const mutate = (t: Target): Record<string, unknown> => {
      const names = Object.keys(t.fields);
      if (names.length === 0) return { ...t.base };
      const field = pick(names);
      return { ...t.base, [field]: pick(HOSTILE[t.fields[field]!]) };
    };

    const before = await state();
    const statuses = new Map<number, number>();
    let adminSent = 0;
    for (let i = 0; i < CASES; i++) {
      if (rnd() < 0.4) {
        const m = pick(methods);
        const frames = c.frames.length;
        c.sendRaw(`{"type":"request","id":"f${i}","method":"${m.name}","params":${text(mutate(m))}}`);
        await c.until(
          () => c.frames.slice(frames).some((f) => f.type === 'response'),
          5000,
          `${m.name} answer`,
        );
        const answer = c.frames.slice(frames).find((f) => f.type === 'response')!;
        expect(answer, `${m.name} #${i}`).toMatchObject({ ok: false, error: { code: 'INVALID_PARAMS' } });
        continue;
      }
      const t = pick(http.filter((h) => !h.admin || adminSent < 90));
      if (t.admin) adminSent++;
      const body = text(mutate(t));
      const res = await fetch(`${ctx.run.baseUrl}${t.path}`, {
        method: t.method,
        headers: {
          'content-type': 'application/json',
          ...(t.admin ? { authorization: `Bearer ${admin.token}` } : {}),
        },
        body,
      });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      expect(res.status, `${t.name} #${i}: ${body.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `${t.name} #${i}: ${body.slice(0, 200)}`).toBeLessThan(500);
      await res.arrayBuffer();
    }
    // OAuth with control characters in the form.
    for (const form of [
      'grant_type=client_credentials&client_id=%00&client_secret=x',
      'grant_type=%07',
      `client_id=${'a'.repeat(20_000)}`,
    ]) {
      const res = await fetch(`${ctx.run.baseUrl}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form,
      });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
    expect((await fetch(`${ctx.run.baseUrl}/health`)).status).toBe(200);
    expect(c.closedWith).toBeUndefined();
    expect(await state()).toEqual(before);
    expect([...statuses.keys()].every((s) => s < 500)).toBe(true);
  });
});
