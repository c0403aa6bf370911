import { describe, expect, it } from 'vitest';
import * as tenants from '../src/engine/tenants.ts';
import { useService } from './context.ts';
import type { AgentClient, CallLike } from './harness.ts';

const ctx = useService({ agents: 3, settings: { ringTimeoutSeconds: 20 } });

interface Detail {
  state: string;
  holdMs: number;
  dtmf: string;
  recording: { paused: boolean; enabled: boolean; active: boolean };
  participants: Array<{
    id: string;
    role: string;
    state: string;
    userId: string | null;
    phoneNumber: string | null;
    muted: boolean;
  }>;
}

/** Agent 0 available, an inbound call connected to them. */
async function connected(): Promise<{ a: AgentClient; callId: string; callerId: string }> {
  const a = await ctx.agent(0);
  const { callId, callerId } = await ctx.connectedCall(a, '+14155551234');
  return { a, callId, callerId };
}

/** Agent 1 available, and `a` adds them to `callId` (not blind): a consult that rings them. */
async function consultAgent1(
  a: AgentClient,
  callId: string,
): Promise<{ b: AgentClient; participantId: string }> {
  const b = await ctx.agent(1);
  await b.goAvailable();
  const { participantId } = await a.request<{ participantId: string }>('addParticipant', {
    callId,
    destination: { type: 'agent', userId: b.userId },
    blind: false,
  });
  return { b, participantId };
}

const detail = async (callId: string) => (await ctx.sim.get<Detail>(`/calls/${callId}`)).body;

describe('call controls', () => {
  it('mutes and unmutes the agent', async () => {
    const { a, callId } = await connected();
    await a.request('mute', { callId });
    expect((await a.waitFor('MUTE_TOGGLE')).data).toMatchObject({ muted: true });
    expect((await detail(callId)).participants.find((p) => p.userId === a.userId)?.muted).toBe(true);
    await a.request('unmute', { callId });
    expect((await a.waitFor('MUTE_TOGGLE', (e) => e.data.muted === false)).data.muted).toBe(false);
  });

  it('holds and resumes the caller, counting hold time; no double hold', async () => {
    const { a, callId, callerId } = await connected();
    expect((await detail(callId)).recording).toMatchObject({ enabled: true, active: true });
    await a.request('hold', { callId, participantId: callerId });
    const held = await a.waitFor('HOLD_TOGGLE');
    expect(held.data).toMatchObject({ participantId: callerId, onHold: true });
    // Nothing is recorded while the customer is on hold.
    expect(held.data.call?.recording).toEqual({ enabled: true, paused: false, active: false });
    expect((await detail(callId)).recording).toMatchObject({ active: false });
    await expect(a.request('hold', { callId, participantId: callerId })).rejects.toMatchObject({
      code: 'CAN_NOT_HOLD_CALL',
    });
    ctx.clock.advance(7_000);
    await a.request('resume', { callId, participantId: callerId });
    await a.waitFor('HOLD_TOGGLE', (e) => e.data.onHold === false);
    expect((await detail(callId)).holdMs).toBe(7_000);
    expect((await detail(callId)).recording).toMatchObject({ active: true });
    await expect(a.request('hold', { callId, participantId: 'PAnope' })).rejects.toMatchObject({
      code: 'INVALID_PARTICIPANT',
    });
  });

  it('pauses and resumes recording, and records DTMF digits', async () => {
    const { a, callId } = await connected();
    await a.request('pauseRecording', { callId });
    expect((await a.waitFor('RECORDING_TOGGLE')).data.paused).toBe(true);
    expect((await detail(callId)).recording.paused).toBe(true);
    await a.request('resumeRecording', { callId });
    await a.waitFor('RECORDING_TOGGLE', (e) => e.data.paused === false);
    await a.request('sendDigits', { callId, digits: '12#' });
    await a.request('sendDigits', { callId, digits: '*9' });
    expect((await detail(callId)).dtmf).toBe('12#*9');
  });

  it('consults a third party by number, swaps, merges into a conference and removes them', async () => {
    const { a, callId, callerId } = await connected();
    const added = await a.request<{ participantId: string }>('addParticipant', {
      callId,
      destination: { type: 'phoneNumber', phoneNumber: '(415) 555-0177' },
      blind: false,
    });
    const third = added.participantId;
    await a.waitFor('PARTICIPANT_ADDED');
    expect((await a.waitFor('HOLD_TOGGLE')).data).toMatchObject({ participantId: callerId, onHold: true });
    const d = await detail(callId);
    expect(d.participants.find((p) => p.id === third)).toMatchObject({
      role: 'third_party',
      state: 'dialing',
      phoneNumber: '+14155550177',
    });
    expect((await ctx.sim.post(`/calls/${callId}/participants/${third}/answer`)).status).toBe(200);
    await a.waitFor('PARTICIPANT_CONNECTED');
    await a.request('swap', { callId });
    await a.waitFor('PARTICIPANTS_SWAPPED');
    const swapped = await detail(callId);
    expect(swapped.participants.find((p) => p.id === callerId)?.state).toBe('connected');
    expect(swapped.participants.find((p) => p.id === third)?.state).toBe('held');
    await a.request('conference', { callId });
    await a.waitFor('PARTICIPANTS_CONFERENCED');
    expect((await detail(callId)).participants.filter((p) => p.state === 'connected')).toHaveLength(3);
    await a.request('removeParticipant', { callId, participantId: third });
    await a.waitFor('PARTICIPANT_REMOVED');
    const after = await detail(callId);
    expect(after.state).toBe('connected');
    expect(after.participants.find((p) => p.id === third)?.state).toBe('ended');
  });

  it('warm-transfers to another agent: consult, connect, the first agent leaves', async () => {
    const { a, callId, callerId } = await connected();
    const { b, participantId } = await consultAgent1(a, callId);
    const offer = await b.waitFor('CALL_STARTED');
    expect(offer.data.call).toMatchObject({ callId, callType: 'AddParticipant' });
    await b.request('acceptCall', { callId });
    expect((await a.waitFor('PARTICIPANT_CONNECTED')).data.participantId).toBe(participantId);
    await a.request('endCall', { callId });
    await a.waitFor('HANGUP');
    await a.waitFor('AFTER_CALL_WORK_STARTED');
    await b.waitFor('PARTICIPANT_REMOVED');
    const d = await detail(callId);
    expect(d.state).toBe('connected');
    // The caller is still on the consult hold; b now handles the call and takes them off hold.
    expect(d.participants.find((p) => p.id === callerId)?.state).toBe('held');
    await b.request('resume', { callId, participantId: callerId });
    expect((await b.waitFor('HOLD_TOGGLE', (e) => e.data.onHold === false)).data.participantId).toBe(
      callerId,
    );
    await b.request('endCall', { callId });
    expect((await detail(callId)).state).toBe('ended');
  });

  it('blind-transfers to an agent: the first agent is released at once', async () => {
    const { a, callId } = await connected();
    const b = await ctx.agent(1);
    await b.goAvailable();
    await a.request('addParticipant', {
      callId,
      destination: { type: 'agent', userId: b.userId },
      blind: true,
    });
    expect((await a.waitFor('HANGUP')).data.reason).toBe('ended');
    const offer = await b.waitFor('CALL_STARTED');
    expect(offer.data.call).toMatchObject({ callId, callType: 'Transfer' });
    await b.request('acceptCall', { callId });
    await b.waitFor('CALL_CONNECTED');
    expect((await detail(callId)).state).toBe('connected');
  });

  it('blind-transfers to a queue and to a flow (routed through its fallback queue)', async () => {
    const { a, callId } = await connected();
    const sales = await tenants.createQueue(ctx.dbh.db, { contactCenterId: ctx.tenant.ccId, name: 'Sales' });
    await tenants.addQueueMember(ctx.dbh.db, {
      queueId: sales,
      memberType: 'user',
      memberId: ctx.tenant.agents[2]!.id,
    });
    await tenants.createFlow(ctx.dbh.db, {
      contactCenterId: ctx.tenant.ccId,
      devName: 'To_Sales',
      fallbackQueueId: sales,
    });
    const c = await ctx.agent(2);
    await c.goAvailable();
    await a.request('addParticipant', {
      callId,
      destination: { type: 'flow', flowName: 'To_Sales' },
      blind: true,
    });
    await a.waitFor('HANGUP');
    const offer = await c.waitFor('CALL_STARTED');
    expect(offer.data.call).toMatchObject({ callId, callType: 'Transfer' });
    await c.request('acceptCall', { callId });
    await expect(
      c.request('addParticipant', { callId, destination: { type: 'flow', flowName: 'Nope' }, blind: true }),
    ).rejects.toMatchObject({ code: 'INVALID_DESTINATION' });
    await expect(
      c.request('addParticipant', {
        callId,
        destination: { type: 'phoneNumber', phoneNumber: '12' },
        blind: true,
      }),
    ).rejects.toMatchObject({ code: 'INVALID_PHONE_NUMBER' });
  });

  it('fails a transfer to an agent who does not answer and keeps the call with the first agent', async () => {
    const { a, callId } = await connected();
    const { b, participantId } = await consultAgent1(a, callId);
    await b.waitFor('CALL_STARTED');
    await b.request('declineCall', { callId });
    expect((await a.waitFor('PARTICIPANT_REMOVED')).data).toMatchObject({ participantId, reason: 'error' });
    expect((await detail(callId)).state).toBe('connected');
  });

  it('dials out: the customer answers, the agent hangs up', async () => {
    const a = await ctx.agent(0);
    const { call } = await a.request<{ call: CallLike }>('dial', {
      destination: { type: 'phoneNumber', phoneNumber: '+44 20 7946 0958' },
    });
    expect(call).toMatchObject({ callType: 'Outbound', state: 'dialing', to: '+442079460958' });
    await a.waitFor('CALL_STARTED');
    expect((await a.request<{ state: string }>('getAgentStatus')).state).toBe('on_call');
    await expect(
      a.request('dial', { destination: { type: 'phoneNumber', phoneNumber: '+14155550123' } }),
    ).rejects.toMatchObject({ code: 'USER_BUSY_ERROR' });
    await ctx.sim.post(`/calls/${call.callId}/answer`);
    await a.waitFor('CALL_CONNECTED');
    await a.request('endCall', { callId: call.callId });
    await a.waitFor('HANGUP');
    // The agent was offline before dialing: after wrap-up they go back to offline.
    expect((await a.request<{ state: string }>('wrapUp', { callId: call.callId })).state).toBe('offline');
  });

  it('calls another agent (InternalCall) and a queue', async () => {
    const a = await ctx.agent(0);
    const b = await ctx.agent(1);
    await b.goAvailable();
    const { call } = await a.request<{ call: CallLike }>('dial', {
      destination: { type: 'agent', userId: b.userId },
    });
    expect(call.callType).toBe('InternalCall');
    expect(call.participantType).toBe('Initial_Caller');
    const offer = await b.waitFor('CALL_STARTED');
    expect(offer.data.call).toMatchObject({ callType: 'InternalCall', participantType: 'Agent' });
    await b.request('acceptCall', { callId: call.callId });
    await a.waitFor('CALL_CONNECTED');
    await b.request('endCall', { callId: call.callId });
    await a.waitFor('HANGUP');
    await a.request('wrapUp', { callId: call.callId });

    const c = await ctx.agent(2);
    await c.goAvailable();
    const toQueue = await a.request<{ call: CallLike }>('dial', {
      destination: { type: 'queue', queueId: ctx.tenant.queueId },
    });
    const queued = await c.waitFor('CALL_STARTED');
    expect(queued.data.call?.callId).toBe(toQueue.call.callId);
    await expect(
      a.request('dial', { destination: { type: 'agent', userId: a.userId } }),
    ).rejects.toMatchObject({ code: 'INVALID_DESTINATION' });
    await expect(
      a.request('dial', { destination: { type: 'phoneNumber', phoneNumber: '+14155550123' } }),
    ).rejects.toMatchObject({ code: 'USER_BUSY_ERROR' });
  });

  it('lets a supervisor listen in silently, barge in, and leave', async () => {
    const { a, callId } = await connected();
    const boss = await ctx.supervisor();
    const list = await boss.request<{ calls: CallLike[] }>('listActiveCalls');
    expect(list.calls.map((c) => c.callId)).toEqual([callId]);
    await expect(a.request('listActiveCalls')).rejects.toMatchObject({ code: 'CAN_NOT_SUPERVISE_CALL' });
    await boss.request('superviseCall', { callId });
    await boss.waitFor('SUPERVISOR_CALL_CONNECTED');
    expect(a.names()).not.toContain('CALL_BARGED_IN');
    const sup = (await detail(callId)).participants.find((p) => p.role === 'supervisor');
    expect(sup).toMatchObject({ state: 'connected', muted: true });
    await expect(boss.request('unmute', { callId })).rejects.toMatchObject({ code: 'CAN_NOT_UNMUTE_CALL' });
    await boss.request('bargeIn', { callId });
    await boss.waitFor('SUPERVISOR_BARGED_IN');
    expect((await a.waitFor('CALL_BARGED_IN')).data.supervisorName).toBe('The Supervisor');
    await boss.request('supervisorDisconnect', { callId });
    await boss.waitFor('SUPERVISOR_HANGUP');
    expect((await detail(callId)).state).toBe('connected');
  });

  it('ends the call for everyone when the caller hangs up', async () => {
    const { a, callId } = await connected();
    await ctx.sim.post(`/calls/${callId}/hangup`);
    expect((await a.waitFor('HANGUP')).data.reason).toBe('ended');
    await a.waitFor('AFTER_CALL_WORK_STARTED');
    expect((await detail(callId)).state).toBe('ended');
  });
});
