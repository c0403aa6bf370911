import { describe, expect, it } from 'vitest';
import * as tenants from '../src/engine/tenants.ts';
import { useService } from './context.ts';
import { STATUS, type AgentClient } from './harness.ts';

const ctx = useService({ agents: 3, settings: { ringTimeoutSeconds: 20 } });

const ringing = (c: AgentClient) =>
  c.events.filter((e) => e.event === 'CALL_STARTED').map((e) => e.data.call?.callId);

describe('routing (ACD)', () => {
  it('offers a waiting call to the longest-idle available member, one offer per agent', async () => {
    const [a, b, c] = [await ctx.agent(0), await ctx.agent(1), await ctx.agent(2)];
    await b.goAvailable();
    ctx.clock.advance(1000);
    await c.goAvailable();
    ctx.clock.advance(1000);
    await a.goAvailable();
    const first = await ctx.sim.call('+14155550001', ctx.tenant.number);
    await b.waitFor('CALL_STARTED');
    ctx.clock.advance(1);
    const second = await ctx.sim.call('+14155550002', ctx.tenant.number);
    await c.waitFor('CALL_STARTED');
    ctx.clock.advance(1);
    const third = await ctx.sim.call('+14155550003', ctx.tenant.number);
    await a.waitFor('CALL_STARTED');
    ctx.clock.advance(1);
    expect([ringing(b), ringing(c), ringing(a)]).toEqual([[first], [second], [third]]);
    // Nobody is free: the fourth waits, and nobody gets a second offer.
    const fourth = await ctx.sim.call('+14155550004', ctx.tenant.number);
    const stats = await ctx.sim.get<{
      contactCenters: Array<{ queues: Array<{ waiting: number; calls: Array<{ callId: string }> }> }>;
    }>('/queues');
    const queue = stats.body.contactCenters
      .flatMap((x) => x.queues)
      .find((q) => q.calls.some((w) => w.callId === fourth));
    expect(queue?.calls.map((w) => w.callId)).toEqual([first, second, third, fourth]);
    expect([ringing(a), ringing(b), ringing(c)].flat()).toHaveLength(3);
  });

  it('serves higher-priority queues first, then the longest waiting call', async () => {
    const vip = await tenants.createQueue(ctx.dbh.db, {
      contactCenterId: ctx.tenant.ccId,
      name: 'VIP',
      priority: 5,
    });
    await tenants.addQueueMember(ctx.dbh.db, {
      queueId: vip,
      memberType: 'user',
      memberId: ctx.tenant.agents[0]!.id,
    });
    const vipNumber = await tenants.addPhoneNumber(ctx.dbh.db, {
      contactCenterId: ctx.tenant.ccId,
      number: '+14155559901',
      target: { type: 'queue', id: vip },
    });
    const a = await ctx.agent(0);
    await a.request('setAgentStatus', { statusId: STATUS.away });
    const normal = await ctx.sim.call('+14155550001', ctx.tenant.number);
    ctx.clock.advance(5000);
    const urgent = await ctx.sim.call('+14155550002', vipNumber);
    await a.goAvailable();
    const offered = await a.waitFor('CALL_STARTED');
    expect(offered.data.call?.callId).toBe(urgent);
    expect(normal).not.toBe(urgent);
  });

  it('prefers the member with the better member priority over a longer-idle one', async () => {
    const q = await tenants.createQueue(ctx.dbh.db, {
      contactCenterId: ctx.tenant.ccId,
      name: 'Skills',
      priority: 0,
    });
    await tenants.addQueueMember(ctx.dbh.db, {
      queueId: q,
      memberType: 'user',
      memberId: ctx.tenant.agents[0]!.id,
      priority: 2,
    });
    const group = await tenants.createGroup(ctx.dbh.db, {
      contactCenterId: ctx.tenant.ccId,
      name: 'Experts',
      userIds: [ctx.tenant.agents[1]!.id],
    });
    await tenants.addQueueMember(ctx.dbh.db, {
      queueId: q,
      memberType: 'group',
      memberId: group,
      priority: 1,
    });
    const number = await tenants.addPhoneNumber(ctx.dbh.db, {
      contactCenterId: ctx.tenant.ccId,
      number: '+14155559902',
      target: { type: 'queue', id: q },
    });
    const [a, b] = [await ctx.agent(0), await ctx.agent(1)];
    await a.goAvailable();
    ctx.clock.advance(10_000);
    await b.goAvailable();
    const callId = await ctx.sim.call('+14155550001', number);
    const offered = await b.waitFor('CALL_STARTED');
    expect(offered.data.call?.callId).toBe(callId);
    expect(ringing(a)).toEqual([]);
  });

  it("ranks by each agent's best member priority over direct and group memberships, then falls to the next level", async () => {
    const [id0, id1, id2] = ctx.tenant.agents.map((a) => a.id);
    const q = await tenants.createQueue(ctx.dbh.db, {
      contactCenterId: ctx.tenant.ccId,
      name: 'Tiers',
      priority: 0,
    });
    const member = (memberType: 'user' | 'group', memberId: string, priority: number) =>
      tenants.addQueueMember(ctx.dbh.db, { queueId: q, memberType, memberId, priority });
    const leads = await tenants.createGroup(ctx.dbh.db, {
      contactCenterId: ctx.tenant.ccId,
      name: 'Leads',
      userIds: [id0!],
    });
    await member('user', id2!, 3);
    await member('user', id0!, 2);
    await member('group', leads, 1);
    await member('user', id1!, 1);
    const number = await tenants.addPhoneNumber(ctx.dbh.db, {
      contactCenterId: ctx.tenant.ccId,
      number: '+14155559903',
      target: { type: 'queue', id: q },
    });
    const [a, b, c] = [await ctx.agent(0), await ctx.agent(1), await ctx.agent(2)];
    // Idle order: c (longest), then b, then a.
    await c.goAvailable();
    ctx.clock.advance(1000);
    await b.goAvailable();
    ctx.clock.advance(1000);
    await a.goAvailable();
    const first = await ctx.sim.call('+14155550001', number);
    await b.waitFor('CALL_STARTED');
    const second = await ctx.sim.call('+14155550002', number);
    await a.waitFor('CALL_STARTED');
    const third = await ctx.sim.call('+14155550003', number);
    await c.waitFor('CALL_STARTED');
    // b (priority 1, longer idle), then a (priority 1 through its group, not its direct 2), then c (3).
    expect([ringing(b), ringing(a), ringing(c)]).toEqual([[first], [second], [third]]);
  });

  it('withdraws an unanswered offer at the ring timeout and gives the call to the next agent', async () => {
    const [a, b] = [await ctx.agent(0), await ctx.agent(1)];
    await a.goAvailable();
    ctx.clock.advance(1000);
    await b.goAvailable();
    const callId = await ctx.sim.call('+14155550001', ctx.tenant.number);
    const offer = await a.waitFor('CALL_STARTED');
    expect(offer.data.call?.offerExpiresAt).toBe(ctx.clock.now() + 20_000);
    await ctx.advance(19_000);
    expect(ringing(b)).toEqual([]);
    await ctx.advance(1_000);
    const missed = await a.waitFor('HANGUP');
    expect(missed.data).toMatchObject({
      reason: 'error',
      agentStatus: 'MissedCallAgent',
      closeCallOnError: false,
    });
    expect((await b.waitFor('CALL_STARTED')).data.call?.callId).toBe(callId);
    // No status pushed: the org's "Update Status on Push Time-Out" sets it in Omni-Channel.
    expect(a.events.map((e) => e.event)).not.toContain('SET_AGENT_STATUS');
    await expect(a.request('acceptCall', { callId })).rejects.toMatchObject({
      code: 'CAN_NOT_ACCEPT_THE_CALL',
    });
    await b.request('acceptCall', { callId });
    const detail = await ctx.sim.get<{
      state: string;
      participants: Array<{ role: string; userId: string | null; state: string }>;
    }>(`/calls/${callId}`);
    expect(detail.body.state).toBe('connected');
    expect(detail.body.participants.find((p) => p.role === 'agent')?.userId).toBe(b.userId);
  });

  it('re-queues a declined call to another agent; the decliner stays available, is passed over for one ring timeout, then tried last', async () => {
    const [a, b] = [await ctx.agent(0), await ctx.agent(1)];
    await a.goAvailable();
    ctx.clock.advance(1000);
    await b.goAvailable();
    const callId = await ctx.sim.call('+14155550001', ctx.tenant.number);
    await a.waitFor('CALL_STARTED');
    await a.request('declineCall', { callId });
    const declined = await a.waitFor('HANGUP');
    expect(declined.data).toMatchObject({
      reason: 'error',
      agentStatus: 'DeclinedByAgent',
      closeCallOnError: false,
    });
    expect((await b.waitFor('CALL_STARTED')).data.call?.callId).toBe(callId);
    expect((await a.request<{ state: string }>('getAgentStatus')).state).toBe('available');
    // b declines too: the call waits; one ring timeout after a's decline it comes back to a
    // (everyone declined), nobody is skipped forever.
    await b.request('declineCall', { callId });
    await b.waitFor('HANGUP');
    expect(ringing(a)).toEqual([callId]);
    await ctx.advance(20_000);
    await a.until(() => ringing(a).length === 2, 5000, 'second offer to a');
    expect(ringing(a)).toEqual([callId, callId]);
  });

  it('lets the caller abandon while waiting and while ringing', async () => {
    const a = await ctx.agent(0);
    await a.request('setAgentStatus', { statusId: STATUS.away });
    const waiting = await ctx.sim.call('+14155550001', ctx.tenant.number);
    await a.goAvailable();
    await a.waitFor('CALL_STARTED', (e) => e.data.call?.callId === waiting);
    const queued = await ctx.sim.call('+14155550002', ctx.tenant.number);
    expect((await ctx.sim.post(`/calls/${queued}/hangup`)).status).toBe(200);
    expect((await ctx.sim.post(`/calls/${waiting}/hangup`)).status).toBe(200);
    const hangup = await a.waitFor('HANGUP');
    expect(hangup.data).toMatchObject({
      reason: 'error',
      agentStatus: 'FailedConnectCustomer',
      closeCallOnError: true,
    });
    for (const id of [waiting, queued]) {
      expect((await ctx.sim.get<{ state: string; endReason: string }>(`/calls/${id}`)).body).toMatchObject({
        state: 'ended',
        endReason: 'abandoned',
      });
    }
    expect((await a.request<{ state: string }>('getAgentStatus')).state).toBe('available');
    expect((await ctx.sim.post(`/calls/${waiting}/hangup`)).status).toBe(409);
  });

  it('auto-accepts for agents who chose it', async () => {
    const a = await ctx.agent(0);
    await a.request('setAgentConfig', { autoAccept: true });
    await a.goAvailable();
    const callId = await ctx.sim.call('+14155550001', ctx.tenant.number);
    const connected = await a.waitFor('CALL_CONNECTED');
    expect(connected.data.call?.callId).toBe(callId);
    expect(a.names().slice(-2)).toEqual(['CALL_STARTED', 'CALL_CONNECTED']);
  });

  it('sends the call to voicemail when nobody staffs the queue', async () => {
    const callId = await ctx.sim.call('+14155550001', ctx.tenant.number);
    expect((await ctx.sim.get<{ state: string }>(`/calls/${callId}`)).body.state).toBe('voicemail');
    const left = await ctx.sim.post(`/calls/${callId}/voicemail`, {
      url: 'https://media.test/vm1.wav',
      durationSeconds: 12,
      transcript: 'Please call me back',
    });
    expect(left.status).toBe(200);
    const detail = await ctx.sim.get<{
      state: string;
      origin: string;
      voicemailUrl: string;
      transcript: Array<{ speaker: string; text: string }>;
    }>(`/calls/${callId}`);
    expect(detail.body).toMatchObject({
      state: 'ended',
      origin: 'Voicemail',
      voicemailUrl: 'https://media.test/vm1.wav',
    });
    expect(detail.body.transcript).toEqual([
      expect.objectContaining({ speaker: 'END_USER', text: 'Please call me back' }),
    ]);
  });
});
