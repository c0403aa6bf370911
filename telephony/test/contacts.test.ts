import { beforeEach, describe, expect, it } from 'vitest';
import * as tenants from '../src/engine/tenants.ts';
import type { QueueStats } from '../src/contracts/agentApi.ts';
import { useService } from './context.ts';
import { RequestError, STATUS, createTenant, type AgentClient } from './harness.ts';

interface Contact {
  id: string;
  type: 'Agent' | 'Queue' | 'PhoneBook' | 'Flow';
  name: string;
  phoneNumber?: string;
  availability?: 'AVAILABLE' | 'BUSY' | 'OFFLINE';
  queueWaitTime?: string;
}

const ctx = useService({ agents: 3, settings: { ringTimeoutSeconds: 600 } });

/** The tenant's second queue ("Billing", only Agent 3), its dialed number, flows and phone book. */
let billingId: string;
let billingNumber: string;
let flowIds: Record<string, string>;
let bookIds: Record<string, string>;

function contacts(c: AgentClient, params: Record<string, unknown> = {}) {
  return c.request<{ contacts: Contact[]; total: number }>('getPhoneContacts', params);
}

async function stats(c: AgentClient): Promise<Record<string, QueueStats>> {
  const { queues } = await c.request<{ queues: QueueStats[] }>('getQueueStats');
  return Object.fromEntries(queues.map((q) => [q.name, q]));
}

async function simStats(): Promise<QueueStats[]> {
  const res = await ctx.sim.get<{ contactCenters: Array<{ contactCenterId: string; queues: QueueStats[] }> }>(
    `/queues?contactCenterId=${ctx.tenant.ccId}`,
  );
  expect(res.status).toBe(200);
  expect(res.body.contactCenters).toHaveLength(1);
  expect(res.body.contactCenters[0]!.contactCenterId).toBe(ctx.tenant.ccId);
  return res.body.contactCenters[0]!.queues;
}

/** One answered call of the Support queue that waited `waitMs` (ringing included): ends in after-call work. */
async function answeredAfter(c: AgentClient, waitMs: number, from: string): Promise<string> {
  const callId = await ctx.sim.call(from, ctx.tenant.number);
  await c.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callId);
  ctx.clock.advance(waitMs);
  await c.request('acceptCall', { callId });
  return callId;
}

beforeEach(async () => {
  const db = ctx.dbh.db;
  const cc = ctx.tenant.ccId;
  billingId = await tenants.createQueue(db, { contactCenterId: cc, name: 'Billing' });
  await tenants.addQueueMember(db, {
    queueId: billingId,
    memberType: 'user',
    memberId: ctx.tenant.agents[2]!.id,
  });
  billingNumber = await tenants.addPhoneNumber(db, {
    contactCenterId: cc,
    number: '+14155559876',
    target: { type: 'queue', id: billingId },
  });
  flowIds = {
    Escalation: await tenants.createFlow(db, {
      contactCenterId: cc,
      devName: 'Escalation',
      fallbackQueueId: ctx.tenant.queueId,
    }),
    After_Hours: await tenants.createFlow(db, {
      contactCenterId: cc,
      devName: 'After_Hours',
      fallbackQueueId: billingId,
    }),
  };
  bookIds = {};
  for (const [name, phoneNumber] of [
    ['zeta Partners', '+12125550100'],
    ['Acme Support Desk', '+14155550199'],
    ['Bob Builder', '(650) 555-0123'],
  ] as const) {
    bookIds[name] = await tenants.addPhonebookEntry(db, { contactCenterId: cc, name, phoneNumber });
  }
});

describe('getPhoneContacts', () => {
  it('lists the other agents with their availability, queues, flows and the phone book, by type then name', async () => {
    const ada = await ctx.agent(0);
    const carl = await ctx.agent(2);
    await ada.request('setAgentStatus', { statusId: STATUS.available });
    await carl.request('setAgentStatus', { statusId: STATUS.away });

    // Another tenant's agents and phone book stay out of sight.
    const other = await createTenant(ctx.dbh.db, { agents: 2 });
    await tenants.addPhonebookEntry(ctx.dbh.db, {
      contactCenterId: other.ccId,
      name: 'Acme Other',
      phoneNumber: '+14155550111',
    });

    const a = ctx.tenant.agents;
    const res = await contacts(ada);
    expect(res.total).toBe(10);
    expect(res.contacts).toEqual([
      { id: a[1]!.id, type: 'Agent', name: 'Agent 2', availability: 'OFFLINE' },
      { id: a[2]!.id, type: 'Agent', name: 'Agent 3', availability: 'BUSY' },
      { id: ctx.tenant.supervisor.id, type: 'Agent', name: 'The Supervisor', availability: 'OFFLINE' },
      { id: billingId, type: 'Queue', name: 'Billing', queueWaitTime: '0' },
      { id: ctx.tenant.queueId, type: 'Queue', name: 'Support', queueWaitTime: '0' },
      { id: flowIds.After_Hours, type: 'Flow', name: 'After_Hours' },
      { id: flowIds.Escalation, type: 'Flow', name: 'Escalation' },
      {
        id: bookIds['Acme Support Desk'],
        type: 'PhoneBook',
        name: 'Acme Support Desk',
        phoneNumber: '+14155550199',
      },
      { id: bookIds['Bob Builder'], type: 'PhoneBook', name: 'Bob Builder', phoneNumber: '+16505550123' },
      { id: bookIds['zeta Partners'], type: 'PhoneBook', name: 'zeta Partners', phoneNumber: '+12125550100' },
    ]);

    // Another viewer sees Agent 1 (available) and not themselves.
    const agentsForCarl = await contacts(carl, { types: ['Agent'] });
    expect(agentsForCarl.contacts.map((c) => [c.name, c.availability])).toEqual([
      ['Agent 1', 'AVAILABLE'],
      ['Agent 2', 'OFFLINE'],
      ['The Supervisor', 'OFFLINE'],
    ]);
    expect(agentsForCarl.total).toBe(3);
  });

  it('shows an agent whose phone rings, on a call or in after-call work as BUSY', async () => {
    const ada = await ctx.agent(0);
    const grace = await ctx.agent(1);
    await grace.request('setAgentStatus', { statusId: STATUS.available });
    const availability = async () =>
      (await contacts(ada, { types: ['Agent'], contains: 'agent 2' })).contacts.map((c) => c.availability);
    expect(await availability()).toEqual(['AVAILABLE']);

    const callId = await ctx.sim.call('+14155550001', ctx.tenant.number);
    await grace.waitFor('CALL_STARTED');
    expect(await availability()).toEqual(['BUSY']);
    await grace.request('acceptCall', { callId });
    expect(await availability()).toEqual(['BUSY']);
    await grace.request('endCall', { callId });
    expect(await availability()).toEqual(['BUSY']);
    await grace.request('wrapUp', { callId });
    expect(await availability()).toEqual(['AVAILABLE']);
    await grace.request('setAgentStatus', { statusId: STATUS.offline });
    expect(await availability()).toEqual(['OFFLINE']);
  });

  it('searches names and numbers with `contains` (case-insensitive)', async () => {
    const ada = await ctx.agent(0);
    const names = async (params: Record<string, unknown>) => {
      const res = await contacts(ada, params);
      return { names: res.contacts.map((c) => `${c.type}:${c.name}`), total: res.total };
    };
    expect(await names({ contains: 'SUPPORT' })).toEqual({
      names: ['Queue:Support', 'PhoneBook:Acme Support Desk'],
      total: 2,
    });
    expect(await names({ contains: '  esc ' })).toEqual({ names: ['Flow:Escalation'], total: 1 });
    expect(await names({ contains: 'agent' })).toEqual({
      names: ['Agent:Agent 2', 'Agent:Agent 3'],
      total: 2,
    });
    expect(await names({ contains: '2125550' })).toEqual({ names: ['PhoneBook:zeta Partners'], total: 1 });
    expect(await names({ contains: '+1650' })).toEqual({ names: ['PhoneBook:Bob Builder'], total: 1 });
    expect(await names({ contains: 'Zeta' })).toEqual({ names: ['PhoneBook:zeta Partners'], total: 1 });
    expect(await names({ contains: 'nobody by that name' })).toEqual({ names: [], total: 0 });
  });

  it('filters by `types`', async () => {
    const ada = await ctx.agent(0);
    const types = async (t: string[], contains?: string) =>
      (await contacts(ada, { types: t, ...(contains ? { contains } : {}) })).contacts.map(
        (c) => `${c.type}:${c.name}`,
      );
    expect(await types(['Queue'])).toEqual(['Queue:Billing', 'Queue:Support']);
    expect(await types(['PhoneBook', 'Flow'])).toEqual([
      'Flow:After_Hours',
      'Flow:Escalation',
      'PhoneBook:Acme Support Desk',
      'PhoneBook:Bob Builder',
      'PhoneBook:zeta Partners',
    ]);
    expect(await types(['PhoneBook'], 'support')).toEqual(['PhoneBook:Acme Support Desk']);
    expect((await contacts(ada, { types: [] })).total).toBe(10);
    const err = await contacts(ada, { types: ['Robot'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RequestError);
    expect((err as RequestError).code).toBe('INVALID_PARAMS');
  });

  it('pages with `limit` and `offset`; `total` counts every match', async () => {
    const ada = await ctx.agent(0);
    const all = (await contacts(ada)).contacts.map((c) => c.name);
    expect(all).toHaveLength(10);
    const page = async (offset: number, limit: number) => contacts(ada, { offset, limit });

    const p1 = await page(0, 4);
    expect(p1.total).toBe(10);
    expect(p1.contacts.map((c) => c.name)).toEqual(all.slice(0, 4));
    const p2 = await page(4, 4);
    expect(p2.total).toBe(10);
    expect(p2.contacts.map((c) => c.name)).toEqual([
      'Support',
      'After_Hours',
      'Escalation',
      'Acme Support Desk',
    ]);
    const p3 = await page(8, 4);
    expect(p3.contacts.map((c) => c.name)).toEqual(['Bob Builder', 'zeta Partners']);
    expect(await page(20, 4)).toEqual({ contacts: [], total: 10 });

    const filtered = await contacts(ada, { contains: 'e', offset: 1, limit: 2 });
    const everyE = (await contacts(ada, { contains: 'e' })).contacts;
    expect(filtered.total).toBe(everyE.length);
    expect(filtered.contacts).toEqual(everyE.slice(1, 3));

    for (const limit of [0, 501]) {
      const err = await contacts(ada, { limit }).catch((e: unknown) => e);
      expect((err as RequestError).code).toBe('INVALID_PARAMS');
    }
  });

  it('returns 50 contacts by default and up to 500 on request', async () => {
    for (let i = 0; i < 60; i++) {
      await tenants.addPhonebookEntry(ctx.dbh.db, {
        contactCenterId: ctx.tenant.ccId,
        name: `Customer ${String(i).padStart(2, '0')}`,
        phoneNumber: `+1212555${String(1000 + i)}`,
      });
    }
    const ada = await ctx.agent(0);
    const byDefault = await contacts(ada, { types: ['PhoneBook'] });
    expect(byDefault.total).toBe(63);
    expect(byDefault.contacts).toHaveLength(50);
    expect(byDefault.contacts[0]!.name).toBe('Acme Support Desk');
    expect(byDefault.contacts[2]!.name).toBe('Customer 00');
    const big = await contacts(ada, { types: ['PhoneBook'], limit: 500 });
    expect(big.contacts).toHaveLength(63);
    expect(big.contacts[62]!.name).toBe('zeta Partners');
  });
});

describe('getQueueStats', () => {
  it('counts waiting calls, longest first, and GET /sim/v1/queues gives the same numbers', async () => {
    // Staffed (a queue nobody staffs sends callers to voicemail) but not available.
    const ada = await ctx.agent(0);
    const carl = await ctx.agent(2);
    await ada.request('setAgentStatus', { statusId: STATUS.away });
    await carl.request('setAgentStatus', { statusId: STATUS.busy });
    const t0 = ctx.clock.now();
    const a = await ctx.sim.call('+14155550001', ctx.tenant.number);
    ctx.clock.advance(10_000);
    const b = await ctx.sim.call('+14155550002', ctx.tenant.number);
    ctx.clock.advance(15_000);
    const c = await ctx.sim.call('+14155550003', ctx.tenant.number);
    const billing = await ctx.sim.call('+14155550004', billingNumber);
    ctx.clock.advance(15_000);

    const s = await stats(ada);
    expect(Object.keys(s)).toEqual(['Billing', 'Support']);
    expect(s.Support).toEqual({
      queueId: ctx.tenant.queueId,
      name: 'Support',
      waiting: 3,
      longestWaitSeconds: 40,
      estimatedWaitSeconds: 0,
      availableAgents: 0,
      calls: [
        { callId: a, from: '+14155550001', queuedAt: t0, waitSeconds: 40, callType: 'Inbound' },
        { callId: b, from: '+14155550002', queuedAt: t0 + 10_000, waitSeconds: 30, callType: 'Inbound' },
        { callId: c, from: '+14155550003', queuedAt: t0 + 25_000, waitSeconds: 15, callType: 'Inbound' },
      ],
    });
    expect(s.Billing).toMatchObject({
      queueId: billingId,
      waiting: 1,
      longestWaitSeconds: 15,
      availableAgents: 0,
      calls: [{ callId: billing, waitSeconds: 15 }],
    });
    expect(await simStats()).toEqual(Object.values(s));

    // The caller of the longest-waiting call hangs up: the next one is the longest.
    await ctx.sim.post(`/calls/${a}/hangup`);
    const after = (await stats(ada)).Support!;
    expect(after.waiting).toBe(2);
    expect(after.longestWaitSeconds).toBe(30);
    expect(after.calls.map((x) => x.callId)).toEqual([b, c]);
  });

  it('counts available agents (not ringing) and a ringing call as still waiting', async () => {
    const ada = await ctx.agent(0);
    const grace = await ctx.agent(1);
    const carl = await ctx.agent(2);
    for (const x of [ada, grace, carl]) await x.request('setAgentStatus', { statusId: STATUS.available });
    let s = await stats(ada);
    expect(s.Support).toMatchObject({ waiting: 0, availableAgents: 3, estimatedWaitSeconds: 0 });
    expect(s.Billing).toMatchObject({ waiting: 0, availableAgents: 1, estimatedWaitSeconds: 0 });

    const callId = await ctx.sim.call('+14155550001', ctx.tenant.number);
    ctx.clock.advance(7_000);
    s = await stats(ada);
    expect(s.Support).toMatchObject({ waiting: 1, longestWaitSeconds: 7, availableAgents: 2 });
    expect(s.Support!.calls.map((x) => x.callId)).toEqual([callId]);
    expect(await simStats()).toEqual(Object.values(s));
  });

  it('estimates the wait from the last answered calls, the position in line and the staffed members', async () => {
    const ada = await ctx.agent(0);
    const grace = await ctx.agent(1);
    await ada.request('setAgentStatus', { statusId: STATUS.available });

    // Two answered calls that waited 30 s and 90 s: average 60 s.
    const first = await answeredAfter(ada, 30_000, '+14155550001');
    await ada.request('endCall', { callId: first });
    await ada.request('wrapUp', { callId: first });
    const second = await answeredAfter(ada, 90_000, '+14155550002');

    // Ada on a call (staffed), Grace offline (not staffed), nobody waits: position 1 → 60 × 1 / 1.
    let s = await stats(ada);
    expect(s.Support).toMatchObject({ waiting: 0, availableAgents: 0, estimatedWaitSeconds: 60 });
    // Billing's history is its own: nothing answered there yet.
    expect(s.Billing!.estimatedWaitSeconds).toBe(0);

    // One caller waits: the next is second in line → 60 × 2 / 1.
    const third = await ctx.sim.call('+14155550003', ctx.tenant.number);
    s = await stats(ada);
    expect(s.Support).toMatchObject({ waiting: 1, estimatedWaitSeconds: 120 });
    const queueContact = async () =>
      (await contacts(grace, { types: ['Queue'], contains: 'support' })).contacts[0]!.queueWaitTime;
    expect(await queueContact()).toBe('120');

    // Grace is busy but staffed: 60 × 2 / 2.
    await grace.request('setAgentStatus', { statusId: STATUS.away });
    s = await stats(ada);
    expect(s.Support).toMatchObject({ waiting: 1, availableAgents: 0, estimatedWaitSeconds: 60 });
    expect(await queueContact()).toBe('60');
    expect((await simStats()).find((q) => q.name === 'Support')).toEqual(s.Support);

    // Everyone free again and nobody waiting: 0, whatever the history.
    await grace.request('setAgentStatus', { statusId: STATUS.available });
    await grace.waitFor('CALL_STARTED', (e) => e.data.call?.callId === third);
    await ctx.sim.post(`/calls/${third}/hangup`);
    await ada.request('endCall', { callId: second });
    await ada.request('wrapUp', { callId: second });
    s = await stats(ada);
    expect(s.Support).toMatchObject({ waiting: 0, availableAgents: 2, estimatedWaitSeconds: 0 });
    expect(await queueContact()).toBe('0');
  });

  it('averages over the last 20 answered calls only', async () => {
    const ada = await ctx.agent(0);
    await ada.request('setAgentStatus', { statusId: STATUS.available });
    // The oldest answered call waited 400 s, the 20 later ones 10 s each.
    let last = '';
    for (let i = 0; i < 21; i++) {
      if (last) {
        await ada.request('endCall', { callId: last });
        await ada.request('wrapUp', { callId: last });
      }
      last = await answeredAfter(ada, i === 0 ? 400_000 : 10_000, `+1415555${String(2000 + i)}`);
    }
    // Ada on the last call, nobody waits: position 1, one staffed member → the average of the last 20.
    expect((await stats(ada)).Support).toMatchObject({ waiting: 0, estimatedWaitSeconds: 10 });
  });
});
