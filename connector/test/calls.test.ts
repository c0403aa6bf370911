import { describe, expect, it } from 'vitest';
import { presenceOf } from '../../telephony/test/harness.ts';
import { STATUS, useConnector } from './context.ts';
import type { Host } from './host.ts';

const ctx = useConnector({ settings: { ringTimeoutSeconds: 20 } });

const CALLER = '+14155551234';
const settle = () => new Promise((r) => setTimeout(r, 400));

interface Detail {
  state: string;
  dtmf: string;
  recording: { paused: boolean };
  participants: Array<{ id: string; role: string; state: string; userId: string | null; muted: boolean }>;
}
const detail = async (callId: string) => (await ctx.sim.get<Detail>(`/calls/${callId}`)).body;

/** The page's agent goes available, a caller rings them and they accept in Omni-Channel. */
async function connectedCall(
  host: Host,
  from = CALLER,
): Promise<{ callId: string; call: Record<string, unknown> }> {
  await ctx.available(host);
  const callId = await ctx.sim.call(from, ctx.tenant.number);
  const started = await host.waitFor('CALL_STARTED', (p) => p.callId === callId);
  const connected = await host.request('ACCEPT_CALL', { call: started.payload }, 'CALL_CONNECTED');
  return { callId, call: connected.payload };
}

/** How often each event type was dispatched after `from`. */
function counts(host: Host, from = 0): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of host.types(from)) out[t] = (out[t] ?? 0) + 1;
  return out;
}

describe('an inbound call', () => {
  it('rings (CALL_STARTED), connects on ACCEPT_CALL, ends on END_CALL with after-call work, wraps up', async () => {
    const host = await ctx.agent(0);
    await ctx.available(host);
    const from = host.mark();
    const callId = await ctx.sim.call(CALLER, ctx.tenant.number);
    const started = await host.waitFor('CALL_STARTED', undefined, from);
    expect(started.payload).toMatchObject({
      callId,
      connectionId: callId,
      callType: 'Inbound',
      state: 'ringing',
      phoneNumber: CALLER,
      contact: { phoneNumber: CALLER, type: 'PhoneNumber' },
      callAttributes: { participantType: 'Agent', isOnHold: false },
      callInfo: { queueName: 'Support', queueId: ctx.tenant.queueId, isSoftphoneCall: true, isOnHold: false },
    });

    const connected = await host.request('ACCEPT_CALL', { call: started.payload }, 'CALL_CONNECTED');
    expect(connected.payload).toMatchObject({ callId, state: 'connected', callType: 'Inbound' });
    expect(await presenceOf(ctx.dbh.db, ctx.tenant.agents[0]!.id)).toBe('on_call');

    const hangup = await host.request('END_CALL', { call: connected.payload }, 'HANGUP');
    expect(hangup.payload).toEqual([expect.objectContaining({ callId, state: 'ended', reason: 'ended' })]);
    const acw = await host.waitFor('AFTER_CALL_WORK_STARTED', undefined, from);
    expect(acw.payload).toEqual({ callId });
    expect(acw.index).toBeGreaterThan(hangup.index);
    expect(await presenceOf(ctx.dbh.db, ctx.tenant.agents[0]!.id)).toBe('after_call_work');

    const wrapped = await host.request('WRAP_UP_CALL', { call: connected.payload }, 'WRAP_UP_ENDED');
    expect(wrapped.payload).toEqual({ callId, callStatus: 'ended' });
    expect(await presenceOf(ctx.dbh.db, ctx.tenant.agents[0]!.id)).toBe('available');
    await settle();
    expect(host.types(from)).toEqual([
      'CALL_STARTED',
      'CALL_CONNECTED',
      'HANGUP',
      'AFTER_CALL_WORK_STARTED',
      'WRAP_UP_ENDED',
    ]);
  });

  it('DECLINE_CALL: one HANGUP with reason error and DeclinedByAgent; the agent stays available', async () => {
    const host = await ctx.agent(0);
    await ctx.available(host);
    ctx.clock.advance(1000); // agent 0 has waited longest: the call rings them first
    const other = await ctx.agent(1);
    await ctx.available(other);
    const fromOther = other.mark();
    const from = host.mark();
    const callId = await ctx.sim.call(CALLER, ctx.tenant.number);
    const started = await host.waitFor('CALL_STARTED', undefined, from);
    const hangup = await host.request('DECLINE_CALL', { call: started.payload }, 'HANGUP');
    expect(hangup.payload).toMatchObject({
      callId,
      reason: 'error',
      agentStatus: 'DeclinedByAgent',
      state: 'ended',
      // The guide: closeCallOnError is true or false; set explicitly (the base library drops a false one).
      closeCallOnError: false,
    });
    // The call goes back to the queue and rings the next agent.
    await other.waitFor('CALL_STARTED', (p) => p.callId === callId, fromOther);
    expect(host.types(from)).toEqual(['CALL_STARTED', 'HANGUP']);
    expect(await presenceOf(ctx.dbh.db, ctx.tenant.agents[0]!.id)).toBe('available');
  });

  it('DECLINE_CALL with nobody else free: HANGUP, the call waits; it rings her again after one ring timeout', async () => {
    const host = await ctx.agent(0);
    await ctx.available(host);
    const from = host.mark();
    const callId = await ctx.sim.call(CALLER, ctx.tenant.number);
    const started = await host.waitFor('CALL_STARTED', undefined, from);
    const hangup = await host.request('DECLINE_CALL', { call: started.payload }, 'HANGUP');
    expect(hangup.payload).toMatchObject({ callId, agentStatus: 'DeclinedByAgent', closeCallOnError: false });
    await settle();
    // Salesforce hears of the decline, in causal order, and is not handed the call she just declined.
    expect(host.types(from)).toEqual(['CALL_STARTED', 'HANGUP']);
    expect((await detail(callId)).state).toBe('queued');
    expect(await presenceOf(ctx.dbh.db, ctx.tenant.agents[0]!.id)).toBe('available');

    // Another agent who becomes free meanwhile gets it at once.
    const other = await ctx.agent(1);
    const fromOther = other.mark();
    await ctx.available(other);
    const offered = await other.waitFor('CALL_STARTED', (p) => p.callId === callId, fromOther);
    await other.request('DECLINE_CALL', { call: offered.payload }, 'HANGUP');
    await other.request(
      'SET_AGENT_STATUS',
      { agentStatus: 'Away', statusInfo: { statusId: STATUS.away, statusName: 'Away' } },
      'SET_AGENT_STATUS_RESULT',
    );

    // After one ring timeout since her decline, the call comes back to her (no missed call, no Busy).
    const back = host.mark();
    await ctx.advance(20_000);
    await host.waitFor('CALL_STARTED', (p) => p.callId === callId, back);
    expect(host.types(back)).toEqual(['CALL_STARTED']);
  });

  it("a missed offer: HANGUP with MissedCallAgent; the org's Update Status on Push Time-Out sets the status, not the service", async () => {
    const host = await ctx.agent(0);
    await ctx.available(host);
    const from = host.mark();
    const callId = await ctx.sim.call(CALLER, ctx.tenant.number);
    await host.waitFor('CALL_STARTED', undefined, from);
    await ctx.advance(21_000);
    const hangup = await host.waitFor('HANGUP', undefined, from);
    expect(hangup.payload).toEqual([
      expect.objectContaining({ callId, reason: 'error', agentStatus: 'MissedCallAgent', state: 'ended' }),
    ]);
    // The guide: closeCallOnError is true or false; set explicitly (the base library drops a false one).
    expect(hangup.payload[0].closeCallOnError).toBe(false);
    await settle();
    // No status pushed over the org's setting; the call is not handed straight back to her.
    expect(host.types(from)).toEqual(['CALL_STARTED', 'HANGUP']);
    expect(await presenceOf(ctx.dbh.db, ctx.tenant.agents[0]!.id)).toBe('available');
    // Omni-Channel applies "Update Status on Push Time-Out" (here Away): the service follows it.
    await host.request(
      'SET_AGENT_STATUS',
      { agentStatus: 'Away', statusInfo: { statusId: STATUS.away, statusName: 'Away' } },
      'SET_AGENT_STATUS_RESULT',
    );
    expect(await presenceOf(ctx.dbh.db, ctx.tenant.agents[0]!.id)).toBe('busy');
  });

  it('the caller abandons while it rings: HANGUP with FailedConnectCustomer and closeCallOnError', async () => {
    const host = await ctx.agent(0);
    await ctx.available(host);
    const from = host.mark();
    const callId = await ctx.sim.call(CALLER, ctx.tenant.number);
    await host.waitFor('CALL_STARTED', undefined, from);
    await ctx.sim.post(`/calls/${callId}/hangup`);
    const hangup = await host.waitFor('HANGUP', undefined, from);
    expect(hangup.payload).toEqual([
      expect.objectContaining({
        callId,
        reason: 'error',
        agentStatus: 'FailedConnectCustomer',
        closeCallOnError: true,
      }),
    ]);
  });

  it('the caller hangs up during the call: HANGUP then after-call work, no PARTICIPANT_REMOVED', async () => {
    const host = await ctx.agent(0);
    const { callId } = await connectedCall(host);
    const from = host.mark();
    await ctx.sim.post(`/calls/${callId}/hangup`);
    await host.waitFor('AFTER_CALL_WORK_STARTED', undefined, from);
    await settle();
    expect(host.types(from)).toEqual(['HANGUP', 'AFTER_CALL_WORK_STARTED']);
    expect(host.dispatched().find((d) => d.index >= from)?.payload).toEqual([
      expect.objectContaining({ callId, reason: 'ended' }),
    ]);
  });
});

describe('call controls from Omni-Channel', () => {
  it('MUTE, UNMUTE, HOLD, RESUME, PAUSE_RECORDING, RESUME_RECORDING, SEND_DIGITS: one event each, the service follows', async () => {
    const host = await ctx.agent(0);
    const { callId, call } = await connectedCall(host);
    const from = host.mark();

    expect((await host.request('MUTE', { call }, 'MUTE_TOGGLE')).payload).toMatchObject({
      isMuted: true,
      call: { callId, callInfo: { isMuted: true } },
    });
    expect((await detail(callId)).participants.find((p) => p.role === 'agent')?.muted).toBe(true);
    expect((await host.request('UNMUTE', { call }, 'MUTE_TOGGLE', (p) => !p.isMuted)).payload.isMuted).toBe(
      false,
    );

    const held = await host.request('HOLD', { call }, 'HOLD_TOGGLE');
    expect(held.payload).toMatchObject({ isCustomerOnHold: true, isThirdPartyOnHold: false });
    expect(held.payload.calls[0]).toMatchObject({ callId, callInfo: { isOnHold: true } });
    expect((await detail(callId)).participants.find((p) => p.role === 'initial_caller')?.state).toBe('held');
    const resumed = await host.request('RESUME', { call }, 'HOLD_TOGGLE', (p) => !p.isCustomerOnHold);
    expect(resumed.payload.isCustomerOnHold).toBe(false);

    const paused = await host.request('PAUSE_RECORDING', { call }, 'RECORDING_TOGGLE');
    expect(paused.payload).toMatchObject({ isRecordingPaused: true });
    expect((await detail(callId)).recording.paused).toBe(true);
    const unpaused = await host.request(
      'RESUME_RECORDING',
      { call },
      'RECORDING_TOGGLE',
      (p) => !p.isRecordingPaused,
    );
    expect(unpaused.payload.isRecordingPaused).toBe(false);

    host.send('SEND_DIGITS', { digits: '12#' });
    await expect.poll(async () => (await detail(callId)).dtmf, { timeout: 5000 }).toBe('12#');
    await settle();
    expect(counts(host, from)).toEqual({ MUTE_TOGGLE: 2, HOLD_TOGGLE: 2, RECORDING_TOGGLE: 2 });
  });

  it('a refused control reports the documented error and changes nothing', async () => {
    const host = await ctx.agent(0);
    const { callId, call } = await connectedCall(host);
    const from = host.mark();
    const error = await host.request('RESUME', { call }, 'ERROR');
    expect(error.payload).toEqual({ message: 'CAN_NOT_RESUME_CALL' });
    expect((await detail(callId)).participants.find((p) => p.role === 'initial_caller')?.state).toBe(
      'connected',
    );
    expect(host.types(from)).toEqual(['ERROR']);
  });

  it('a contact center error label arrives as a CustomError with the namespace of the configuration', async () => {
    const host = await ctx.agent(0, {
      config: {
        ...(await import('./context.ts')).connectorConfig(ctx.tenant, {
          '/reqSwitchboard/reqErrorLabelNamespace': 'switchboard',
        }),
      },
    });
    const { call } = await connectedCall(host);
    await ctx.sim.post(`/agents/${ctx.tenant.agents[0]!.id}/fail-next`, {
      customErrorLabel: 'Switchboard_Error_TrunkDown',
      method: 'hold',
    });
    const error = await host.request('HOLD', { call }, 'ERROR');
    expect(error.payload).toEqual({
      customError: {
        labelName: 'Switchboard_Error_TrunkDown',
        namespace: 'switchboard',
        message: 'Switchboard_Error_TrunkDown',
      },
    });
  });
});

describe('DIAL', () => {
  it('a phone number: CALL_STARTED (Outbound); the customer answers: CALL_CONNECTED', async () => {
    const host = await ctx.agent(0);
    const from = host.mark();
    const started = await host.request(
      'DIAL',
      { contact: { phoneNumber: '(415) 555-0142' } },
      'CALL_STARTED',
    );
    expect(started.payload).toMatchObject({
      callType: 'Outbound',
      state: 'ringing',
      phoneNumber: '+14155550142',
      callAttributes: { participantType: 'Agent' },
    });
    const callId = started.payload.callId as string;
    await ctx.sim.post(`/calls/${callId}/answer`);
    const connected = await host.waitFor('CALL_CONNECTED', undefined, from);
    expect(connected.payload).toMatchObject({ callId, state: 'connected' });
    await settle();
    expect(host.types(from)).toEqual(['CALL_STARTED', 'CALL_CONNECTED']);
  });

  it('an invalid phone number: CALL_FAILED, then INVALID_DESTINATION; no call is created', async () => {
    const host = await ctx.agent(0);
    await ctx.available(host);
    const from = host.mark();
    host.send('DIAL', { contact: { phoneNumber: '12' } });
    await host.waitFor('ERROR', undefined, from);
    expect(host.dispatched().filter((d) => d.index >= from)).toEqual([
      expect.objectContaining({ type: 'CALL_FAILED' }),
      expect.objectContaining({ type: 'ERROR', payload: { message: 'INVALID_DESTINATION' } }),
    ]);
    // Salesforce's log of the error keeps the service's error code.
    const errorLog = () => host.messages.find((m) => m.type === 'LOG' && m.payload?.isError === true);
    await host.until(() => errorLog() !== undefined, 'the error log');
    expect(JSON.stringify(errorLog()?.payload)).toContain('INVALID_PHONE_NUMBER');
    expect(await ctx.dbh.db.selectFrom('calls').select('id').execute()).toEqual([]);
    expect(await presenceOf(ctx.dbh.db, ctx.tenant.agents[0]!.id)).toBe('available');
  });

  it('an agent: an InternalCall that rings the other agent; their accept connects the caller', async () => {
    const a = await ctx.agent(0);
    const b = await ctx.agent(1);
    await ctx.available(b);
    const fromA = a.mark();
    const fromB = b.mark();
    const started = await a.request(
      'DIAL',
      { contact: { type: 'Agent', id: ctx.tenant.agents[1]!.id, name: 'Agent 2' } },
      'CALL_STARTED',
    );
    expect(started.payload).toMatchObject({
      callType: 'InternalCall',
      contact: { type: 'Agent', id: ctx.tenant.agents[1]!.id },
      callAttributes: { participantType: 'Initial_Caller' },
    });
    const ringing = await b.waitFor('CALL_STARTED', undefined, fromB);
    expect(ringing.payload).toMatchObject({
      callId: started.payload.callId,
      callType: 'InternalCall',
      callAttributes: { participantType: 'Agent' },
      contact: { type: 'Agent', id: ctx.tenant.agents[0]!.id },
    });
    await b.request('ACCEPT_CALL', { call: ringing.payload }, 'CALL_CONNECTED');
    const connected = await a.waitFor('CALL_CONNECTED', undefined, fromA);
    expect(connected.payload).toMatchObject({ callId: started.payload.callId, state: 'connected' });
  });

  it('a queue: the call waits in the queue and rings its available agent', async () => {
    const a = await ctx.agent(0);
    const b = await ctx.agent(1);
    await ctx.available(b);
    const fromB = b.mark();
    const started = await a.request(
      'DIAL',
      { contact: { type: 'Queue', id: ctx.tenant.queueId } },
      'CALL_STARTED',
    );
    const ringing = await b.waitFor('CALL_STARTED', undefined, fromB);
    expect(ringing.payload).toMatchObject({ callId: started.payload.callId, callType: 'InternalCall' });
  });

  it('a callback (isCallback=true): QUEUED_CALL_STARTED with the DialedCallback type', async () => {
    const host = await ctx.agent(0);
    const queued = await host.request(
      'DIAL',
      { contact: { phoneNumber: '+14155550142' }, params: ['isCallback=true'] },
      'QUEUED_CALL_STARTED',
    );
    expect(queued.payload).toMatchObject({ callType: 'DialedCallback', phoneNumber: '+14155550142' });
    await ctx.sim.post(`/calls/${queued.payload.callId as string}/answer`);
    const connected = await host.waitFor('CALL_CONNECTED');
    expect(connected.payload).toMatchObject({ callId: queued.payload.callId, callType: 'DialedCallback' });
  });
});

describe('queued callbacks', () => {
  it('QUEUED_CALL_STARTED with the initial call; ACCEPT_CALL dials (CALL_STARTED); the customer answers', async () => {
    const host = await ctx.agent(0);
    const first = await ctx.sim.call(CALLER, ctx.tenant.number);
    const callback = await ctx.sim.post<{ callId: string }>(`/calls/${first}/callback`, {});
    expect(callback.status).toBe(201);
    const from = host.mark();
    await ctx.available(host);
    const queued = await host.waitFor('QUEUED_CALL_STARTED', undefined, from);
    expect(queued.payload).toMatchObject({
      callId: callback.body.callId,
      callType: 'Callback',
      phoneNumber: CALLER,
      callInfo: { initialCallId: first },
    });
    const dialing = await host.request('ACCEPT_CALL', { call: queued.payload }, 'CALL_STARTED');
    expect(dialing.payload).toMatchObject({ callId: callback.body.callId, callType: 'Callback' });
    await ctx.sim.post(`/calls/${callback.body.callId}/answer`);
    const connected = await host.waitFor('CALL_CONNECTED', undefined, from);
    expect(connected.payload).toMatchObject({ callId: callback.body.callId, state: 'connected' });
    await settle();
    expect(counts(host, from)).toMatchObject({ QUEUED_CALL_STARTED: 1, CALL_STARTED: 1, CALL_CONNECTED: 1 });
  });
});

describe('a desk phone', () => {
  it('SET_AGENT_CONFIG selects it; calls say isSoftphoneCall false; desk phone actions arrive as events', async () => {
    const host = await ctx.agent(0);
    const updated = await host.request(
      'SET_AGENT_CONFIG',
      { config: { selectedPhone: { type: 'DESK_PHONE', number: '415 555 0177' } } },
      'AGENT_CONFIG_UPDATED',
    );
    expect(updated.payload).toEqual({ success: true, isSystemEvent: false });
    await ctx.available(host);
    const from = host.mark();
    const callId = await ctx.sim.call(CALLER, ctx.tenant.number);
    const started = await host.waitFor('CALL_STARTED', undefined, from);
    expect(started.payload.callInfo.isSoftphoneCall).toBe(false);

    const me = ctx.tenant.agents[0]!.id;
    await ctx.sim.post(`/agents/${me}/deskphone/answer`, { callId });
    const connected = await host.waitFor('CALL_CONNECTED', undefined, from);
    expect(connected.payload).toMatchObject({
      callId,
      state: 'connected',
      callInfo: { isSoftphoneCall: false },
    });
    await ctx.sim.post(`/agents/${me}/deskphone/mute`, { callId });
    expect((await host.waitFor('MUTE_TOGGLE', undefined, from)).payload).toMatchObject({ isMuted: true });
    await ctx.sim.post(`/agents/${me}/deskphone/hold`, { callId });
    expect((await host.waitFor('HOLD_TOGGLE', undefined, from)).payload).toMatchObject({
      isCustomerOnHold: true,
    });
    await ctx.sim.post(`/agents/${me}/deskphone/resume`, { callId });
    await host.waitFor('HOLD_TOGGLE', (p) => p.isCustomerOnHold === false, from);
    await ctx.sim.post(`/agents/${me}/deskphone/hangup`, { callId });
    await host.waitFor('AFTER_CALL_WORK_STARTED', undefined, from);
    expect(host.types(from)).toEqual([
      'CALL_STARTED',
      'CALL_CONNECTED',
      'MUTE_TOGGLE',
      'HOLD_TOGGLE',
      'HOLD_TOGGLE',
      'HANGUP',
      'AFTER_CALL_WORK_STARTED',
    ]);
  });

  it('an invalid desk phone number: CAN_NOT_UPDATE_PHONE_NUMBER, and the soft phone stays selected', async () => {
    const host = await ctx.agent(0);
    const error = await host.request(
      'SET_AGENT_CONFIG',
      { config: { selectedPhone: { type: 'DESK_PHONE', number: 'not a number' } } },
      'ERROR',
    );
    expect(error.payload).toEqual({ message: 'CAN_NOT_UPDATE_PHONE_NUMBER' });
    const user = await ctx.dbh.db
      .selectFrom('users')
      .select(['phone_type', 'desk_phone_number'])
      .where('id', '=', ctx.tenant.agents[0]!.id)
      .executeTakeFirstOrThrow();
    expect(user).toEqual({ phone_type: 'SOFT_PHONE', desk_phone_number: null });
  });
});

describe('audio quality', () => {
  it('UPDATE_AUDIO_STATS during the call, and the MOS when it ends', async () => {
    const host = await ctx.agent(0);
    const { callId, call } = await connectedCall(host);
    const from = host.mark();
    const sample = { packetsCount: 500, packetsLost: 5, jitterBufferMillis: 20, roundTripTimeMillis: 120 };
    await ctx.sim.post(`/calls/${callId}/audio-stats`, {
      stats: [{ inputChannelStats: sample, outputChannelStats: sample }],
    });
    const stats = await host.waitFor('AUDIO_STATS', undefined, from);
    expect(stats.payload.audioStats).toMatchObject({
      callId,
      stats: [{ inputChannelStats: { packetsCount: 500, packetsLost: 5 } }],
    });
    host.send('END_CALL', { call });
    const mos = await host.waitFor('UPDATE_AUDIO_STATS_COMPLETED', undefined, from);
    expect(mos.payload.callId).toBe(callId);
    expect(mos.payload.mos).toBeGreaterThan(1);
    expect(mos.payload.mos).toBeLessThan(5);
    const hangup = await host.waitFor('HANGUP', undefined, from);
    expect(hangup.index).toBeGreaterThan(mos.index);
  });
});
