/**
 * Tenant isolation: a user of one contact center can neither see nor change what belongs to another
 * (calls, agents, queues, flows, phone book), and another tenant's call looks exactly like a call
 * that does not exist.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import * as tenants from '../src/engine/tenants.ts';
import { useService } from './context.ts';
import {
  STATUS,
  TEST_PASSWORD,
  createTenant,
  eventSeqOf,
  postLogin,
  type AgentClient,
  type CallLike,
  type Tenant,
} from './harness.ts';

const ctx = useService({ agents: 2, numberSuffix: 1001, settings: { ringTimeoutSeconds: 20 } });
/** Two tenants of the same service: A (the service's own) and B. */
let a: Tenant;
let b: Tenant;

beforeEach(async () => {
  a = ctx.tenant;
  b = await createTenant(ctx.dbh.db, { agents: 2, numberSuffix: 2002, settings: { ringTimeoutSeconds: 20 } });
});

/** A call id that looks real but belongs to nobody. */
const UNKNOWN_CALL = 'CAxxxxxxxxxxxxxxxxxxxxxxxx';

/** The error of `method` on `callId`, with the id masked, so that it can be compared with another id's. */
async function maskedRefusal(
  c: AgentClient,
  method: string,
  callId: string,
  extra: Record<string, unknown> = {},
): Promise<{ code: string; message: string }> {
  const err = await c.refuse(method, { callId, ...extra });
  return { code: err.code, message: err.message.replaceAll(callId, '<call>') };
}

async function callDetail(callId: string): Promise<Record<string, unknown>> {
  const res = await ctx.sim.get(`/calls/${callId}`);
  expect(res.status).toBe(200);
  return res.body;
}

/** Sum of the event sequences of every user of a tenant: grows with every event any of them gets. */
async function tenantEventCount(tenant: Tenant): Promise<number> {
  const rows = await ctx.dbh.db
    .selectFrom('users')
    .innerJoin('agent_streams', 'agent_streams.user_id', 'users.id')
    .select('event_seq')
    .where('contact_center_id', '=', tenant.ccId)
    .execute();
  return rows.reduce((sum, r) => sum + r.event_seq, 0);
}

/** Every frame but the welcome and the responses: what a socket got pushed. */
function pushed(c: AgentClient): Array<Record<string, unknown>> {
  return c.frames.filter((f) => f.type !== 'welcome' && f.type !== 'response');
}

/** B's agent 1 on a connected inbound call; returns the call and the caller's participant id. */
async function connectedCallInB(b0: AgentClient): Promise<{ callId: string; callerId: string }> {
  await b0.goAvailable();
  const callId = await ctx.sim.call('+14155550101', b.number);
  await b0.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callId);
  await b0.request('acceptCall', { callId });
  await b0.waitFor('CALL_CONNECTED', (e) => e.data.call?.callId === callId);
  const caller = (await callDetail(callId)).participants as Array<{ id: string; role: string }>;
  return { callId, callerId: caller.find((p) => p.role === 'initial_caller')!.id };
}

describe("another tenant's call", () => {
  it('cannot be accepted or declined from another tenant while it rings, and keeps ringing', async () => {
    const b0 = await ctx.login(b, 'agent1');
    const a0 = await ctx.login(a, 'agent1');
    await b0.goAvailable();
    await a0.goAvailable();
    const callId = await ctx.sim.call('+14155550101', b.number);
    await b0.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callId);
    const before = await callDetail(callId);
    const bSeq = await eventSeqOf(ctx.dbh.db, b.agents[0]!.id);

    for (const method of ['acceptCall', 'declineCall']) {
      const unknown = await maskedRefusal(a0, method, UNKNOWN_CALL);
      const foreign = await maskedRefusal(a0, method, callId);
      expect(foreign).toEqual(unknown);
      expect(foreign.code).toBe(
        method === 'acceptCall' ? 'CAN_NOT_ACCEPT_THE_CALL' : 'CAN_NOT_DECLINE_THE_CALL',
      );
    }

    expect(await callDetail(callId)).toEqual(before);
    expect(before).toMatchObject({ state: 'ringing' });
    expect(await eventSeqOf(ctx.dbh.db, b.agents[0]!.id)).toBe(bSeq);
    expect((await a0.request<{ state: string }>('getAgentStatus')).state).toBe('available');
    expect((await a0.request<{ calls: unknown[] }>('getActiveCalls')).calls).toEqual([]);
    expect(pushed(a0)).toEqual([]);

    // B's own agent can still take it.
    const accepted = await b0.request<{ call: CallLike }>('acceptCall', { callId });
    expect(accepted.call.state).toBe('connected');
  });

  it('cannot be ended, held, muted, supervised or barged into from another tenant', async () => {
    const b0 = await ctx.login(b, 'agent1');
    const a0 = await ctx.login(a, 'agent1');
    const boss = await ctx.login(a, 'boss');
    const { callId, callerId } = await connectedCallInB(b0);
    const before = await callDetail(callId);
    const bSeqs = await tenantEventCount(b);

    const attempts: Array<[AgentClient, string, Record<string, unknown>, string]> = [
      [a0, 'endCall', {}, 'CAN_NOT_END_THE_CALL'],
      [a0, 'hold', { participantId: callerId }, 'CAN_NOT_HOLD_CALL'],
      [a0, 'resume', { participantId: callerId }, 'CAN_NOT_RESUME_CALL'],
      [a0, 'mute', {}, 'CAN_NOT_MUTE_CALL'],
      [a0, 'unmute', {}, 'CAN_NOT_UNMUTE_CALL'],
      [a0, 'removeParticipant', { participantId: callerId }, 'INVALID_PARTICIPANT'],
      [a0, 'pauseRecording', {}, 'CAN_NOT_PAUSE_RECORDING'],
      [a0, 'swap', {}, 'CAN_NOT_SWAP_PARTICIPANTS'],
      [a0, 'conference', {}, 'CAN_NOT_CONFERENCE'],
      [a0, 'sendDigits', { digits: '123' }, 'INVALID_PARAMS'],
      [boss, 'superviseCall', {}, 'CAN_NOT_SUPERVISE_CALL'],
      [boss, 'bargeIn', {}, 'CAN_NOT_BARGE_IN_CALL'],
      [boss, 'supervisorDisconnect', {}, 'CAN_NOT_DISCONNECT_SUPERVISOR'],
    ];
    for (const [client, method, extra, code] of attempts) {
      const unknown = await maskedRefusal(client, method, UNKNOWN_CALL, extra);
      const foreign = await maskedRefusal(client, method, callId, extra);
      expect(foreign, method).toEqual(unknown);
      expect(foreign.code, method).toBe(code);
    }
    // An add-participant on B's call, towards A's own queue.
    const addUnknown = await maskedRefusal(a0, 'addParticipant', UNKNOWN_CALL, {
      destination: { type: 'queue', queueId: a.queueId },
      blind: false,
    });
    const addForeign = await maskedRefusal(a0, 'addParticipant', callId, {
      destination: { type: 'queue', queueId: a.queueId },
      blind: false,
    });
    expect(addForeign).toEqual(addUnknown);
    expect(addForeign.code).toBe('CAN_NOT_ADD_PARTICIPANT');

    const after = await callDetail(callId);
    expect(after).toEqual(before);
    expect(after).toMatchObject({ state: 'connected', dtmf: '', recording: { paused: false } });
    expect((after.participants as unknown[]).length).toBe(2);
    expect(await tenantEventCount(b)).toBe(bSeqs);
    expect(await tenantEventCount(a)).toBe(0);
    expect((await b0.request<{ state: string }>('getAgentStatus')).state).toBe('on_call');
    expect((await boss.request<{ calls: unknown[] }>('getActiveCalls')).calls).toEqual([]);
  });

  it('cannot be the origin of a callback dial, nor be driven by the desk phone of an agent of another tenant', async () => {
    const b0 = await ctx.login(b, 'agent1');
    const a0 = await ctx.login(a, 'agent1');
    await a0.goAvailable();
    const { callId } = await connectedCallInB(b0);
    const before = await callDetail(callId);
    const bSeqs = await tenantEventCount(b);

    const unknown = await a0.refuse('dial', {
      destination: { type: 'phoneNumber', phoneNumber: '+14155550166' },
      callback: { initialCallId: UNKNOWN_CALL },
    });
    const foreign = await a0.refuse('dial', {
      destination: { type: 'phoneNumber', phoneNumber: '+14155550166' },
      callback: { initialCallId: callId },
    });
    expect(foreign.code).toBe(unknown.code);
    expect(foreign.message.replaceAll(callId, '<call>')).toBe(
      unknown.message.replaceAll(UNKNOWN_CALL, '<call>'),
    );
    expect(
      await ctx.dbh.db.selectFrom('calls').select('id').where('contact_center_id', '=', a.ccId).execute(),
    ).toEqual([]);
    expect((await a0.request<{ state: string }>('getAgentStatus')).state).toBe('available');

    for (const action of ['hangup', 'hold', 'mute', 'answer']) {
      const res = await ctx.sim.post(`/agents/${a.agents[0]!.id}/deskphone/${action}`, { callId });
      expect(res.status, action).toBe(404);
      expect(res.body).toMatchObject({ error: { code: 'NOT_FOUND' } });
    }
    expect(await callDetail(callId)).toEqual(before);
    expect(await tenantEventCount(b)).toBe(bSeqs);
    expect(pushed(a0)).toEqual([]);
  });

  it('is not a legal hold target from a call of our own (its participant is unknown here)', async () => {
    const b0 = await ctx.login(b, 'agent1');
    const a0 = await ctx.login(a, 'agent1');
    const { callId: bCall, callerId: bCaller } = await connectedCallInB(b0);
    await a0.goAvailable();
    const aCall = await ctx.sim.call('+14155550102', a.number);
    await a0.waitFor('CALL_STARTED', (e) => e.data.call?.callId === aCall);
    await a0.request('acceptCall', { callId: aCall });
    const beforeB = await callDetail(bCall);
    const beforeA = await callDetail(aCall);

    const err = await a0.refuse('hold', { callId: aCall, participantId: bCaller });
    expect(err.code).toBe('INVALID_PARTICIPANT');
    const err2 = await a0.refuse('removeParticipant', { callId: aCall, participantId: bCaller });
    expect(err2.code).toBe('INVALID_PARTICIPANT');
    expect(await callDetail(bCall)).toEqual(beforeB);
    expect(await callDetail(aCall)).toEqual(beforeA);
  });
});

describe("another tenant's agents, queues and flows", () => {
  it('are not valid destinations for dial or addParticipant (INVALID_DESTINATION)', async () => {
    await tenants.createFlow(ctx.dbh.db, {
      contactCenterId: b.ccId,
      devName: 'B_Flow',
      fallbackQueueId: b.queueId,
    });
    const b1 = await ctx.login(b, 'agent2');
    await b1.goAvailable();
    const a0 = await ctx.login(a, 'agent1');
    await a0.goAvailable();
    const bSeqs = await tenantEventCount(b);

    const destinations = [
      { type: 'agent', userId: b.agents[1]!.id },
      { type: 'agent', userId: b.supervisor.id },
      { type: 'queue', queueId: b.queueId },
      { type: 'flow', flowName: 'B_Flow' },
    ];
    for (const destination of destinations) {
      const err = await a0.refuse('dial', { destination });
      expect(err.code, JSON.stringify(destination)).toBe('INVALID_DESTINATION');
    }
    expect((await a0.request<{ state: string }>('getAgentStatus')).state).toBe('available');
    const callsOfA = await ctx.dbh.db
      .selectFrom('calls')
      .select('id')
      .where('contact_center_id', '=', a.ccId)
      .execute();
    expect(callsOfA).toEqual([]);

    // The same from a connected call of A: nothing is added, the caller is not held.
    const aCall = await ctx.sim.call('+14155550103', a.number);
    await a0.waitFor('CALL_STARTED', (e) => e.data.call?.callId === aCall);
    await a0.request('acceptCall', { callId: aCall });
    const before = await callDetail(aCall);
    const aEvents = a0.events.length;
    for (const destination of destinations) {
      for (const blind of [false, true]) {
        const err = await a0.refuse('addParticipant', { callId: aCall, destination, blind });
        expect(err.code, `${JSON.stringify(destination)} blind=${blind}`).toBe('INVALID_DESTINATION');
      }
    }
    expect(await callDetail(aCall)).toEqual(before);
    expect(a0.events.length).toBe(aEvents);
    expect((await a0.request<{ state: string }>('getAgentStatus')).state).toBe('on_call');

    // B's agent was never rung and is still available.
    expect(await tenantEventCount(b)).toBe(bSeqs);
    expect(pushed(b1)).toEqual([]);
    expect((await b1.request<{ state: string }>('getAgentStatus')).state).toBe('available');
  });

  it("are absent from the phone book, queue statistics and the supervisor's list of calls", async () => {
    await tenants.createFlow(ctx.dbh.db, {
      contactCenterId: b.ccId,
      devName: 'B_Flow',
      fallbackQueueId: b.queueId,
    });
    await tenants.addPhonebookEntry(ctx.dbh.db, {
      contactCenterId: b.ccId,
      name: 'B Partner',
      phoneNumber: '+14155550199',
    });
    const aFlow = await tenants.createFlow(ctx.dbh.db, {
      contactCenterId: a.ccId,
      devName: 'A_Flow',
      fallbackQueueId: a.queueId,
    });
    // B: one connected call and one waiting call; A: one waiting call.
    const b0 = await ctx.login(b, 'agent1');
    const { callId: bConnected } = await connectedCallInB(b0);
    const bWaiting = await ctx.sim.call('+14155550104', b.number);
    const a1 = await ctx.login(a, 'agent2');
    await a1.request('setAgentStatus', { statusId: STATUS.busy });
    const aWaiting = await ctx.sim.call('+14155550105', a.number);
    const boss = await ctx.login(a, 'boss');

    const contacts = await boss.request<{ contacts: Array<{ id: string; type: string }>; total: number }>(
      'getPhoneContacts',
      { limit: 500 },
    );
    expect(contacts.contacts.map((c) => c.id).sort()).toEqual(
      [...a.agents.map((x) => x.id), a.queueId, aFlow].sort(),
    );
    expect(contacts.total).toBe(4);
    const searched = await boss.request<{ contacts: Array<{ id: string }> }>('getPhoneContacts', {
      contains: 'B',
    });
    expect(searched.contacts).toEqual([]);
    const agentsNamed = await boss.request<{ contacts: Array<{ id: string }> }>('getPhoneContacts', {
      contains: 'Agent',
      types: ['Agent'],
    });
    expect(agentsNamed.contacts.map((c) => c.id).sort()).toEqual(a.agents.map((x) => x.id).sort());

    const stats = await boss.request<{
      queues: Array<{ queueId: string; waiting: number; calls: Array<{ callId: string }> }>;
    }>('getQueueStats');
    expect(stats.queues.map((q) => q.queueId)).toEqual([a.queueId]);
    expect(stats.queues[0]!.waiting).toBe(1);
    expect(stats.queues[0]!.calls.map((c) => c.callId)).toEqual([aWaiting]);

    const active = await boss.request<{ calls: CallLike[] }>('listActiveCalls');
    expect(active.calls.map((c) => c.callId)).toEqual([aWaiting]);
    expect(active.calls.map((c) => c.callId)).not.toContain(bConnected);
    expect(active.calls.map((c) => c.callId)).not.toContain(bWaiting);

    // An agent of A sees the same phone book (minus themselves).
    const agentView = await a1.request<{ contacts: Array<{ id: string }> }>('getPhoneContacts', {});
    expect(agentView.contacts.map((c) => c.id).sort()).toEqual(
      [a.agents[0]!.id, a.supervisor.id, a.queueId, aFlow].sort(),
    );
  });
});

describe("another tenant's agent status", () => {
  it("cannot be changed by a supervisor of another tenant; the agent's status stays as it was", async () => {
    const b0 = await ctx.login(b, 'agent1');
    await b0.goAvailable();
    const boss = await ctx.login(a, 'boss');
    const before = await b0.request<Record<string, unknown>>('getAgentStatus');
    const bSeq = await eventSeqOf(ctx.dbh.db, b.agents[0]!.id);

    const unknown = await boss.refuse('setUserStatus', { userId: 'USxxxxxxxxxxxxxxxx', state: 'busy' });
    for (const state of ['busy', 'offline', 'available']) {
      const err = await boss.refuse('setUserStatus', { userId: b.agents[0]!.id, state, reason: 'Meeting' });
      expect(err.code).toBe(unknown.code);
      expect(err.code).toBe('INVALID_PARAMS');
    }
    expect(await b0.request('getAgentStatus')).toEqual(before);
    expect(before).toMatchObject({ state: 'available' });
    expect(await eventSeqOf(ctx.dbh.db, b.agents[0]!.id)).toBe(bSeq);
    expect(pushed(b0)).toEqual([]);

    // The same supervisor can change its own tenant's agent.
    const own = await boss.request<{ state: string }>('setUserStatus', {
      userId: a.agents[0]!.id,
      state: 'busy',
      reason: 'Meeting',
    });
    expect(own.state).toBe('busy');
  });
});

describe("another tenant's events", () => {
  it("never reach this tenant's sockets, through a whole call of the other tenant", async () => {
    const a0 = await ctx.login(a, 'agent1');
    const a1 = await ctx.login(a, 'agent2');
    const aBoss = await ctx.login(a, 'boss');
    await a0.goAvailable();
    await a1.goAvailable();
    const b0 = await ctx.login(b, 'agent1');
    const bBoss = await ctx.login(b, 'boss');
    const { callId, callerId } = await connectedCallInB(b0);
    await bBoss.request('superviseCall', { callId });
    await bBoss.request('bargeIn', { callId });
    await b0.request('hold', { callId, participantId: callerId });
    await b0.request('resume', { callId, participantId: callerId });
    await b0.request('mute', { callId });
    await ctx.sim.post(`/calls/${callId}/audio-stats`, {
      stats: [{ inputChannelStats: { packetsCount: 1 } }],
    });
    await bBoss.request('setUserStatus', { userId: b.agents[1]!.id, state: 'busy', reason: 'Training' });
    expect((await ctx.sim.post(`/calls/${callId}/hangup`)).status).toBe(200);
    await b0.waitFor('HANGUP', (e) => e.data.call?.callId === callId);
    await b0.request('wrapUp', { callId });
    await b0.waitFor('WRAP_UP_ENDED');
    expect(b0.events.length).toBeGreaterThanOrEqual(8);

    // A's sockets saw nothing but their own responses, and A's users have no stored event.
    for (const c of [a0, a1, aBoss]) {
      await c.request('getAgentStatus');
      expect(pushed(c)).toEqual([]);
      expect(c.events).toEqual([]);
    }
    expect(await tenantEventCount(a)).toBe(0);
    const aRows = await ctx.dbh.db
      .selectFrom('agent_events')
      .innerJoin('users', 'users.id', 'agent_events.user_id')
      .select('agent_events.data_json')
      .where('users.contact_center_id', '=', a.ccId)
      .execute();
    expect(aRows).toEqual([]);
  });
});

describe('login', () => {
  it("fails with one tenant's org id and the other tenant's contact center", async () => {
    for (const [org, cc] of [
      [a.orgId, b.apiName],
      [b.orgId, a.apiName],
    ]) {
      const res = await postLogin(ctx.run, {
        orgId: org,
        contactCenter: cc,
        username: 'agent1',
        password: TEST_PASSWORD,
      });
      expect(res.status).toBe(401);
      expect(res.body.error?.code).toBe('AUTHENTICATION_ERROR');
    }
    const sessions = await ctx.dbh.db.selectFrom('sessions').select('id').execute();
    expect(sessions).toEqual([]);
    // The right pairs work.
    const ok = await ctx.login(a, 'agent1');
    expect(ok.userId).toBe(a.agents[0]!.id);
    const okB = await ctx.login(b, 'agent1');
    expect(okB.userId).toBe(b.agents[0]!.id);
  });
});
