/**
 * Sessions: login, take-over by a newer login, expiry, logout, hashed tokens, garbage tokens.
 */
import { createHash } from 'node:crypto';
import WebSocket from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../src/db/migrate.ts';
import {
  AgentClient,
  ManualClock,
  STATUS,
  Sim,
  createTenant,
  credentials,
  postLogin,
  presenceOf,
  startService,
  testDatabase,
  type DatabaseHandle,
  type Running,
  type Tenant,
} from './harness.ts';

let dbh: DatabaseHandle;
let run: Running | undefined;
let tenant: Tenant;
let clock: ManualClock;
const clients: AgentClient[] = [];

const TTL_MS = 3600_000;

async function start(options: { sessionTtlMs?: number } = {}): Promise<Running> {
  run = await startService(dbh.db, { clock, sessionTtlMs: options.sessionTtlMs ?? TTL_MS });
  return run;
}

async function loginToken(r: Running, username: string): Promise<{ token: string; expiresAt: number }> {
  const res = await postLogin<{ token: string; expiresAt: number }>(r, credentials(tenant, username));
  expect(res.status).toBe(200);
  return res.body;
}

async function connect(r: Running, token: string, lastSeq?: number): Promise<AgentClient> {
  const c = await AgentClient.connect(r, token, lastSeq);
  clients.push(c);
  return c;
}

function sessionEnded(c: AgentClient): Array<Record<string, unknown>> {
  return c.frames.filter((f) => f.type === 'sessionEnded');
}

async function logout(r: Running, token: string | undefined): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${r.baseUrl}/agent/v1/logout`, {
    method: 'POST',
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  return { status: res.status, body: await res.json() };
}

beforeEach(async () => {
  dbh = testDatabase();
  clock = new ManualClock();
  await migrateToLatest(dbh.db);
  tenant = await createTenant(dbh.db, { agents: 2 });
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await run?.stop();
  run = undefined;
  await dbh.destroy();
});

describe('login', () => {
  it('returns a token, its expiry and the user; the token is stored only as its SHA-256', async () => {
    const r = await start();
    const res = await postLogin<{ token: string; expiresAt: number; user: Record<string, unknown> }>(
      r,
      credentials(tenant, 'agent1'),
    );
    expect(res.status).toBe(200);
    const body = res.body;
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(body.token, 'base64url')).toHaveLength(32);
    expect(body.expiresAt).toBe(clock.now() + TTL_MS);
    expect(body.user).toMatchObject({
      id: tenant.agents[0]!.id,
      username: 'agent1',
      displayName: 'Agent 1',
      role: 'agent',
    });

    const rows = await dbh.db.selectFrom('sessions').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      user_id: tenant.agents[0]!.id,
      token_hash: createHash('sha256').update(body.token).digest('hex'),
      expires_at: body.expiresAt,
      ended_at: null,
    });
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(body.token);
    expect(stored).not.toContain(body.token.slice(0, 16));
    expect(stored).not.toContain(Buffer.from(body.token, 'base64url').toString('hex'));
    // Nothing else in the database holds the token either.
    const users = JSON.stringify(await dbh.db.selectFrom('users').selectAll().execute());
    expect(users).not.toContain(body.token);

    const c = await connect(r, body.token);
    expect(c.welcome).toMatchObject({ type: 'welcome', user: { id: tenant.agents[0]!.id }, resumed: false });
  });
});

describe('take-over', () => {
  it('a new login ends the older session: its socket gets sessionEnded takenOver and close 4409', async () => {
    const r = await start();
    const first = await loginToken(r, 'agent1');
    const old = await connect(r, first.token);
    const oldTab = await connect(r, first.token); // the same session in a second tab
    const other = await connect(r, (await loginToken(r, 'agent2')).token);
    await old.goAvailable();

    const second = await loginToken(r, 'agent1');
    for (const c of [old, oldTab]) {
      expect(await c.closed()).toEqual({ code: 4409, reason: 'takenOver' });
      expect(sessionEnded(c)).toEqual([{ type: 'sessionEnded', reason: 'takenOver' }]);
    }
    // Another user's session is untouched.
    expect(other.closedWith).toBeUndefined();
    expect((await other.request<{ state: string }>('getAgentStatus')).state).toBe('offline');

    const fresh = await connect(r, second.token);
    expect(fresh.welcome?.user.id).toBe(tenant.agents[0]!.id);
    const status = await fresh.request<{ state: string }>('getAgentStatus');
    expect(status.state).toBe('available'); // a take-over is not a logout
    expect((await fresh.request<{ state: string }>('setAgentStatus', { statusId: STATUS.busy })).state).toBe(
      'busy',
    );

    const rows = await dbh.db
      .selectFrom('sessions')
      .select(['token_hash', 'ended_at', 'end_reason'])
      .where('user_id', '=', tenant.agents[0]!.id)
      .orderBy('created_at')
      .orderBy('ended_at')
      .execute();
    expect(rows).toHaveLength(2);
    expect(rows.find((s) => s.ended_at === null)?.token_hash).toBe(
      createHash('sha256').update(second.token).digest('hex'),
    );
    expect(rows.find((s) => s.ended_at !== null)?.end_reason).toBe('takenOver');

    // The taken-over token no longer opens a socket.
    const stale = await connect(r, first.token);
    expect(stale.welcome).toBeUndefined();
    expect(sessionEnded(stale)).toHaveLength(1);
    expect([4401, 4409]).toContain((await stale.closed()).code);
    expect(fresh.closedWith).toBeUndefined();
  });
});

describe('expiry', () => {
  it('a token past its expiry is refused at hello with sessionEnded expired and close 4401', async () => {
    const r = await start({ sessionTtlMs: 60_000 });
    const { token, expiresAt } = await loginToken(r, 'agent1');
    expect(expiresAt).toBe(clock.now() + 60_000);

    clock.advance(59_999);
    const stillValid = await connect(r, token);
    expect(stillValid.welcome?.user.id).toBe(tenant.agents[0]!.id);
    stillValid.close();
    await stillValid.closed();

    clock.advance(1);
    const expired = await connect(r, token);
    expect(expired.welcome).toBeUndefined();
    expect(sessionEnded(expired)).toEqual([{ type: 'sessionEnded', reason: 'expired' }]);
    expect(await expired.closed()).toEqual({ code: 4401, reason: 'expired' });
    // Logging out with it is refused as well.
    expect((await logout(r, token)).status).toBe(401);
  });

  it('a connected socket is ended with sessionEnded expired when its session runs out', async () => {
    const r = await start({ sessionTtlMs: 150 });
    const { token } = await loginToken(r, 'agent1');
    const c = await connect(r, token);
    expect(c.welcome).toBeDefined();
    expect(await c.closed()).toEqual({ code: 4401, reason: 'expired' });
    expect(sessionEnded(c)).toEqual([{ type: 'sessionEnded', reason: 'expired' }]);
  });

  it('a session longer than a timer can wait (30 days) does not end the socket early', async () => {
    const r = await start({ sessionTtlMs: 30 * 24 * 3600_000 });
    const { token, expiresAt } = await loginToken(r, 'agent1');
    expect(expiresAt).toBe(clock.now() + 30 * 24 * 3600_000);
    const c = await connect(r, token);
    expect(c.welcome).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sessionEnded(c)).toEqual([]);
    expect(c.closedWith).toBeUndefined();
    expect((await c.request<{ state: string }>('getAgentStatus')).state).toBe('offline');
  });
});

describe('logout', () => {
  it('ends the session: the socket is told loggedOut and closed, the agent goes offline', async () => {
    const r = await start();
    const { token } = await loginToken(r, 'agent1');
    const c = await connect(r, token);
    await c.goAvailable();
    expect(await presenceOf(dbh.db, tenant.agents[0]!.id)).toBe('available');
    const watcher = await connect(r, (await loginToken(r, 'boss')).token);

    expect(await logout(r, token)).toEqual({ status: 200, body: { ok: true } });
    expect(await c.closed()).toEqual({ code: 4401, reason: 'loggedOut' });
    expect(sessionEnded(c)).toEqual([{ type: 'sessionEnded', reason: 'loggedOut' }]);
    expect(await presenceOf(dbh.db, tenant.agents[0]!.id)).toBe('offline');
    const contacts = await watcher.request<{ contacts: Array<{ id: string; availability?: string }> }>(
      'getPhoneContacts',
      { types: ['Agent'] },
    );
    expect(contacts.contacts.find((x) => x.id === tenant.agents[0]!.id)?.availability).toBe('OFFLINE');
    const row = await dbh.db
      .selectFrom('sessions')
      .select(['ended_at', 'end_reason'])
      .where('token_hash', '=', createHash('sha256').update(token).digest('hex'))
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ ended_at: clock.now(), end_reason: 'loggedOut' });

    // The token is dead: a second logout and a new socket are refused.
    expect((await logout(r, token)).status).toBe(401);
    const again = await connect(r, token);
    expect(again.welcome).toBeUndefined();
    expect((await again.closed()).code).toBe(4401);
    expect(watcher.closedWith).toBeUndefined();
  });

  it('while a call rings for the agent withdraws the offer: the call rings the next agent at once', async () => {
    const r = await start();
    const { token } = await loginToken(r, 'agent1');
    const leaving = await connect(r, token);
    await leaving.goAvailable();
    clock.advance(1000);
    const staying = await connect(r, (await loginToken(r, 'agent2')).token);
    await staying.goAvailable();
    const callId = await new Sim(r).call('+14155550123', tenant.number);
    await leaving.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callId);

    expect((await logout(r, token)).status).toBe(200);
    await leaving.closed();
    // No clock advance: the offer does not wait for its ring timeout.
    const rung = await staying.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callId);
    expect(rung.data.call?.state).toBe('ringing');
    const user = await dbh.db
      .selectFrom('users')
      .select(['presence_state', 'offered_leg_id'])
      .where('id', '=', tenant.agents[0]!.id)
      .executeTakeFirstOrThrow();
    expect(user).toEqual({ presence_state: 'offline', offered_leg_id: null });
  });

  it('during a call keeps the call and makes the agent offline when it ends', async () => {
    const r = await start();
    const { token } = await loginToken(r, 'agent1');
    const c = await connect(r, token);
    await c.goAvailable();
    const callId = await new Sim(r).call('+14155550123', tenant.number);
    await c.waitFor('CALL_STARTED');
    await c.request('acceptCall', { callId });
    expect((await logout(r, token)).status).toBe(200);
    expect(await presenceOf(dbh.db, tenant.agents[0]!.id)).toBe('on_call');
    const hangup = await new Sim(r).post(`/calls/${callId}/hangup`);
    expect(hangup.status).toBe(200);
    const user = await dbh.db
      .selectFrom('users')
      .select(['presence_state', 'wrap_up_call_id', 'next_state_json'])
      .where('id', '=', tenant.agents[0]!.id)
      .executeTakeFirstOrThrow();
    expect(user.presence_state).toBe('after_call_work');
    expect(JSON.parse(user.next_state_json ?? 'null')).toMatchObject({ state: 'offline' });
  });

  it('without a valid bearer token is 401 AUTHENTICATION_ERROR and ends nothing', async () => {
    const r = await start();
    const { token } = await loginToken(r, 'agent1');
    const c = await connect(r, token);
    await c.goAvailable();
    for (const t of [undefined, '', 'garbage', token.slice(1)]) {
      const res = await logout(r, t);
      expect(res.status, String(t)).toBe(401);
      expect(res.body).toMatchObject({ error: { code: 'AUTHENTICATION_ERROR' } });
    }
    expect(c.closedWith).toBeUndefined();
    expect((await c.request<{ state: string }>('getAgentStatus')).state).toBe('available');
    expect(
      await dbh.db.selectFrom('sessions').select('id').where('ended_at', 'is not', null).execute(),
    ).toEqual([]);
  });
});

describe('hello', () => {
  it('a garbage or malformed token gets sessionEnded invalid and close 4401', async () => {
    const r = await start();
    const garbage = await connect(r, 'this-is-not-a-token');
    expect(garbage.welcome).toBeUndefined();
    expect(sessionEnded(garbage)).toEqual([{ type: 'sessionEnded', reason: 'invalid' }]);
    expect(await garbage.closed()).toEqual({ code: 4401, reason: 'invalid' });

    // A hello that does not match the schema.
    for (const hello of [
      { type: 'hello' },
      { type: 'hello', token: 'x', lastSeq: -1 },
      { type: 'hi', token: 'x' },
    ]) {
      const socket = new WebSocket(r.wsUrl);
      const frames: unknown[] = [];
      socket.on('message', (raw) => frames.push(JSON.parse(String(raw))));
      await new Promise<void>((resolve) => socket.once('open', () => resolve()));
      socket.send(JSON.stringify(hello));
      const code = await new Promise<number>((resolve) => socket.once('close', (c) => resolve(c)));
      expect(code).toBe(4401);
      expect(frames).toEqual([{ type: 'sessionEnded', reason: 'invalid' }]);
    }
    expect(await dbh.db.selectFrom('sessions').select('id').execute()).toEqual([]);
  });
});
