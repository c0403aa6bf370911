import { describe, expect, it } from 'vitest';
import * as tenants from '../../telephony/src/engine/tenants.ts';
import { useConnector } from './context.ts';
import type { Host } from './host.ts';

const ctx = useConnector({ agents: 2, settings: { ringTimeoutSeconds: 20 } });

const CALLER = '+14155551234';
const THIRD_PARTY = '+14155550199';
const settle = () => new Promise((r) => setTimeout(r, 400));

interface Detail {
  participants: Array<{ id: string; role: string; state: string; userId: string | null }>;
}
const detail = async (callId: string) => (await ctx.sim.get<Detail>(`/calls/${callId}`)).body;
const ROLES = ['initial_caller', 'agent', 'third_party', 'supervisor'];
/** The call's parties as [role, state], in role order (then agent 0 before agent 1). */
const parties = async (callId: string) =>
  (await detail(callId)).participants
    .map((p) => [p.role, p.state, p.userId])
    .sort(
      (x, y) =>
        ROLES.indexOf(x[0] as string) - ROLES.indexOf(y[0] as string) ||
        (String(x[2]) < String(y[2]) ? -1 : 1),
    );

async function connectedCall(host: Host): Promise<{ callId: string; call: Record<string, unknown> }> {
  await ctx.available(host);
  const callId = await ctx.sim.call(CALLER, ctx.tenant.number);
  const started = await host.waitFor('CALL_STARTED', (p) => p.callId === callId);
  const connected = await host.request('ACCEPT_CALL', { call: started.payload }, 'CALL_CONNECTED');
  return { callId, call: connected.payload };
}

/** Agent 0 on a call consults an external number that answers. */
async function consultNumber(a: Host) {
  const { callId, call } = await connectedCall(a);
  const from = a.mark();
  const added = await a.request(
    'ADD_PARTICIPANT',
    { contact: { phoneNumber: THIRD_PARTY, type: 'PhoneNumber' }, call, isBlindTransfer: false },
    'PARTICIPANT_ADDED',
  );
  const participantId = added.payload.connectionId as string;
  return { callId, call, from, added, participantId };
}

describe('adding a participant (warm)', () => {
  it('PARTICIPANT_ADDED, the customer on hold, PARTICIPANT_CONNECTED, swap, conference, the third party leaves', async () => {
    const a = await ctx.agent(0);
    const { callId, call, from, added, participantId } = await consultNumber(a);
    expect(added.payload).toMatchObject({
      callId,
      connectionId: participantId,
      phoneNumber: THIRD_PARTY,
      initialCallHasEnded: false,
      callAttributes: { participantType: 'Third_Party', parentId: callId, isConsultCall: true },
    });
    const held = await a.waitFor('HOLD_TOGGLE', undefined, from);
    expect(held.payload).toMatchObject({ isCustomerOnHold: true, isThirdPartyOnHold: false });
    expect(held.index).toBeGreaterThan(added.index);

    await ctx.sim.post(`/calls/${callId}/participants/${participantId}/answer`);
    const joined = await a.waitFor('PARTICIPANT_CONNECTED', undefined, from);
    expect(joined.payload).toMatchObject({ callId, connectionId: participantId, phoneNumber: THIRD_PARTY });

    const customerCall = call;
    const thirdPartyCall = { callId, connectionId: participantId, callType: 'AddParticipant' };
    const swapped = await a.request(
      'SWAP_PARTICIPANTS',
      { callToHold: thirdPartyCall, callToResume: customerCall },
      'HOLD_TOGGLE',
    );
    expect(swapped.payload).toMatchObject({ isCustomerOnHold: false, isThirdPartyOnHold: true });
    expect(swapped.payload.calls).toEqual([
      expect.objectContaining({ callId, connectionId: callId, callType: 'Inbound' }),
      expect.objectContaining({
        callId,
        connectionId: participantId,
        callType: 'AddParticipant',
        state: 'transferred',
      }),
    ]);

    const merged = await a.request('CONFERENCE', { calls: [customerCall, thirdPartyCall] }, 'HOLD_TOGGLE');
    expect(merged.payload).toMatchObject({
      isCustomerOnHold: false,
      isThirdPartyOnHold: false,
      isCallMerged: true,
    });

    await ctx.sim.post(`/calls/${callId}/participants/${participantId}/hangup`);
    const removed = await a.waitFor('PARTICIPANT_REMOVED', undefined, from);
    expect(removed.payload).toEqual({ callId, connectionId: participantId, reason: 'ended' });
    await settle();
    expect(a.types(from)).toEqual([
      'PARTICIPANT_ADDED',
      'HOLD_TOGGLE',
      'PARTICIPANT_CONNECTED',
      'HOLD_TOGGLE',
      'HOLD_TOGGLE',
      'PARTICIPANT_REMOVED',
    ]);
    expect(await parties(callId)).toEqual([
      ['initial_caller', 'connected', null],
      ['agent', 'connected', ctx.tenant.agents[0]!.id],
      ['third_party', 'ended', null],
    ]);
  });

  it("END_CALL on a participant's connection removes that participant; the agent stays on the call", async () => {
    const a = await ctx.agent(0);
    const { callId, participantId, from: consulted } = await consultNumber(a);
    await ctx.sim.post(`/calls/${callId}/participants/${participantId}/answer`);
    await a.waitFor('PARTICIPANT_CONNECTED', undefined, consulted);
    const from = a.mark();
    const thirdParty = {
      callId,
      connectionId: participantId,
      callAttributes: { participantType: 'Third_Party' },
    };
    const removed = await a.request('END_CALL', { call: thirdParty }, 'PARTICIPANT_REMOVED');
    expect(removed.payload).toMatchObject({ callId, connectionId: participantId });
    await settle();
    expect(a.types(from)).toEqual(['PARTICIPANT_REMOVED']);
    expect((await detail(callId)).participants.find((p) => p.id === participantId)?.state).toBe('ended');
    expect((await detail(callId)).participants.find((p) => p.role === 'agent')?.state).toBe('connected');
  });

  it('the customer leaves a consult: the transfer goes on (PARTICIPANT_CONNECTED with initialCallHasEnded)', async () => {
    const a = await ctx.agent(0);
    const { callId, participantId, from: consulted } = await consultNumber(a);
    await ctx.sim.post(`/calls/${callId}/participants/${participantId}/answer`);
    await a.waitFor('PARTICIPANT_CONNECTED', undefined, consulted);
    const from = a.mark();
    await ctx.sim.post(`/calls/${callId}/hangup`);
    const goesOn = await a.waitFor('PARTICIPANT_CONNECTED', undefined, from);
    expect(goesOn.payload).toEqual({ initialCallHasEnded: true });
  });

  it('another agent: they get CALL_STARTED (AddParticipant), accept, and the first agent gets PARTICIPANT_CONNECTED', async () => {
    const a = await ctx.agent(0);
    const b = await ctx.agent(1);
    const { callId, call } = await connectedCall(a);
    await ctx.available(b);
    const fromA = a.mark();
    const fromB = b.mark();
    const added = await a.request(
      'ADD_PARTICIPANT',
      { contact: { type: 'Agent', id: ctx.tenant.agents[1]!.id }, call, isBlindTransfer: false },
      'PARTICIPANT_ADDED',
    );
    // B's work item is the transfer's own VoiceCall: the key the Salesforce sync creates it with is
    // the transfer leg's id (A's connection for B), parented to the call's VoiceCall.
    const legKey = added.payload.connectionId as string;
    expect(legKey).not.toBe(callId);
    const offered = await b.waitFor('CALL_STARTED', undefined, fromB);
    expect(offered.payload).toMatchObject({
      callId: legKey,
      callType: 'AddParticipant',
      state: 'ringing',
      callAttributes: { parentId: callId },
    });
    const accepted = await b.request('ACCEPT_CALL', { call: offered.payload }, 'CALL_CONNECTED');
    expect(accepted.payload).toMatchObject({ callId: legKey });
    const joined = await a.waitFor('PARTICIPANT_CONNECTED', undefined, fromA);
    expect(joined.payload).toMatchObject({ callId, callAttributes: { participantType: 'Agent' } });

    // B sees the conference A makes as an event.
    const merged = await a.request('CONFERENCE', { calls: [call] }, 'HOLD_TOGGLE');
    expect(merged.payload.isCallMerged).toBe(true);
    const seen = await b.waitFor('HOLD_TOGGLE', (p) => p.isCallMerged === true, fromB);
    expect(seen.payload.calls[0]).toMatchObject({ callId: legKey });

    // B's requests name B's VoiceCall; the connector maps the key back to the service's call.
    await b.request('MUTE', { call: accepted.payload }, 'MUTE_TOGGLE');
    expect((await detail(callId)).participants.find((p) => p.id === legKey)).toMatchObject({
      state: 'connected',
    });
    const ended = await b.request('END_CALL', { call: accepted.payload }, 'HANGUP');
    expect(ended.payload).toEqual([expect.objectContaining({ callId: legKey, state: 'ended' })]);
    const acw = await b.waitFor('AFTER_CALL_WORK_STARTED', undefined, ended.index);
    expect(acw.payload).toEqual({ callId: legKey });
    const wrapped = await b.request('WRAP_UP_CALL', { call: { callId: legKey } }, 'WRAP_UP_ENDED');
    expect(wrapped.payload).toEqual({ callId: legKey, callStatus: 'ended' });
  });

  it('a queue: the waiting leg rings its member; PARTICIPANT_CONNECTED when they accept', async () => {
    const a = await ctx.agent(0);
    const b = await ctx.agent(1);
    const { call } = await connectedCall(a);
    await ctx.available(b);
    const fromA = a.mark();
    const added = await a.request(
      'ADD_PARTICIPANT',
      { contact: { type: 'Queue', id: ctx.tenant.queueId }, call, isBlindTransfer: false },
      'PARTICIPANT_ADDED',
    );
    const legKey = added.payload.connectionId as string;
    const offered = await b.waitFor('CALL_STARTED', (p) => p.callId === legKey);
    const accepted = await b.request('ACCEPT_CALL', { call: offered.payload }, 'CALL_CONNECTED');
    expect(accepted.payload).toMatchObject({ callId: legKey });
    await a.waitFor('PARTICIPANT_CONNECTED', undefined, fromA);
  });

  it('an unknown destination: PARTICIPANT_REMOVED (error), INVALID_DESTINATION, and the call unchanged', async () => {
    const a = await ctx.agent(0);
    const { callId, call } = await connectedCall(a);
    const from = a.mark();
    a.send('ADD_PARTICIPANT', {
      contact: { type: 'Queue', id: 'QUnoSuchQueue' },
      call,
      isBlindTransfer: false,
    });
    await a.waitFor('ERROR', undefined, from);
    expect(a.dispatched().filter((d) => d.index >= from)).toEqual([
      expect.objectContaining({ type: 'PARTICIPANT_REMOVED', payload: { reason: 'error' } }),
      expect.objectContaining({ type: 'ERROR', payload: { message: 'INVALID_DESTINATION' } }),
    ]);
    expect(await parties(callId)).toEqual([
      ['initial_caller', 'connected', null],
      ['agent', 'connected', ctx.tenant.agents[0]!.id],
    ]);
  });

  it('an invalid phone number: CAN_NOT_ADD_PARTICIPANT, and the call unchanged', async () => {
    const a = await ctx.agent(0);
    const { callId, call } = await connectedCall(a);
    const error = await a.request(
      'ADD_PARTICIPANT',
      { contact: { phoneNumber: '999' }, call, isBlindTransfer: false },
      'ERROR',
    );
    expect(error.payload).toEqual({ message: 'CAN_NOT_ADD_PARTICIPANT' });
    expect((await detail(callId)).participants).toHaveLength(2);
  });
});

describe("the other agent on a call sees the first agent's actions as events", () => {
  it('swap, conference, recording, a third party added and connected', async () => {
    const a = await ctx.agent(0);
    const b = await ctx.agent(1);
    const { callId, call } = await connectedCall(a);
    await ctx.available(b);
    const fromA = a.mark();
    const invited = await a.request(
      'ADD_PARTICIPANT',
      { contact: { type: 'Agent', id: ctx.tenant.agents[1]!.id }, call, isBlindTransfer: false },
      'PARTICIPANT_ADDED',
    );
    // B's connections are on B's VoiceCall (the transfer leg's key).
    const legKey = invited.payload.connectionId as string;
    const offered = await b.waitFor('CALL_STARTED', (p) => p.callId === legKey);
    await b.request('ACCEPT_CALL', { call: offered.payload }, 'CALL_CONNECTED');
    await a.waitFor('PARTICIPANT_CONNECTED', undefined, fromA);

    let fromB = b.mark();
    await a.request('SWAP_PARTICIPANTS', { callToHold: call, callToResume: call }, 'HOLD_TOGGLE');
    await b.until(() => b.types(fromB).filter((t) => t === 'HOLD_TOGGLE').length === 3, 'swap events');
    expect(
      b
        .dispatched()
        .filter((d) => d.index >= fromB)
        .at(-1)?.payload,
    ).toMatchObject({
      isCustomerOnHold: false,
      calls: [expect.objectContaining({ callId: legKey, callType: 'AddParticipant' })],
    });

    fromB = b.mark();
    await a.request('CONFERENCE', { calls: [call] }, 'HOLD_TOGGLE', (p) => p.isCallMerged);
    await b.waitFor('HOLD_TOGGLE', (p) => p.isCallMerged === true, fromB);
    await a.request('PAUSE_RECORDING', { call }, 'RECORDING_TOGGLE');
    expect((await b.waitFor('RECORDING_TOGGLE', undefined, fromB)).payload).toMatchObject({
      isRecordingPaused: true,
    });

    const added = await a.request(
      'ADD_PARTICIPANT',
      { contact: { phoneNumber: THIRD_PARTY }, call, isBlindTransfer: false },
      'PARTICIPANT_ADDED',
    );
    const participantId = added.payload.connectionId as string;
    const seen = await b.waitFor('PARTICIPANT_ADDED', undefined, fromB);
    expect(seen.payload).toMatchObject({
      callId: legKey,
      connectionId: participantId,
      phoneNumber: THIRD_PARTY,
    });
    await ctx.sim.post(`/calls/${callId}/participants/${participantId}/answer`);
    await b.waitFor('PARTICIPANT_CONNECTED', (p) => p.connectionId === participantId, fromB);
  });
});

describe('a conference the first agent leaves', () => {
  it('the second agent is not told of the departure of a connection she never had; the call goes on', async () => {
    const a = await ctx.agent(0);
    const b = await ctx.agent(1);
    const { callId, call } = await connectedCall(a);
    await ctx.available(b);
    const fromA = a.mark();
    const invited = await a.request(
      'ADD_PARTICIPANT',
      { contact: { type: 'Agent', id: ctx.tenant.agents[1]!.id }, call, isBlindTransfer: false },
      'PARTICIPANT_ADDED',
    );
    const legKey = invited.payload.connectionId as string;
    const offered = await b.waitFor('CALL_STARTED', (p) => p.callId === legKey);
    await b.request('ACCEPT_CALL', { call: offered.payload }, 'CALL_CONNECTED');
    await a.waitFor('PARTICIPANT_CONNECTED', undefined, fromA);
    await a.request('CONFERENCE', { calls: [call] }, 'HOLD_TOGGLE', (p) => p.isCallMerged);
    await settle();
    const fromB = b.mark();
    await a.request('END_CALL', { call }, 'HANGUP');
    await settle();
    // B's connections are B's line (the customer) and the parties B added: A was never one of them.
    expect(b.types(fromB)).not.toContain('PARTICIPANT_REMOVED');
    expect(b.types(fromB)).not.toContain('HANGUP');
    expect(await parties(callId)).toEqual(
      expect.arrayContaining([
        ['initial_caller', 'connected', null],
        ['agent', 'ended', ctx.tenant.agents[0]!.id],
        ['agent', 'connected', ctx.tenant.agents[1]!.id],
      ]),
    );
  });
});

describe('blind transfer', () => {
  it('to an agent: PARTICIPANT_ADDED, HANGUP, then after-call work; the agent gets CALL_STARTED (Transfer)', async () => {
    const a = await ctx.agent(0);
    const b = await ctx.agent(1);
    const { callId, call } = await connectedCall(a);
    await ctx.available(b);
    const fromA = a.mark();
    const fromB = b.mark();
    a.send('ADD_PARTICIPANT', {
      contact: { type: 'Agent', id: ctx.tenant.agents[1]!.id },
      call,
      isBlindTransfer: true,
    });
    await a.waitFor('AFTER_CALL_WORK_STARTED', undefined, fromA);
    expect(a.types(fromA)).toEqual(['PARTICIPANT_ADDED', 'HANGUP', 'AFTER_CALL_WORK_STARTED']);
    const legKey = (await a.waitFor('PARTICIPANT_ADDED', undefined, fromA)).payload.connectionId as string;
    expect(legKey).not.toBe(callId);
    const offered = await b.waitFor('CALL_STARTED', undefined, fromB);
    expect(offered.payload).toMatchObject({ callId: legKey, callType: 'Transfer', phoneNumber: CALLER });
    const accepted = await b.request('ACCEPT_CALL', { call: offered.payload }, 'CALL_CONNECTED');
    expect(accepted.payload).toMatchObject({ callId: legKey });
    const [first, second] = [ctx.tenant.agents[0]!.id, ctx.tenant.agents[1]!.id].sort();
    const state = (id: string | undefined) => (id === ctx.tenant.agents[0]!.id ? 'ended' : 'connected');
    expect(await parties(callId)).toEqual([
      ['initial_caller', 'connected', null],
      ['agent', state(first), first],
      ['agent', state(second), second],
    ]);
  });

  it('to an Omni-Channel flow: the flow routes the call to its queue', async () => {
    await tenants.createFlow(ctx.dbh.db, {
      contactCenterId: ctx.tenant.ccId,
      devName: 'Route_To_Support',
      fallbackQueueId: ctx.tenant.queueId,
    });
    const a = await ctx.agent(0);
    const b = await ctx.agent(1);
    const { callId, call } = await connectedCall(a);
    await ctx.available(b);
    const fromA = a.mark();
    const fromB = b.mark();
    await a.request(
      'ADD_PARTICIPANT',
      { contact: { type: 'Flow', id: 'Route_To_Support' }, call, isBlindTransfer: true },
      'HANGUP',
    );
    const legKey = (await a.waitFor('PARTICIPANT_ADDED', undefined, fromA)).payload.connectionId as string;
    expect(legKey).not.toBe(callId);
    const offered = await b.waitFor('CALL_STARTED', undefined, fromB);
    expect(offered.payload).toMatchObject({ callId: legKey, callType: 'Transfer' });
    const accepted = await b.request('ACCEPT_CALL', { call: offered.payload }, 'CALL_CONNECTED');
    expect(accepted.payload).toMatchObject({ callId: legKey });
  });

  it("to a queue: the recipient's callInfo names the queue the transfer waited in, not the call's first queue", async () => {
    const billing = await tenants.createQueue(ctx.dbh.db, {
      contactCenterId: ctx.tenant.ccId,
      name: 'Billing',
    });
    await tenants.addQueueMember(ctx.dbh.db, {
      queueId: billing,
      memberType: 'user',
      memberId: ctx.tenant.agents[1]!.id,
    });
    const a = await ctx.agent(0);
    const b = await ctx.agent(1);
    const { callId, call } = await connectedCall(a);
    expect(call.callInfo).toMatchObject({ queueId: ctx.tenant.queueId, queueName: 'Support' });
    await ctx.available(b);
    const fromA = a.mark();
    const fromB = b.mark();
    a.send('ADD_PARTICIPANT', { contact: { type: 'Queue', id: billing }, call, isBlindTransfer: true });
    const legKey = (await a.waitFor('PARTICIPANT_ADDED', undefined, fromA)).payload.connectionId as string;
    const offered = await b.waitFor('CALL_STARTED', undefined, fromB);
    expect(offered.payload).toMatchObject({
      callId: legKey,
      callType: 'Transfer',
      callInfo: { queueId: billing, queueName: 'Billing' },
      callAttributes: { parentId: callId },
    });
    const accepted = await b.request('ACCEPT_CALL', { call: offered.payload }, 'CALL_CONNECTED');
    expect(accepted.payload.callInfo).toMatchObject({ queueId: billing, queueName: 'Billing' });
  });
});

describe('supervisor', () => {
  it('listens in, barges in (the agent gets CALL_BARGED_IN), and leaves', async () => {
    const a = await ctx.agent(0);
    const { callId } = await connectedCall(a);
    const boss = await ctx.agent('supervisor');
    const fromA = a.mark();
    const listening = await boss.request('SUPERVISE_CALL', { call: { callId } }, 'SUPERVISOR_CALL_CONNECTED');
    expect(listening.payload).toMatchObject({ callId, callAttributes: { participantType: 'Supervisor' } });

    const barged = await boss.request('SUPERVISOR_BARGE_IN', { call: { callId } }, 'SUPERVISOR_BARGED_IN');
    expect(barged.payload).toMatchObject({ callId, callAttributes: { hasSupervisorBargedIn: true } });
    const told = await a.waitFor('CALL_BARGED_IN', undefined, fromA);
    expect(told.payload).toMatchObject({ callId, supervisorName: 'The Supervisor', isBargedIn: true });

    const left = await boss.request('SUPERVISOR_DISCONNECT', { call: { callId } }, 'SUPERVISOR_HANGUP');
    expect(left.payload).toEqual([expect.objectContaining({ callId, state: 'ended' })]);
    expect((await detail(callId)).participants.find((p) => p.role === 'supervisor')?.state).toBe('ended');
    await settle();
    expect(a.types(fromA)).toEqual(['CALL_BARGED_IN']);
  });

  it('is told when the supervised call ends (SUPERVISOR_HANGUP)', async () => {
    const a = await ctx.agent(0);
    const { callId } = await connectedCall(a);
    const boss = await ctx.agent('supervisor');
    await boss.request('SUPERVISE_CALL', { call: { callId } }, 'SUPERVISOR_CALL_CONNECTED');
    const from = boss.mark();
    await ctx.sim.post(`/calls/${callId}/hangup`);
    const hangup = await boss.waitFor('SUPERVISOR_HANGUP', undefined, from);
    expect(hangup.payload).toEqual([expect.objectContaining({ callId, state: 'ended' })]);
  });

  it('on a desk phone: SUPERVISOR_CALL_STARTED', async () => {
    const a = await ctx.agent(0);
    const { callId } = await connectedCall(a);
    const boss = await ctx.agent('supervisor');
    await boss.request(
      'SET_AGENT_CONFIG',
      { config: { selectedPhone: { type: 'DESK_PHONE', number: '+14155550188' } } },
      'AGENT_CONFIG_UPDATED',
    );
    const started = await boss.request('SUPERVISE_CALL', { call: { callId } }, 'SUPERVISOR_CALL_STARTED');
    expect(started.payload).toMatchObject({ callId, callInfo: { isSoftphoneCall: false } });
  });

  it('an agent cannot supervise: CAN_NOT_SUPERVISE_CALL', async () => {
    const a = await ctx.agent(0);
    const { callId } = await connectedCall(a);
    const b = await ctx.agent(1);
    const error = await b.request('SUPERVISE_CALL', { call: { callId } }, 'ERROR');
    expect(error.payload).toEqual({ message: 'CAN_NOT_SUPERVISE_CALL' });
  });
});
