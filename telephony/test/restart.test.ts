/**
 * The database is the source of truth: a service stopped and started again on the same database
 * carries on — connected calls with their hold and mute state, calls waiting in a queue, offers and
 * their ring timeouts, sessions and event streams.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/database.ts';
import {
  AgentClient,
  ManualClock,
  STATUS,
  Sim,
  createTenant,
  startService,
  testDatabase,
  type CallLike,
  type DatabaseHandle,
  type Running,
  type Tenant,
} from './harness.ts';

let dbh: DatabaseHandle;
let db: Db;
let reopened: Db | undefined;
let run: Running | undefined;
let clock: ManualClock;
let tenant: Tenant;
const clients: AgentClient[] = [];

const RING_TIMEOUT_S = 20;

async function login(username: string): Promise<AgentClient> {
  const c = await AgentClient.login(run!, tenant, username);
  clients.push(c);
  return c;
}

async function reconnect(token: string, lastSeq?: number): Promise<AgentClient> {
  const c = await AgentClient.connect(run!, token, lastSeq);
  clients.push(c);
  return c;
}

/** Stops the service, closes the database, opens it again and starts a new service on it. */
async function restart(): Promise<void> {
  for (const c of clients.splice(0)) await c.disconnect();
  await run!.stop();
  await db.destroy();
  db = reopened = dbh.reopen();
  run = await startService(db, { clock });
}

beforeEach(async () => {
  dbh = testDatabase();
  db = dbh.db;
  clock = new ManualClock();
  run = await startService(db, { clock });
  tenant = await createTenant(db, { agents: 4, settings: { ringTimeoutSeconds: RING_TIMEOUT_S } });
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await run?.stop();
  run = undefined;
  await reopened?.destroy().catch(() => undefined);
  reopened = undefined;
  await dbh.destroy();
});

describe('a restart', () => {
  it('keeps connected, waiting and ringing calls, sessions, and pending ring timeouts', async () => {
    const sim = () => new Sim(run!);
    const [a0, a1, a2, a3] = [
      await login('agent1'),
      await login('agent2'),
      await login('agent3'),
      await login('agent4'),
    ];
    const tokens = [a0.token, a1.token, a2.token, a3.token];

    // (a) agent 1 on a call: the caller on hold, the agent muted.
    await a0.goAvailable();
    const callA = await sim().call('+14155550001', tenant.number);
    await a0.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callA);
    const accepted = await a0.request<{ call: CallLike }>('acceptCall', { callId: callA });
    const callerA = accepted.call.participants.find((p) => p.role === 'initial_caller')!.id;
    const meA = accepted.call.me;
    await a0.request('hold', { callId: callA, participantId: callerA });
    await a0.request('mute', { callId: callA });
    clock.advance(1000);

    // (c) agent 2 available: the next call rings them, with a ring timeout pending.
    await a1.goAvailable();
    const callC = await sim().call('+14155550003', tenant.number);
    const offered = await a1.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callC);
    const offeredAt = clock.now();
    expect(offered.data.call?.offerExpiresAt).toBe(offeredAt + RING_TIMEOUT_S * 1000);
    clock.advance(1000);

    // (b) nobody free (agent 1 on a call, agent 2 rung, agents 3 and 4 offline): it waits.
    const callB = await sim().call('+14155550002', tenant.number);
    expect((await sim().get<{ state: string }>(`/calls/${callB}`)).body.state).toBe('queued');
    clock.advance(1000);

    const lastSeqs = [a0, a1, a2, a3].map((c) => c.events.at(-1)?.seq ?? 0);
    const jobsBefore = await db.selectFrom('jobs').select(['kind', 'ref_id', 'due_at']).execute();
    expect(jobsBefore.map((j) => [j.kind, j.due_at])).toEqual([
      ['offer_timeout', offeredAt + RING_TIMEOUT_S * 1000],
    ]);

    await restart();
    expect(await db.selectFrom('jobs').select(['kind', 'ref_id', 'due_at']).execute()).toEqual(jobsBefore);

    // Sessions survive: every agent reconnects with its token and misses nothing.
    const b0 = await reconnect(tokens[0]!, lastSeqs[0]);
    const b1 = await reconnect(tokens[1]!, lastSeqs[1]);
    const b2 = await reconnect(tokens[2]!);
    const b3 = await reconnect(tokens[3]!);
    expect(b0.welcome).toMatchObject({ resumed: true, seq: lastSeqs[0], user: { id: tenant.agents[0]!.id } });
    expect(b1.welcome).toMatchObject({ resumed: true, seq: lastSeqs[1], user: { id: tenant.agents[1]!.id } });

    // (a) is still connected, the caller on hold and the agent muted.
    const activeA = await b0.request<{ calls: CallLike[] }>('getActiveCalls');
    expect(activeA.calls.map((c) => c.callId)).toEqual([callA]);
    const viewA = activeA.calls[0]!;
    expect(viewA).toMatchObject({ state: 'connected', me: meA });
    expect(viewA.participants.find((p) => p.id === callerA)).toMatchObject({ state: 'held', onHold: true });
    expect(viewA.participants.find((p) => p.id === meA)).toMatchObject({ muted: true, state: 'connected' });
    expect((await b0.request<{ state: string }>('getAgentStatus')).state).toBe('on_call');

    // (c) still rings agent 2, with the same deadline.
    const activeC = await b1.request<{ calls: CallLike[] }>('getActiveCalls');
    expect(activeC.calls.map((c) => [c.callId, c.state, c.offerExpiresAt])).toEqual([
      [callC, 'ringing', offeredAt + RING_TIMEOUT_S * 1000],
    ]);

    // (b) still waits in the queue, behind (c) which rings.
    const stats = await b2.request<{
      queues: Array<{ queueId: string; waiting: number; calls: Array<{ callId: string }> }>;
    }>('getQueueStats');
    expect(stats.queues.map((q) => [q.queueId, q.waiting, q.calls.map((c) => c.callId)])).toEqual([
      [tenant.queueId, 2, [callC, callB]],
    ]);

    // (b) is offered as soon as an agent becomes available.
    await b2.goAvailable();
    const offerB = await b2.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callB);
    expect(offerB.data.call?.state).toBe('ringing');
    await b2.request('acceptCall', { callId: callB });
    await b3.goAvailable(); // free for (c) once its ring timeout fires
    expect(b3.names()).toEqual([]);

    // (c): the ring timeout set before the restart fires after it; the call goes to the next agent.
    const expires = offeredAt + RING_TIMEOUT_S * 1000;
    clock.advance(expires - 1 - clock.now());
    expect(await run!.service.scheduler.runDue()).toBe(0);
    expect(b1.names()).toEqual([]);
    clock.advance(1);
    expect(await run!.service.scheduler.runDue()).toBe(1);
    const missed = await b1.waitFor('HANGUP', (e) => e.data.call?.callId === callC);
    expect(missed.data).toMatchObject({
      reason: 'error',
      agentStatus: 'MissedCallAgent',
      closeCallOnError: false,
    });
    expect(await b1.request('getAgentStatus')).toMatchObject({ state: 'available' });
    const next = await b3.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callC);
    expect(next.data.call?.state).toBe('ringing');
    await b3.request('acceptCall', { callId: callC });

    // (a): the caller hangs up; the agent gets HANGUP and after-call work.
    expect((await sim().post(`/calls/${callA}/hangup`)).status).toBe(200);
    const hangup = await b0.waitFor('HANGUP', (e) => e.data.call?.callId === callA);
    expect(hangup.data.reason).toBe('ended');
    await b0.waitFor('AFTER_CALL_WORK_STARTED');
    const endedA = await sim().get<{ state: string; endReason: string; holdMs: number }>(`/calls/${callA}`);
    expect(endedA.body).toMatchObject({ state: 'ended', endReason: 'caller_hangup' });
    // The caller was on hold from before the restart until the hang-up.
    expect(endedA.body.holdMs).toBe(clock.now() - (offeredAt - 1000));

    // Every reconnected stream stayed gapless across the restart.
    for (const [c, from] of [
      [b0, lastSeqs[0]!],
      [b1, lastSeqs[1]!],
    ] as const) {
      expect(c.events.map((e) => e.seq)).toEqual(
        Array.from({ length: c.events.length }, (_, i) => from + 1 + i),
      );
    }
  });

  it('keeps after-call work and an enqueued next state', async () => {
    const a0 = await login('agent1');
    await a0.goAvailable();
    const callId = await new Sim(run!).call('+14155550001', tenant.number);
    await a0.waitFor('CALL_STARTED');
    await a0.request('acceptCall', { callId });
    await a0.request('setAgentStatus', { statusId: STATUS.busy, enqueueNextState: true });
    await a0.request('endCall', { callId });
    await a0.waitFor('AFTER_CALL_WORK_STARTED');
    const token = a0.token;

    await restart();
    const b0 = await reconnect(token);
    expect(await b0.request('getAgentStatus')).toMatchObject({
      state: 'after_call_work',
      nextState: { state: 'busy' },
    });
    expect(await b0.request('wrapUp', { callId })).toMatchObject({ state: 'busy', nextState: null });
    await b0.waitFor('WRAP_UP_ENDED');
  });
});
