/**
 * Queue and group management through the admin API (QueueSetup, GroupSetup): list, create, remove,
 * members; a membership change routes a waiting call at once.
 */
import { describe, expect, it } from 'vitest';
import type { PartnerGroup, PartnerQueue } from '../src/contracts/adminApi.ts';
import * as tenants from '../src/engine/tenants.ts';
import { useAdmin, type ErrorAnswer } from './adminContext.ts';
import { STATUS, salesforceUserId } from './harness.ts';

const ctx = useAdmin();
const cc = () => `/contact-centers/${ctx.tenant.ccId}`;

async function linkAgents(): Promise<void> {
  for (const [i, a] of ctx.tenant.agents.entries())
    await ctx.dbh.db
      .updateTable('users')
      .set({ salesforce_user_id: salesforceUserId(i + 1) })
      .where('id', '=', a.id)
      .execute();
}

const members = (queueId: string) =>
  ctx.dbh.db
    .selectFrom('queue_members')
    .select(['member_type', 'member_id', 'priority'])
    .where('queue_id', '=', queueId)
    .orderBy('member_type')
    .orderBy('member_id')
    .execute();

describe('queues', () => {
  it('lists by name, creates (201), refuses a taken name ignoring case (409) and bad bodies (400)', async () => {
    const created = await ctx.api.post<PartnerQueue>(`${cc()}/queues`, { name: 'Billing', priority: 5 });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^QU/),
      name: 'Billing',
      priority: 5,
      memberCount: 0,
    });
    const defaulted = await ctx.api.post<PartnerQueue>(`${cc()}/queues`, {
      name: 'Accounts',
      priority: null,
    });
    expect(defaulted.body.priority).toBe(0);
    const list = await ctx.api.get<{ queues: PartnerQueue[] }>(`${cc()}/queues`);
    expect(list.body.queues).toEqual([
      defaulted.body,
      created.body,
      { id: ctx.tenant.queueId, name: 'Support', priority: 1, memberCount: ctx.tenant.agents.length },
    ]);

    const taken = await ctx.api.post<ErrorAnswer>(`${cc()}/queues`, { name: 'billing' });
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatchObject({ code: 'CONFLICT', details: { queueId: created.body.id } });
    for (const body of [
      {},
      { name: '' },
      { name: 'x'.repeat(81) },
      { name: 'X', priority: 101 },
      { name: 'X', priority: 1.5 },
      { name: 'X', skill: 1 },
    ])
      expect((await ctx.api.post(`${cc()}/queues`, body)).status, JSON.stringify(body)).toBe(400);
    expect((await ctx.api.get<{ queues: PartnerQueue[] }>(`${cc()}/queues`)).body.queues).toHaveLength(3);
    // Another account's queue list is its own.
    expect((await ctx.otherApi.get(`${cc()}/queues`)).status).toBe(404);
    expect((await ctx.otherApi.post(`${cc()}/queues`, { name: 'Intruder' })).status).toBe(404);
  });

  it('removes a queue nothing uses; refuses one a number, a flow or a waiting call uses (409)', async () => {
    const free = await ctx.api.post<PartnerQueue>(`${cc()}/queues`, { name: 'Free' });
    await tenants.addQueueMember(ctx.dbh.db, {
      queueId: free.body.id,
      memberType: 'user',
      memberId: ctx.tenant.agents[0]!.id,
    });
    expect((await ctx.api.delete(`${cc()}/queues/${free.body.id}`)).body).toEqual({ ok: true });
    expect(await members(free.body.id)).toEqual([]);
    expect((await ctx.api.delete<ErrorAnswer>(`${cc()}/queues/${free.body.id}`)).status).toBe(404);

    const numbered = await ctx.api.delete<ErrorAnswer>(`${cc()}/queues/${ctx.tenant.queueId}`);
    expect(numbered.status).toBe(409);
    expect(numbered.body.error.details).toEqual({ phoneNumber: ctx.tenant.number });

    const fallback = await ctx.api.post<PartnerQueue>(`${cc()}/queues`, { name: 'Fallback' });
    const flow = await tenants.createFlow(ctx.dbh.db, {
      contactCenterId: ctx.tenant.ccId,
      devName: 'AfterHours',
      fallbackQueueId: fallback.body.id,
    });
    const flowed = await ctx.api.delete<ErrorAnswer>(`${cc()}/queues/${fallback.body.id}`);
    expect([flowed.status, flowed.body.error.details]).toEqual([409, { flowId: flow }]);

    // A call waiting in a queue (its agent is away, so the queue is staffed but nobody answers).
    const waitingQueue = await ctx.api.post<PartnerQueue>(`${cc()}/queues`, { name: 'Waiting' });
    await tenants.addQueueMember(ctx.dbh.db, {
      queueId: waitingQueue.body.id,
      memberType: 'user',
      memberId: ctx.tenant.agents[0]!.id,
    });
    const agent = await ctx.login(ctx.tenant, 'agent1');
    await agent.request('setAgentStatus', { statusId: STATUS.away });
    const agent2 = await ctx.login(ctx.tenant, 'agent2');
    await agent2.goAvailable();
    const { call } = await agent2.request<{ call: { callId: string } }>('dial', {
      destination: { type: 'queue', queueId: waitingQueue.body.id },
    });
    const waiting = await ctx.api.delete<ErrorAnswer>(`${cc()}/queues/${waitingQueue.body.id}`);
    expect([waiting.status, waiting.body.error.details]).toEqual([409, { callId: call.callId }]);
    expect(
      (await ctx.api.get<{ queues: PartnerQueue[] }>(`${cc()}/queues`)).body.queues.map((q) => q.name),
    ).toEqual(['Fallback', 'Support', 'Waiting']);
  });

  it('sets the members (users and groups); members who stay keep their priority; unknown ones change nothing (404)', async () => {
    await linkAgents();
    const group = await ctx.api.post<PartnerGroup>(`${cc()}/groups`, { name: 'Tier 1' });
    await ctx.dbh.db
      .updateTable('queue_members')
      .set({ priority: 3 })
      .where('queue_id', '=', ctx.tenant.queueId)
      .where('member_id', '=', ctx.tenant.agents[1]!.id)
      .execute();
    const path = `${cc()}/queues/${ctx.tenant.queueId}/members`;
    const set = await ctx.api.put<PartnerQueue>(path, {
      salesforceUserIds: [salesforceUserId(2), salesforceUserId(2).slice(0, 15)],
      groupIds: [group.body.id],
    });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ id: ctx.tenant.queueId, name: 'Support', priority: 1, memberCount: 2 });
    expect(await members(ctx.tenant.queueId)).toEqual([
      { member_type: 'group', member_id: group.body.id, priority: 1 },
      { member_type: 'user', member_id: ctx.tenant.agents[1]!.id, priority: 3 },
    ]);

    const before = await members(ctx.tenant.queueId);
    const cases: Array<[unknown, number, Record<string, string> | undefined]> = [
      [
        { salesforceUserIds: ['005000000000055AAA'], groupIds: [] },
        404,
        { salesforceUserId: '005000000000055AAA' },
      ],
      [{ salesforceUserIds: [salesforceUserId(1)], groupIds: ['GRnope'] }, 404, { groupId: 'GRnope' }],
      [{ salesforceUserIds: [salesforceUserId(1)] }, 400, { path: '/groupIds' }],
      [{ salesforceUserIds: ['bad'], groupIds: [] }, 400, { path: '/salesforceUserIds/0' }],
    ];
    for (const [body, status, details] of cases) {
      const res = await ctx.api.put<ErrorAnswer>(path, body);
      expect([res.status, res.body.error.details], JSON.stringify(body)).toEqual([status, details]);
    }
    expect(
      (await ctx.api.put(`${cc()}/queues/QUnope/members`, { salesforceUserIds: [], groupIds: [] })).status,
    ).toBe(404);
    expect((await ctx.otherApi.put(path, { salesforceUserIds: [], groupIds: [] })).status).toBe(404);
    expect(await members(ctx.tenant.queueId)).toEqual(before);

    const emptied = await ctx.api.put<PartnerQueue>(path, { salesforceUserIds: [], groupIds: [] });
    expect(emptied.body.memberCount).toBe(0);
  });

  it('routes a waiting call to an agent the change makes a member', async () => {
    await linkAgents();
    const billing = await ctx.api.post<PartnerQueue>(`${cc()}/queues`, { name: 'Billing' });
    const path = `${cc()}/queues/${billing.body.id}/members`;
    await ctx.api.put(path, { salesforceUserIds: [salesforceUserId(1)], groupIds: [] });
    const number = await tenants.addPhoneNumber(ctx.dbh.db, {
      contactCenterId: ctx.tenant.ccId,
      number: '+14155557777',
      target: { type: 'queue', id: billing.body.id },
    });
    const away = await ctx.login(ctx.tenant, 'agent1');
    await away.request('setAgentStatus', { statusId: STATUS.away });
    const agent2 = await ctx.login(ctx.tenant, 'agent2');
    await agent2.goAvailable();
    const callId = await ctx.sim.call('+14155550123', number);
    await new Promise((r) => setTimeout(r, 100));
    expect(agent2.names()).not.toContain('CALL_STARTED');

    await ctx.api.put(path, { salesforceUserIds: [salesforceUserId(1), salesforceUserId(2)], groupIds: [] });
    await agent2.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callId);
  });
});

describe('groups', () => {
  it('lists, creates with a description (201), refuses a taken name (409) and bad bodies (400)', async () => {
    const created = await ctx.api.post<PartnerGroup>(`${cc()}/groups`, {
      name: 'Tier 2',
      description: 'Escalations',
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^GR/),
      name: 'Tier 2',
      description: 'Escalations',
      memberCount: 0,
    });
    const plain = await ctx.api.post<PartnerGroup>(`${cc()}/groups`, { name: 'Tier 1', description: null });
    expect((await ctx.api.get<{ groups: PartnerGroup[] }>(`${cc()}/groups`)).body.groups).toEqual([
      { ...plain.body, description: null },
      created.body,
    ]);
    expect((await ctx.api.post(`${cc()}/groups`, { name: 'TIER 2' })).status).toBe(409);
    for (const body of [
      { name: '' },
      { name: 'X', description: 'd'.repeat(256) },
      { name: 'X', members: [] },
    ])
      expect((await ctx.api.post(`${cc()}/groups`, body)).status).toBe(400);
    expect((await ctx.api.get<{ groups: PartnerGroup[] }>(`${cc()}/groups`)).body.groups).toHaveLength(2);
    expect((await ctx.otherApi.get(`${cc()}/groups`)).status).toBe(404);
  });

  it('applies added and removed members; refuses an id in both (400) and unknown users (404), changing nothing', async () => {
    await linkAgents();
    const group = await ctx.api.post<PartnerGroup>(`${cc()}/groups`, { name: 'Tier 1' });
    const path = `${cc()}/groups/${group.body.id}/members`;
    const added = await ctx.api.post<PartnerGroup>(path, {
      add: [salesforceUserId(1), salesforceUserId(2)],
      remove: [],
    });
    expect(added.body.memberCount).toBe(2);
    const changed = await ctx.api.post<PartnerGroup>(path, {
      add: [salesforceUserId(2), salesforceUserId(3)],
      remove: [salesforceUserId(1)],
    });
    expect(changed.body.memberCount).toBe(2);
    const noop = await ctx.api.post<PartnerGroup>(path, { remove: [salesforceUserId(1)] });
    expect(noop.body.memberCount).toBe(2);

    const groupMembers = () =>
      ctx.dbh.db
        .selectFrom('group_members')
        .select('user_id')
        .where('group_id', '=', group.body.id)
        .orderBy('user_id')
        .execute();
    const before = await groupMembers();
    expect(before.map((m) => m.user_id).sort()).toEqual(
      [ctx.tenant.agents[1]!.id, ctx.tenant.agents[2]!.id].sort(),
    );
    const both = await ctx.api.post<ErrorAnswer>(path, {
      add: [salesforceUserId(1)],
      remove: [salesforceUserId(1)],
    });
    expect([both.status, both.body.error.code]).toEqual([400, 'INVALID_PARAMS']);
    const unknown = await ctx.api.post<ErrorAnswer>(path, {
      add: [salesforceUserId(1), '005000000000055AAA'],
    });
    expect([unknown.status, unknown.body.error.details]).toEqual([
      404,
      { salesforceUserId: '005000000000055AAA' },
    ]);
    expect((await ctx.api.post(`${cc()}/groups/GRnope/members`, { add: [] })).status).toBe(404);
    expect((await ctx.otherApi.post(path, { add: [salesforceUserId(1)] })).status).toBe(404);
    expect(await groupMembers()).toEqual(before);
  });

  it('removes a group with its queue memberships', async () => {
    const group = await ctx.api.post<PartnerGroup>(`${cc()}/groups`, { name: 'Tier 1' });
    await ctx.api.put(`${cc()}/queues/${ctx.tenant.queueId}/members`, {
      salesforceUserIds: [],
      groupIds: [group.body.id],
    });
    expect((await ctx.api.delete(`${cc()}/groups/${group.body.id}`)).body).toEqual({ ok: true });
    expect(await members(ctx.tenant.queueId)).toEqual([]);
    expect((await ctx.api.get<{ groups: PartnerGroup[] }>(`${cc()}/groups`)).body.groups).toEqual([]);
    expect((await ctx.api.delete(`${cc()}/groups/${group.body.id}`)).status).toBe(404);
  });
});
