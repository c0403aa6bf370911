import { describe, expect, it } from 'vitest';
import * as tenants from '../src/engine/tenants.ts';
import type { PresenceRule } from '../src/domain/presenceRules.ts';
import { useService } from './context.ts';
import { STATUS, refusal, type AgentClient, type EventFrame } from './harness.ts';

interface AgentStatus {
  state: string;
  reason: string | null;
  since: number;
  salesforceStatusId: string | null;
  nextState: { state: string; reason: string | null } | null;
}

const ctx = useService({ agents: 3, settings: { ringTimeoutSeconds: 20 } });

function status(c: AgentClient): Promise<AgentStatus> {
  return c.request<AgentStatus>('getAgentStatus');
}

function setStatus(c: AgentClient, statusId: string, extra: Record<string, unknown> = {}) {
  return c.request<AgentStatus>('setAgentStatus', { statusId, ...extra });
}

function rule(ccId: string, name: string, r: PresenceRule): Promise<string> {
  return tenants.createPresenceRule(ctx.dbh.db, { contactCenterId: ccId, name, rule: r });
}

function named(c: AgentClient, name: string): EventFrame[] {
  return c.events.filter((e) => e.event === name);
}

function offersOf(c: AgentClient, callId: string): EventFrame[] {
  return c.events.filter((e) => e.event === 'CALL_STARTED' && e.data.call?.callId === callId);
}

/** Events reach a socket before the reply to any later request on it: a round trip flushes them. */
async function flush(c: AgentClient): Promise<void> {
  await status(c);
}

describe('setAgentStatus / getAgentStatus (default mapping)', () => {
  it('maps each Salesforce status, keeps the time in state, and reports the status back', async () => {
    const ada = await ctx.agent(0);
    expect(await status(ada)).toMatchObject({
      state: 'offline',
      reason: null,
      salesforceStatusId: '0',
      nextState: null,
    });

    const t0 = ctx.clock.now();
    expect(await setStatus(ada, STATUS.available)).toEqual({
      state: 'available',
      reason: null,
      since: t0,
      salesforceStatusId: STATUS.available,
      nextState: null,
    });

    ctx.clock.advance(90_000);
    expect((await status(ada)).since).toBe(t0);

    const t1 = ctx.clock.now();
    expect(await setStatus(ada, STATUS.away)).toEqual({
      state: 'busy',
      reason: 'Away',
      since: t1,
      salesforceStatusId: STATUS.away,
      nextState: null,
    });

    // Picking the same status again is no change: the time in state goes on.
    ctx.clock.advance(10_000);
    expect((await setStatus(ada, STATUS.away)).since).toBe(t1);

    ctx.clock.advance(5_000);
    expect(await setStatus(ada, STATUS.busy)).toMatchObject({
      state: 'busy',
      reason: 'Busy',
      since: t1 + 15_000,
      salesforceStatusId: STATUS.busy,
    });

    // An id the contact center does not know, with its name: busy with that name.
    ctx.clock.advance(1_000);
    expect(await setStatus(ada, '0N5xx0000009XYZ', { statusName: 'Away' })).toMatchObject({
      state: 'busy',
      reason: 'Away',
      since: t1 + 16_000,
      salesforceStatusId: STATUS.away,
    });

    ctx.clock.advance(1_000);
    expect(await setStatus(ada, STATUS.offline)).toEqual({
      state: 'offline',
      reason: null,
      since: t1 + 17_000,
      salesforceStatusId: '0',
      nextState: null,
    });
    expect(await status(ada)).toMatchObject({ state: 'offline', since: t1 + 17_000 });
    // Salesforce-initiated changes are not echoed back.
    expect(named(ada, 'SET_AGENT_STATUS')).toHaveLength(0);
  });

  it('refuses an unknown status id without a name with INVALID_AGENT_STATUS and changes nothing', async () => {
    const ada = await ctx.agent(0);
    await setStatus(ada, STATUS.away);
    const before = await status(ada);
    ctx.clock.advance(30_000);
    const err = await refusal(setStatus(ada, 'NO_SUCH_STATUS'));
    expect(err.code).toBe('INVALID_AGENT_STATUS');
    expect(await status(ada)).toEqual(before);

    // Nor is the refused status enqueued during a call.
    await ctx.connectedCall(ada, '+14155550001');
    const err2 = await refusal(setStatus(ada, 'NO_SUCH_STATUS', { enqueueNextState: true }));
    expect(err2.code).toBe('INVALID_AGENT_STATUS');
    expect(await status(ada)).toMatchObject({ state: 'on_call', nextState: { state: 'available' } });
  });

  it('follows the statuses the connector stores with setPresenceStatuses', async () => {
    const ada = await ctx.agent(0);
    const res = await ada.request<{ count: number }>('setPresenceStatuses', {
      statuses: [
        { statusId: '0', statusName: 'Offline', hasChannels: false, isOffline: true },
        { statusId: 'SF_PHONE', statusName: 'Phone', hasChannels: true, isOffline: false },
        { statusId: 'SF_LUNCH', statusName: 'Lunch', hasChannels: false, isOffline: false },
      ],
    });
    expect(res.count).toBe(3);
    expect(await setStatus(ada, 'SF_PHONE')).toMatchObject({
      state: 'available',
      salesforceStatusId: 'SF_PHONE',
    });
    expect(await setStatus(ada, 'SF_LUNCH')).toMatchObject({
      state: 'busy',
      reason: 'Lunch',
      salesforceStatusId: 'SF_LUNCH',
    });
    // The old statuses are gone.
    expect((await refusal(setStatus(ada, STATUS.available))).code).toBe('INVALID_AGENT_STATUS');
  });
});

describe('the presence rule in force', () => {
  /** A rule whose subscriber maps Away to busy `label` and whose publisher shows busy as `PUB_<label>`. */
  function labelled(label: string): PresenceRule {
    return {
      subscriber: [{ statusId: STATUS.away, state: 'busy', reason: label }],
      publisher: [{ state: 'busy', statusId: `PUB_${label}` }],
    };
  }

  it('user > group (first by name with a rule) > contact center > defaults', async () => {
    const ada = await ctx.agent(0);
    const grace = await ctx.agent(1);
    const adaId = ctx.tenant.agents[0]!.id;

    const expectAway = async (c: AgentClient, reason: string, sfId: string) =>
      expect(await setStatus(c, STATUS.away)).toMatchObject({
        state: 'busy',
        reason,
        salesforceStatusId: sfId,
      });

    await expectAway(ada, 'Away', STATUS.away);

    const ccRule = await rule(ctx.tenant.ccId, 'cc', labelled('cc'));
    await tenants.assignPresenceRule(ctx.dbh.db, ccRule, { type: 'contactCenter', id: ctx.tenant.ccId });
    await expectAway(ada, 'cc', 'PUB_cc');

    // Groups: created out of name order; the first by name has no rule and does not count.
    const ruleB = await rule(ctx.tenant.ccId, 'B', labelled('teamB'));
    const ruleA = await rule(ctx.tenant.ccId, 'A', labelled('teamA'));
    const bravo = await tenants.createGroup(ctx.dbh.db, {
      contactCenterId: ctx.tenant.ccId,
      name: 'Bravo',
      userIds: [adaId],
    });
    const alpha = await tenants.createGroup(ctx.dbh.db, {
      contactCenterId: ctx.tenant.ccId,
      name: 'Alpha',
      userIds: [adaId],
    });
    await tenants.createGroup(ctx.dbh.db, {
      contactCenterId: ctx.tenant.ccId,
      name: 'Aardvark',
      userIds: [adaId],
    });
    await tenants.assignPresenceRule(ctx.dbh.db, ruleB, { type: 'group', id: bravo });
    await expectAway(ada, 'teamB', 'PUB_teamB');
    await tenants.assignPresenceRule(ctx.dbh.db, ruleA, { type: 'group', id: alpha });
    await expectAway(ada, 'teamA', 'PUB_teamA');

    const userRule = await rule(ctx.tenant.ccId, 'user', labelled('user'));
    await tenants.assignPresenceRule(ctx.dbh.db, userRule, { type: 'user', id: adaId });
    await expectAway(ada, 'user', 'PUB_user');
    // The publisher side follows the rule in force at read time.
    await tenants.assignPresenceRule(ctx.dbh.db, null, { type: 'user', id: adaId });
    expect(await status(ada)).toMatchObject({ reason: 'user', salesforceStatusId: 'PUB_teamA' });
    await expectAway(ada, 'teamA', 'PUB_teamA');

    // Grace is in no group: the contact center's rule.
    await expectAway(grace, 'cc', 'PUB_cc');
    await tenants.assignPresenceRule(ctx.dbh.db, null, { type: 'contactCenter', id: ctx.tenant.ccId });
    await expectAway(grace, 'Away', STATUS.away);
  });

  it("a rule's exact publisher row (state + reason) beats its general row", async () => {
    const ada = await ctx.agent(0);
    const r = await rule(ctx.tenant.ccId, 'exact', {
      subscriber: [
        { statusId: STATUS.away, state: 'busy', reason: 'Lunch' },
        { statusId: STATUS.busy, state: 'busy', reason: 'Meeting' },
      ],
      publisher: [
        { state: 'busy', statusId: STATUS.busy },
        { state: 'busy', reason: 'lunch', statusId: STATUS.away },
        { state: 'available', statusId: 'SF_CHATS' },
      ],
    });
    await tenants.assignPresenceRule(ctx.dbh.db, r, { type: 'contactCenter', id: ctx.tenant.ccId });
    expect(await setStatus(ada, STATUS.away)).toMatchObject({
      reason: 'Lunch',
      salesforceStatusId: STATUS.away,
    });
    expect(await setStatus(ada, STATUS.busy)).toMatchObject({
      reason: 'Meeting',
      salesforceStatusId: STATUS.busy,
    });
    expect(await setStatus(ada, STATUS.available)).toMatchObject({
      state: 'available',
      salesforceStatusId: 'SF_CHATS',
    });
  });
});

describe("after a call (the spec's status table: infinite wrap-up)", () => {
  it('stays in after_call_work, not routable, until setAgentStatus Available (closing the Voice Call tab)', async () => {
    const ada = await ctx.agent(0);
    const { callId: first } = await ctx.connectedCall(ada, '+14155550001');
    expect(await status(ada)).toMatchObject({ state: 'on_call', salesforceStatusId: null });

    ctx.clock.advance(60_000);
    await ada.request('endCall', { callId: first });
    await ada.waitFor('AFTER_CALL_WORK_STARTED');
    const ended = ctx.clock.now();
    expect(await status(ada)).toEqual({
      state: 'after_call_work',
      reason: null,
      since: ended,
      salesforceStatusId: null,
      nextState: { state: 'available', reason: null },
    });

    const second = await ctx.sim.call('+14155550002', ctx.tenant.number);
    await ctx.advance(300_000);
    await flush(ada);
    expect(offersOf(ada, second)).toHaveLength(0);
    expect((await ctx.sim.get<{ state: string }>(`/calls/${second}`)).body.state).toBe('queued');

    const after = await setStatus(ada, STATUS.available);
    expect(after).toMatchObject({ state: 'available', since: ctx.clock.now(), nextState: null });
    await ada.waitFor('WRAP_UP_ENDED', (e) => e.data.callId === first);
    const offer = await ada.waitFor('CALL_STARTED', (e) => e.data.call?.callId === second);
    expect(offer.data.call?.state).toBe('ringing');
    expect((await refusal(ada.request('wrapUp', { callId: first }))).code).toBe('INVALID_PARAMS');
  });

  it('after an outbound call too: not routable during the call and its after-call work', async () => {
    const ada = await ctx.agent(0);
    await setStatus(ada, STATUS.available);
    const { call } = await ada.request<{ call: { callId: string } }>('dial', {
      destination: { type: 'phoneNumber', phoneNumber: '+14155550009' },
    });
    expect(await status(ada)).toMatchObject({ state: 'on_call' });
    const inbound = await ctx.sim.call('+14155550003', ctx.tenant.number);
    await ctx.sim.post(`/calls/${call.callId}/answer`);
    await ada.request('endCall', { callId: call.callId });
    await ada.waitFor('AFTER_CALL_WORK_STARTED');
    await flush(ada);
    expect(offersOf(ada, inbound)).toHaveLength(0);

    await setStatus(ada, STATUS.available);
    await ada.waitFor('CALL_STARTED', (e) => e.data.call?.callId === inbound);
  });

  it('a status other than Available during after-call work ends it into that status', async () => {
    const ada = await ctx.agent(0);
    const { callId: first } = await ctx.connectedCall(ada, '+14155550001');
    await ada.request('endCall', { callId: first });
    const second = await ctx.sim.call('+14155550002', ctx.tenant.number);

    ctx.clock.advance(5_000);
    expect(await setStatus(ada, STATUS.away)).toEqual({
      state: 'busy',
      reason: 'Away',
      since: ctx.clock.now(),
      salesforceStatusId: STATUS.away,
      nextState: null,
    });
    await ada.waitFor('WRAP_UP_ENDED', (e) => e.data.callId === first);
    await flush(ada);
    expect(offersOf(ada, second)).toHaveLength(0);
  });
});

describe('enqueueNextState', () => {
  it('during a call: stored as nextState, applied when after-call work ends', async () => {
    const ada = await ctx.agent(0);
    const { callId: first } = await ctx.connectedCall(ada, '+14155550001');
    const onCallSince = ctx.clock.now();

    ctx.clock.advance(10_000);
    expect(await setStatus(ada, STATUS.away, { enqueueNextState: true })).toEqual({
      state: 'on_call',
      reason: null,
      since: onCallSince,
      salesforceStatusId: null,
      nextState: { state: 'busy', reason: 'Away' },
    });
    expect(await status(ada)).toMatchObject({
      state: 'on_call',
      nextState: { state: 'busy', reason: 'Away' },
    });

    ctx.clock.advance(10_000);
    await ada.request('endCall', { callId: first });
    await ada.waitFor('AFTER_CALL_WORK_STARTED');
    expect(await status(ada)).toMatchObject({
      state: 'after_call_work',
      nextState: { state: 'busy', reason: 'Away' },
    });

    const second = await ctx.sim.call('+14155550002', ctx.tenant.number);
    ctx.clock.advance(10_000);
    const wrapped = await ada.request<AgentStatus>('wrapUp', { callId: first });
    expect(wrapped).toEqual({
      state: 'busy',
      reason: 'Away',
      since: ctx.clock.now(),
      salesforceStatusId: STATUS.away,
      nextState: null,
    });
    await flush(ada);
    expect(offersOf(ada, second)).toHaveLength(0);
    // Salesforce asked for it: not pushed back.
    expect(named(ada, 'SET_AGENT_STATUS')).toHaveLength(0);
  });

  it('during after-call work: stored, the agent stays in after-call work until wrapUp', async () => {
    const ada = await ctx.agent(0);
    const { callId: first } = await ctx.connectedCall(ada, '+14155550001');
    await ada.request('endCall', { callId: first });
    await ada.waitFor('AFTER_CALL_WORK_STARTED');

    expect(await setStatus(ada, STATUS.offline, { enqueueNextState: true })).toMatchObject({
      state: 'after_call_work',
      nextState: { state: 'offline', reason: null },
    });
    expect(await ada.request<AgentStatus>('wrapUp', { callId: first })).toMatchObject({
      state: 'offline',
      salesforceStatusId: '0',
      nextState: null,
    });
  });

  it('without an ongoing call it applies at once', async () => {
    const ada = await ctx.agent(0);
    expect(await setStatus(ada, STATUS.away, { enqueueNextState: true })).toMatchObject({
      state: 'busy',
      reason: 'Away',
      nextState: null,
    });
  });
});

describe('changes made on our side are pushed to Salesforce (SET_AGENT_STATUS)', () => {
  it('a supervisor forcing an agent offline pushes the mapped status "0" to that agent', async () => {
    const ada = await ctx.agent(0);
    const boss = await ctx.supervisor();
    await setStatus(ada, STATUS.available);
    ctx.clock.advance(5_000);

    const result = await boss.request<AgentStatus>('setUserStatus', {
      userId: ada.userId,
      state: 'offline',
    });
    expect(result).toEqual({
      state: 'offline',
      reason: null,
      since: ctx.clock.now(),
      salesforceStatusId: '0',
      nextState: null,
    });
    const pushed = await ada.waitFor('SET_AGENT_STATUS');
    expect(pushed.data.status).toMatchObject({ state: 'offline', salesforceStatusId: '0' });
    expect(await status(ada)).toMatchObject({ state: 'offline', salesforceStatusId: '0' });
    expect(named(boss, 'SET_AGENT_STATUS')).toHaveLength(0);

    // Busy with a reason goes through the publisher mapping (here the status named like the reason).
    await boss.request('setUserStatus', { userId: ada.userId, state: 'busy', reason: 'away' });
    const second = await ada.waitFor('SET_AGENT_STATUS', () => true, ada.events.indexOf(pushed) + 1);
    expect(second.data.status).toMatchObject({
      state: 'busy',
      reason: 'away',
      salesforceStatusId: STATUS.away,
    });
  });

  it("an agent cannot set another agent's status", async () => {
    const ada = await ctx.agent(0);
    const grace = await ctx.agent(1);
    const err = await refusal(ada.request('setUserStatus', { userId: grace.userId, state: 'offline' }));
    expect(err.code).toBe('CAN_NOT_SET_AGENT_STATUS');
    expect(await status(grace)).toMatchObject({ state: 'offline' });
    await flush(grace);
    expect(named(grace, 'SET_AGENT_STATUS')).toHaveLength(0);
  });

  it('forcing offline an agent whose phone rings withdraws the offer (FailedConnectAgent)', async () => {
    const ada = await ctx.agent(0);
    const boss = await ctx.supervisor();
    await setStatus(ada, STATUS.available);
    const callId = await ctx.sim.call('+14155550001', ctx.tenant.number);
    await ada.waitFor('CALL_STARTED');
    await boss.request('setUserStatus', { userId: ada.userId, state: 'offline' });
    const hangup = await ada.waitFor('HANGUP');
    expect(hangup.data).toMatchObject({ reason: 'error', agentStatus: 'FailedConnectAgent' });
    await ada.waitFor('SET_AGENT_STATUS', (e) => (e.data.status as AgentStatus).salesforceStatusId === '0');
    expect((await ctx.sim.get<{ state: string }>(`/calls/${callId}`)).body.state).toBe('queued');
  });

  it('forcing a status during a call is applied (and pushed) when after-call work ends', async () => {
    const ada = await ctx.agent(0);
    const boss = await ctx.supervisor();
    const { callId } = await ctx.connectedCall(ada, '+14155550001');
    expect(
      await boss.request<AgentStatus>('setUserStatus', { userId: ada.userId, state: 'offline' }),
    ).toMatchObject({ state: 'on_call', nextState: { state: 'offline', reason: null } });
    await flush(ada);
    expect(named(ada, 'SET_AGENT_STATUS')).toHaveLength(0);

    await ada.request('endCall', { callId });
    await ada.request('wrapUp', { callId });
    const pushed = await ada.waitFor('SET_AGENT_STATUS');
    expect(pushed.data.status).toMatchObject({ state: 'offline', salesforceStatusId: '0' });
  });

  it('a scheduled break: busy with the mapped status, back to available after the minutes', async () => {
    const ada = await ctx.agent(0);
    await ada.request('setPresenceStatuses', {
      statuses: [
        { statusId: '0', statusName: 'Offline', hasChannels: false, isOffline: true },
        { statusId: STATUS.available, statusName: 'Available', hasChannels: true, isOffline: false },
        { statusId: STATUS.busy, statusName: 'Busy', hasChannels: false, isOffline: false },
        { statusId: 'SF_BREAK', statusName: 'Break', hasChannels: false, isOffline: false },
      ],
    });
    await setStatus(ada, STATUS.available);

    const res = await ctx.sim.post(`/agents/${ada.userId}/break`, { minutes: 15 });
    expect(res.status).toBe(200);
    const start = ctx.clock.now();
    await ctx.run.service.scheduler.runDue();
    const busy = await ada.waitFor('SET_AGENT_STATUS');
    expect(busy.data.status).toEqual({
      state: 'busy',
      reason: 'Break',
      since: start,
      salesforceStatusId: 'SF_BREAK',
      nextState: null,
    });

    // A call during the break waits.
    const callId = await ctx.sim.call('+14155550001', ctx.tenant.number);
    await ctx.advance(15 * 60_000 - 1_000);
    await flush(ada);
    expect(named(ada, 'SET_AGENT_STATUS')).toHaveLength(1);
    expect(offersOf(ada, callId)).toHaveLength(0);
    expect(await status(ada)).toMatchObject({ state: 'busy', reason: 'Break' });

    await ctx.advance(1_000);
    const back = await ada.waitFor('SET_AGENT_STATUS', () => true, ada.events.indexOf(busy) + 1);
    expect(back.data.status).toEqual({
      state: 'available',
      reason: null,
      since: start + 15 * 60_000,
      salesforceStatusId: STATUS.available,
      nextState: null,
    });
    await ada.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callId);
  });

  it('a break the agent left early does not bring them back to available', async () => {
    const ada = await ctx.agent(0);
    await setStatus(ada, STATUS.available);
    await ctx.sim.post(`/agents/${ada.userId}/break`, { minutes: 5, reason: 'Coffee' });
    await ctx.run.service.scheduler.runDue();
    await ada.waitFor('SET_AGENT_STATUS');
    await setStatus(ada, STATUS.offline);
    await ctx.advance(5 * 60_000);
    await flush(ada);
    expect(named(ada, 'SET_AGENT_STATUS')).toHaveLength(1);
    expect(await status(ada)).toMatchObject({ state: 'offline' });
  });
});

describe('missed and declined offers', () => {
  it("a missed call (ring timeout): HANGUP MissedCallAgent; no status pushed (the org's Update Status on Push Time-Out decides)", async () => {
    const ada = await ctx.agent(0);
    await setStatus(ada, STATUS.available);
    const callId = await ctx.sim.call('+14155550001', ctx.tenant.number);
    await ada.waitFor('CALL_STARTED');

    await ctx.advance(19_999);
    await flush(ada);
    expect(named(ada, 'HANGUP')).toHaveLength(0);

    await ctx.advance(1);
    const hangup = await ada.waitFor('HANGUP');
    expect(hangup.data).toMatchObject({
      reason: 'error',
      agentStatus: 'MissedCallAgent',
      closeCallOnError: false,
    });
    expect(hangup.data.call?.callId).toBe(callId);
    await flush(ada);
    expect(named(ada, 'SET_AGENT_STATUS')).toHaveLength(0);
    expect(await status(ada)).toMatchObject({ state: 'available' });

    // The call waits again, passed over for her for one ring timeout; then it comes back to her.
    expect((await ctx.sim.get<{ state: string }>(`/calls/${callId}`)).body.state).toBe('queued');
    expect(named(ada, 'CALL_STARTED')).toHaveLength(1);
    await ctx.advance(20_000);
    await ada.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callId, ada.events.indexOf(hangup));
  });

  it('a missed call goes to the next agent; the one who missed it is not offered it again first', async () => {
    const ada = await ctx.agent(0);
    const grace = await ctx.agent(1);
    await setStatus(ada, STATUS.available);
    ctx.clock.advance(1_000);
    await setStatus(grace, STATUS.available);
    const callId = await ctx.sim.call('+14155550001', ctx.tenant.number);
    await ada.waitFor('CALL_STARTED');
    await ctx.advance(20_000);
    await ada.waitFor('HANGUP');
    await grace.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callId);
    expect(await status(ada)).toMatchObject({ state: 'available' });
  });

  it('a declined call: HANGUP DeclinedByAgent, the agent stays available and gets the next call', async () => {
    const ada = await ctx.agent(0);
    const grace = await ctx.agent(1);
    await setStatus(ada, STATUS.available);
    const adaSince = ctx.clock.now();
    ctx.clock.advance(1_000);
    await setStatus(grace, STATUS.available);
    const callId = await ctx.sim.call('+14155550001', ctx.tenant.number);
    await ada.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callId);

    ctx.clock.advance(3_000);
    await ada.request('declineCall', { callId });
    const hangup = await ada.waitFor('HANGUP');
    expect(hangup.data).toMatchObject({
      reason: 'error',
      agentStatus: 'DeclinedByAgent',
      closeCallOnError: false,
    });
    expect(await status(ada)).toEqual({
      state: 'available',
      reason: null,
      since: adaSince,
      salesforceStatusId: STATUS.available,
      nextState: null,
    });
    expect(named(ada, 'SET_AGENT_STATUS')).toHaveLength(0);
    await grace.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callId);

    const next = await ctx.sim.call('+14155550002', ctx.tenant.number);
    await ada.waitFor('CALL_STARTED', (e) => e.data.call?.callId === next);
  });
});
