/**
 * The workspace's operations over the agent socket (docs/workspace.md): answers scoped to the caller
 * (an agent never reads another agent's history or stats, a non-supervisor gets no wallboard, a
 * supervisor never sees another contact center's), bad params refused with nothing changed, callbacks
 * that ring at their time, picking a waiting call, and the wallboard's live pushes.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type {
  AgentStats,
  Callback,
  HistoryItem,
  WaitingCall,
  Wallboard,
  WallboardDelta,
} from '../src/contracts/workspace.ts';
import { useService } from './context.ts';
import { STATUS, createTenant, type AgentClient, type Tenant } from './harness.ts';

const ctx = useService({ agents: 2, numberSuffix: 3001, settings: { ringTimeoutSeconds: 20 } });

function ws<T>(c: AgentClient, op: string, params: unknown = {}): Promise<T> {
  return c.request<T>('workspace', { op, params });
}

function wsRefused(c: AgentClient, op: string, params: unknown = {}) {
  return c.refuse('workspace', { op, params });
}

/** `c` answers an inbound call from `from`, ends it and wraps it up; returns the call id. */
async function handledCall(c: AgentClient, from: string, talkMs = 30_000): Promise<string> {
  const { callId } = await ctx.connectedCall(c, from);
  ctx.clock.advance(talkMs);
  await c.request('endCall', { callId });
  ctx.clock.advance(5_000);
  await c.request('wrapUp', { callId });
  return callId;
}

async function rowCount(table: 'calls' | 'participants' | 'jobs' | 'wallboard_subscribers'): Promise<number> {
  const row = await ctx.dbh.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('history and stats', () => {
  it("are the caller's own: another agent's calls never appear and cannot be called back", async () => {
    const a0 = await ctx.agent(0);
    const a1 = await ctx.agent(1);
    const mine = await handledCall(a0, '+14155550111');
    await a0.request('setAgentStatus', { statusId: STATUS.busy });
    const theirs = await handledCall(a1, '+14155550122');

    const h0 = await ws<{ items: HistoryItem[] }>(a0, 'history.list');
    expect(h0.items.map((i) => i.callId)).toEqual([mine]);
    expect(h0.items[0]).toMatchObject({
      direction: 'inbound',
      phoneNumber: '+14155550111',
      answered: true,
      talkSeconds: 30,
    });
    const h1 = await ws<{ items: HistoryItem[] }>(a1, 'history.list', { search: '0111' });
    expect(h1.items).toEqual([]);
    expect((await ws<{ items: HistoryItem[] }>(a1, 'history.list')).items.map((i) => i.callId)).toEqual([
      theirs,
    ]);

    const s0 = await ws<AgentStats>(a0, 'stats.get', { period: 'today' });
    expect(s0).toMatchObject({ handled: 1, missed: 0, avgTalkSeconds: 30, avgWrapUpSeconds: 5 });
    expect(s0.series).toHaveLength(24);
    expect(s0.series.reduce((n, b) => n + b.handled, 0)).toBe(1);
    expect((await ws<AgentStats>(a1, 'stats.get', { period: 'week' })).series).toHaveLength(7);

    const calls = await rowCount('calls');
    expect((await wsRefused(a1, 'history.callBack', { callId: mine })).code).toBe('NOT_FOUND');
    expect(await rowCount('calls')).toBe(calls);
  });

  it('pages newest first by cursor, filters by direction and search', async () => {
    const a0 = await ctx.agent(0);
    const ids = [];
    for (const n of ['+14155550101', '+14155550102', '+14155550103']) ids.push(await handledCall(a0, n));
    const first = await ws<{ items: HistoryItem[]; nextCursor: string }>(a0, 'history.list', { limit: 2 });
    expect(first.items.map((i) => i.callId)).toEqual([ids[2], ids[1]]);
    const second = await ws<{ items: HistoryItem[]; nextCursor: string | null }>(a0, 'history.list', {
      limit: 2,
      cursor: first.nextCursor,
    });
    expect(second.items.map((i) => i.callId)).toEqual([ids[0]]);
    expect(second.nextCursor).toBeNull();
    expect((await ws<{ items: HistoryItem[] }>(a0, 'history.list', { search: '0102' })).items).toHaveLength(
      1,
    );
    expect(
      (await ws<{ items: HistoryItem[] }>(a0, 'history.list', { direction: 'outbound' })).items,
    ).toHaveLength(0);
  });

  it('calls a customer back from the history through the softphone (CALL_STARTED, outbound)', async () => {
    const a0 = await ctx.agent(0);
    const callId = await handledCall(a0, '+14155550177');
    const { call } = await ws<{ call: { callId: string; to: string; callType: string } }>(
      a0,
      'history.callBack',
      { callId },
    );
    expect(call.to).toBe('+14155550177');
    await a0.waitFor('CALL_STARTED', (e) => e.data.call?.callId === call.callId);
    const outbound = await ws<{ items: HistoryItem[] }>(a0, 'history.list', { direction: 'outbound' });
    expect(outbound.items.map((i) => i.callId)).toEqual([call.callId]);
  });

  it('counts a missed offer, and the missed call waits in the Queue of the queue members', async () => {
    const a0 = await ctx.agent(0);
    const a1 = await ctx.agent(1);
    await a1.request('setAgentStatus', { statusId: STATUS.busy });
    await a0.goAvailable();
    const callId = await ctx.sim.call('+14155550188', ctx.tenant.number);
    await a0.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callId);
    await ctx.advance(20_000);
    await a0.waitFor('HANGUP', (e) => e.data.call?.callId === callId);
    expect((await ws<AgentStats>(a0, 'stats.get', { period: 'today' })).missed).toBe(1);
    expect((await ws<AgentStats>(a1, 'stats.get', { period: 'today' })).missed).toBe(0);
    const queue = await ws<{ calls: WaitingCall[] }>(a1, 'queue.list');
    expect(queue.calls).toEqual([
      expect.objectContaining({ callId, caller: '+14155550188', dialedNumber: ctx.tenant.number }),
    ]);
  });
});

describe('bad params', () => {
  it('are INVALID_PARAMS naming the problem, and change nothing', async () => {
    const a0 = await ctx.agent(0);
    const before = [await rowCount('calls'), await rowCount('participants'), await rowCount('jobs')];
    const cases: Array<[string, unknown]> = [
      ['nope.list', {}],
      ['stats.get', { period: 'month' }],
      ['stats.get', {}],
      ['history.list', { limit: 0 }],
      ['history.list', { userId: ctx.tenant.agents[1]!.id }],
      ['history.list', { cursor: 'not-a-cursor' }],
      ['callbacks.list', { scope: 'everyone' }],
      ['callbacks.schedule', { phoneNumber: '+14155550100', dueAt: ctx.clock.now() - 1, forMe: true }],
      ['callbacks.schedule', { phoneNumber: '+14155550100', dueAt: ctx.clock.now() + 60_000 }],
      [
        'callbacks.schedule',
        { phoneNumber: '+14155550100', dueAt: ctx.clock.now() + 60_000, forMe: true, queueId: 'Q1' },
      ],
      ['queue.pick', {}],
    ];
    for (const [op, params] of cases) {
      const err = await wsRefused(a0, op, params);
      expect(err.code, `${op} ${JSON.stringify(params)}`).toBe('INVALID_PARAMS');
      expect(err.message.length).toBeGreaterThan(5);
    }
    const badNumber = await wsRefused(a0, 'callbacks.schedule', {
      phoneNumber: 'call me',
      dueAt: ctx.clock.now() + 60_000,
      forMe: true,
    });
    expect(badNumber.code).toBe('INVALID_PHONE_NUMBER');
    expect([await rowCount('calls'), await rowCount('participants'), await rowCount('jobs')]).toEqual(before);
  });
});

describe('callbacks', () => {
  it('a callback scheduled for me rings me at its time, not before', async () => {
    const a0 = await ctx.agent(0);
    await a0.goAvailable();
    const dueAt = ctx.clock.now() + 60_000;
    const { callback } = await ws<{ callback: Callback }>(a0, 'callbacks.schedule', {
      phoneNumber: '(415) 555-0199',
      dueAt,
      forMe: true,
    });
    expect(callback).toMatchObject({ phoneNumber: '+14155550199', dueAt, state: 'scheduled' });
    const mine = await ws<{ callbacks: Callback[] }>(a0, 'callbacks.list', { scope: 'mine' });
    expect(mine.callbacks.map((c) => c.callbackId)).toEqual([callback.callbackId]);
    const a1 = await ctx.agent(1);
    expect((await ws<{ callbacks: Callback[] }>(a1, 'callbacks.list', { scope: 'mine' })).callbacks).toEqual(
      [],
    );

    await ctx.advance(30_000);
    expect(a0.names()).not.toContain('QUEUED_CALL_STARTED');
    await ctx.advance(30_000);
    await a0.waitFor('QUEUED_CALL_STARTED', (e) => e.data.call?.callId === callback.callbackId);
  });

  it('a callback for me waits while I am not free, then rings me on the next try', async () => {
    const a0 = await ctx.agent(0);
    await a0.request('setAgentStatus', { statusId: STATUS.busy });
    const { callback } = await ws<{ callback: Callback }>(a0, 'callbacks.schedule', {
      phoneNumber: '+14155550198',
      dueAt: ctx.clock.now() + 10_000,
      forMe: true,
    });
    await ctx.advance(10_000);
    expect(a0.names()).not.toContain('QUEUED_CALL_STARTED');
    const waiting = await ws<{ callbacks: Callback[] }>(a0, 'callbacks.list', { scope: 'mine' });
    expect(waiting.callbacks).toEqual([
      expect.objectContaining({ callbackId: callback.callbackId, state: 'waiting' }),
    ]);
    await a0.goAvailable();
    await ctx.advance(30_000);
    await a0.waitFor('QUEUED_CALL_STARTED', (e) => e.data.call?.callId === callback.callbackId);
  });

  it('a queue callback rings an available member of the queue at its time', async () => {
    const a0 = await ctx.agent(0);
    const a1 = await ctx.agent(1);
    await a1.goAvailable();
    const { callback } = await ws<{ callback: Callback }>(a0, 'callbacks.schedule', {
      phoneNumber: '+14155550166',
      dueAt: ctx.clock.now() + 120_000,
      queueId: ctx.tenant.queueId,
    });
    const queued = await ws<{ callbacks: Callback[] }>(a1, 'callbacks.list', { scope: 'queues' });
    expect(queued.callbacks).toEqual([
      expect.objectContaining({ callbackId: callback.callbackId, state: 'scheduled' }),
    ]);
    expect((await ws<{ calls: WaitingCall[] }>(a1, 'queue.list')).calls).toEqual([]);
    await ctx.advance(120_000);
    await a1.waitFor('QUEUED_CALL_STARTED', (e) => e.data.call?.callId === callback.callbackId);
  });
});

describe('queue.pick', () => {
  it('is FORBIDDEN unless the contact center lets agents pick calls', async () => {
    const a0 = await ctx.agent(0);
    await a0.request('setAgentStatus', { statusId: STATUS.busy });
    const callId = await ctx.sim.call('+14155550155', ctx.tenant.number);
    const err = await wsRefused(a0, 'queue.pick', { callId });
    expect(err.code).toBe('FORBIDDEN');
    expect((await ws<{ canPick: boolean }>(a0, 'queue.list')).canPick).toBe(false);
  });

  it('rings me with the call I picked, not the longest waiting one', async () => {
    const res = await fetch(`${ctx.run.baseUrl}/sim/v1/contact-centers/${ctx.tenant.ccId}/settings`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ agentsMayPickCalls: true }),
    });
    expect(res.status).toBe(200);
    const a0 = await ctx.agent(0);
    const a1 = await ctx.agent(1);
    await a0.request('setAgentStatus', { statusId: STATUS.busy });
    await a1.request('setAgentStatus', { statusId: STATUS.busy });
    const first = await ctx.sim.call('+14155550141', ctx.tenant.number);
    ctx.clock.advance(1000);
    const second = await ctx.sim.call('+14155550142', ctx.tenant.number);
    const queue = await ws<{ calls: WaitingCall[]; canPick: boolean }>(a0, 'queue.list');
    expect(queue.canPick).toBe(true);
    expect(queue.calls.map((c) => c.callId)).toEqual([first, second]);
    await ws(a0, 'queue.pick', { callId: second });
    await a0.waitFor('CALL_STARTED', (e) => e.data.call?.callId === second);
    expect((await wsRefused(a1, 'queue.pick', { callId: second })).code).toBe('INVALID_STATE');
  });
});

describe('wallboard', () => {
  let other: Tenant;
  beforeEach(async () => {
    other = await createTenant(ctx.dbh.db, { agents: 1, numberSuffix: 3002 });
  });

  it('is FORBIDDEN to an agent, and subscribing as one changes nothing', async () => {
    const a0 = await ctx.agent(0);
    expect((await wsRefused(a0, 'wallboard.snapshot')).code).toBe('FORBIDDEN');
    expect((await wsRefused(a0, 'wallboard.subscribe')).code).toBe('FORBIDDEN');
    expect(await rowCount('wallboard_subscribers')).toBe(0);
  });

  it("shows the supervisor's own contact center only", async () => {
    const a0 = await ctx.agent(0);
    const b0 = await ctx.login(other, 'agent1');
    await b0.goAvailable();
    const theirCall = await ctx.sim.call('+14155550133', other.number);
    await b0.waitFor('CALL_STARTED', (e) => e.data.call?.callId === theirCall);
    const { callId } = await ctx.connectedCall(a0);

    const boss = await ctx.supervisor();
    const board = await ws<Wallboard>(boss, 'wallboard.snapshot');
    expect(board.calls.map((c) => c.callId)).toEqual([callId]);
    expect(board.calls[0]!.agentIds).toEqual([a0.userId]);
    expect(board.agents.map((a) => a.userId).sort()).toEqual(
      [...ctx.tenant.agents.map((a) => a.id), ctx.tenant.supervisor.id].sort(),
    );
    expect(board.agents.find((a) => a.userId === a0.userId)).toMatchObject({ state: 'on_call', callId });
    expect(board.queues.map((q) => q.queueId)).toEqual([ctx.tenant.queueId]);
    expect(board.queues[0]).toMatchObject({ answered: 1, abandoned: 0, serviceLevel: 1 });

    const otherBoss = await ctx.login(other, other.supervisor.username);
    const theirs = await ws<Wallboard>(otherBoss, 'wallboard.snapshot');
    expect(theirs.calls.map((c) => c.callId)).toEqual([theirCall]);
    expect(theirs.agents.map((a) => a.userId)).not.toContain(a0.userId);
  });

  it('listens in and barges in on a live call through the supervisor flow; an agent cannot', async () => {
    const a0 = await ctx.agent(0);
    const { callId } = await ctx.connectedCall(a0);
    const a1 = await ctx.agent(1);
    expect((await wsRefused(a1, 'wallboard.listenIn', { callId })).code).toBe('CAN_NOT_SUPERVISE_CALL');
    const boss = await ctx.supervisor();
    const otherBoss = await ctx.login(other, other.supervisor.username);
    expect((await wsRefused(otherBoss, 'wallboard.listenIn', { callId })).code).toBe(
      'CAN_NOT_SUPERVISE_CALL',
    );
    await ws(boss, 'wallboard.listenIn', { callId });
    await boss.waitFor('SUPERVISOR_CALL_CONNECTED', (e) => e.data.call?.callId === callId);
    await ws(boss, 'wallboard.bargeIn', { callId });
    await boss.waitFor('SUPERVISOR_BARGED_IN', (e) => e.data.call?.callId === callId);
    await a0.waitFor('CALL_BARGED_IN', (e) => e.data.call?.callId === callId);
  });

  it('pushes the changes of its own contact center to subscribed supervisors', async () => {
    const boss = await ctx.supervisor();
    const otherBoss = await ctx.login(other, other.supervisor.username);
    expect(await ws(boss, 'wallboard.subscribe')).toEqual({ subscribed: true });
    await ws(otherBoss, 'wallboard.subscribe');
    const a0 = await ctx.agent(0);
    await a0.goAvailable();
    const push = await boss.waitFor('MESSAGE', (e) => {
      const m = (e.data as { message: { topic?: string; data?: WallboardDelta } }).message;
      return (
        m.topic === 'wallboard' &&
        !!m.data?.agents.some((a) => a.userId === a0.userId && a.state === 'available')
      );
    });
    expect((push.data as { message: { switchboard: string } }).message.switchboard).toBe('workspace.event');
    const abandonedCall = await ctx.sim.call('+14155550144', ctx.tenant.number);
    await a0.waitFor('CALL_STARTED', (e) => e.data.call?.callId === abandonedCall);
    await ctx.sim.post(`/calls/${abandonedCall}/hangup`);
    await boss.waitFor('MESSAGE', (e) =>
      Boolean(
        (e.data as { message: { data?: WallboardDelta } }).message.data?.removedCallIds.includes(
          abandonedCall,
        ),
      ),
    );
    const board = await ws<Wallboard>(boss, 'wallboard.snapshot');
    expect(board.queues[0]).toMatchObject({ abandoned: 1, answered: 0, serviceLevel: 0 });
    // The other contact center's supervisor got nothing of it.
    expect(otherBoss.names()).not.toContain('MESSAGE');
    await ws(boss, 'wallboard.unsubscribe');
    expect(await rowCount('wallboard_subscribers')).toBe(1);
  });
});
