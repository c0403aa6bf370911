import { describe, expect, it } from 'vitest';
import { useService } from './context.ts';
import { STATUS, type AgentClient, type CallLike } from './harness.ts';

const ctx = useService({
  agents: 2,
  settings: { ringTimeoutSeconds: 20, customErrorLabels: { Trunk_Down: 'The phone line is down.' } },
});

interface Detail {
  state: string;
  kind: string;
  origin: string | null;
  initialCallId: string | null;
  endReason: string | null;
  isDeskPhone: boolean;
  recording: { url: string | null; durationSeconds: number | null };
  transcript: Array<{ speaker: string; text: string; participantId: string | null }>;
  participants: Array<{
    id: string;
    role: string;
    state: string;
    device: string | null;
    phoneNumber: string | null;
  }>;
}
const detail = async (callId: string) => (await ctx.sim.get<Detail>(`/calls/${callId}`)).body;

/** An agent who is logged in and away: staffs the queue without taking calls. */
async function awayAgent(i: number): Promise<AgentClient> {
  const c = await ctx.agent(i);
  await c.request('setAgentStatus', { statusId: STATUS.away });
  return c;
}

describe('the phone network', () => {
  it('queues a callback for a waiting caller, offers it as QUEUED_CALL_STARTED, dials on accept', async () => {
    const a = await awayAgent(0);
    const original = await ctx.sim.call('+14155551234', ctx.tenant.number);
    const res = await ctx.sim.post<{ callId: string }>(`/calls/${original}/callback`, {
      phoneNumber: '+14155559876',
    });
    expect(res.status).toBe(201);
    const cb = res.body.callId;
    expect(await detail(original)).toMatchObject({ state: 'ended', endReason: 'callback_requested' });
    expect(await detail(cb)).toMatchObject({ kind: 'callback', state: 'queued', initialCallId: original });
    await a.goAvailable();
    const offered = await a.waitFor('QUEUED_CALL_STARTED');
    expect(offered.data.call).toMatchObject({ callId: cb, callType: 'Callback', initialCallId: original });
    await a.request('acceptCall', { callId: cb });
    const dialing = await detail(cb);
    expect(dialing.state).toBe('dialing');
    expect(dialing.participants.find((p) => p.role === 'initial_caller')).toMatchObject({
      state: 'dialing',
      phoneNumber: '+14155559876',
    });
    await ctx.sim.post(`/calls/${cb}/answer`);
    expect((await a.waitFor('CALL_CONNECTED')).data.call?.callId).toBe(cb);
  });

  it('holds a scheduled callback until its time', async () => {
    const a = await awayAgent(0);
    const original = await ctx.sim.call('+14155551234', ctx.tenant.number);
    const at = ctx.clock.now() + 3_600_000;
    const cb = (await ctx.sim.post<{ callId: string }>(`/calls/${original}/callback`, { at })).body.callId;
    await a.goAvailable();
    await ctx.advance(3_599_000);
    expect(a.names()).not.toContain('QUEUED_CALL_STARTED');
    await ctx.advance(1_000);
    expect((await a.waitFor('QUEUED_CALL_STARTED')).data.call?.callId).toBe(cb);
  });

  it("takes a voicemail on the caller's request", async () => {
    await awayAgent(0);
    const callId = await ctx.sim.call('+14155551234', ctx.tenant.number);
    expect((await ctx.sim.post(`/calls/${callId}/voicemail-request`)).status).toBe(200);
    await ctx.sim.post(`/calls/${callId}/voicemail`, {
      url: 'https://media.test/vm.wav',
      durationSeconds: 30,
    });
    expect(await detail(callId)).toMatchObject({
      state: 'ended',
      origin: 'Voicemail',
      endReason: 'voicemail',
      recording: { url: 'https://media.test/vm.wav', durationSeconds: 30 },
    });
  });

  it('runs a progressive dialer call: dials the customer, then routes it like an inbound call', async () => {
    const a = await ctx.agent(0);
    await a.goAvailable();
    const res = await ctx.sim.post<{ callId: string }>('/dialer', {
      to: '+14155557777',
      queueId: ctx.tenant.queueId,
    });
    expect(res.status).toBe(201);
    expect(a.names()).not.toContain('CALL_STARTED');
    await ctx.sim.post(`/calls/${res.body.callId}/answer`);
    const offer = await a.waitFor('CALL_STARTED');
    expect(offer.data.call).toMatchObject({ callId: res.body.callId, origin: 'ProgressiveDialer' });
    await a.request('acceptCall', { callId: res.body.callId });
    expect((await detail(res.body.callId)).state).toBe('connected');
  });

  it('lets a desk-phone agent answer, hold and hang up from the phone, marked as desk phone', async () => {
    const a = await ctx.agent(0);
    await expect(a.request('setAgentConfig', { phoneType: 'DESK_PHONE' })).rejects.toMatchObject({
      code: 'CAN_NOT_SET_AGENT_CONFIG',
    });
    const config = await a.request('setAgentConfig', {
      phoneType: 'DESK_PHONE',
      deskPhoneNumber: '415-555-0142',
    });
    expect(config).toMatchObject({ phoneType: 'DESK_PHONE', deskPhoneNumber: '+14155550142' });
    await a.waitFor('AGENT_CONFIG_UPDATED');
    await a.goAvailable();
    const callId = await ctx.sim.call('+14155551234', ctx.tenant.number);
    await a.waitFor('CALL_STARTED');
    const devices = await ctx.sim.get<{
      devices: Array<{ userId: string; device: string; phoneNumber: string }>;
    }>('/devices');
    expect(devices.body.devices).toContainEqual(
      expect.objectContaining({ userId: a.userId, device: 'desk_phone', phoneNumber: '+14155550142' }),
    );
    expect((await ctx.sim.post(`/agents/${a.userId}/deskphone/answer`, { callId })).status).toBe(200);
    const connected = await a.waitFor('CALL_CONNECTED');
    expect((connected.data.call as CallLike).isDeskPhone).toBe(true);
    await ctx.sim.post(`/agents/${a.userId}/deskphone/hold`, { callId });
    expect((await a.waitFor('HOLD_TOGGLE')).data.onHold).toBe(true);
    await ctx.sim.post(`/agents/${a.userId}/deskphone/hangup`, { callId });
    await a.waitFor('HANGUP');
    expect(await detail(callId)).toMatchObject({ state: 'ended', isDeskPhone: true });
    expect((await ctx.sim.post(`/agents/${a.userId}/deskphone/answer`, { callId })).status).toBe(409);
  });

  it('marks the desk phone per viewer: a soft-phone agent added to a desk-phone call is not on a desk phone', async () => {
    const a = await ctx.agent(0);
    await a.request('setAgentConfig', { phoneType: 'DESK_PHONE', deskPhoneNumber: '+14155550142' });
    await a.goAvailable();
    const callId = await ctx.sim.call('+14155551234', ctx.tenant.number);
    await a.waitFor('CALL_STARTED');
    await ctx.sim.post(`/agents/${a.userId}/deskphone/answer`, { callId });
    expect(((await a.waitFor('CALL_CONNECTED')).data.call as CallLike).isDeskPhone).toBe(true);
    const b = await ctx.agent(1);
    await b.goAvailable();
    await a.request('addParticipant', {
      callId,
      destination: { type: 'agent', userId: b.userId },
      blind: false,
    });
    expect(((await b.waitFor('CALL_STARTED')).data.call as CallLike).isDeskPhone).toBe(false);
    await b.request('acceptCall', { callId });
    expect(((await b.waitFor('CALL_CONNECTED')).data.call as CallLike).isDeskPhone).toBe(false);
    expect(((await a.waitFor('PARTICIPANT_CONNECTED')).data.call as CallLike).isDeskPhone).toBe(true);
  });

  it('rings the secondary device after its delay', async () => {
    const a = await ctx.agent(0);
    await a.request('setAgentConfig', { secondaryRing: { phoneNumber: '+14155550143', delaySeconds: 5 } });
    await a.goAvailable();
    await ctx.sim.call('+14155551234', ctx.tenant.number);
    await a.waitFor('CALL_STARTED');
    const ringingSecondary = async () =>
      (await ctx.sim.get<{ devices: Array<{ device: string }> }>('/devices')).body.devices.filter(
        (d) => d.device === 'secondary',
      );
    expect(await ringingSecondary()).toHaveLength(0);
    await ctx.advance(5_000);
    expect(await ringingSecondary()).toEqual([
      expect.objectContaining({ device: 'secondary', phoneNumber: '+14155550143' }),
    ]);
    await a.waitFor('CALL_UPDATED');
  });

  it("makes the agent's next operation fail with a custom error label, then works again", async () => {
    const a = await ctx.agent(0);
    await a.goAvailable();
    const callId = await ctx.sim.call('+14155551234', ctx.tenant.number);
    await a.waitFor('CALL_STARTED');
    await ctx.sim.post(`/agents/${a.userId}/fail-next`, {
      customErrorLabel: 'Trunk_Down',
      method: 'acceptCall',
    });
    await a.request('getAgentStatus');
    await expect(a.request('acceptCall', { callId })).rejects.toMatchObject({
      code: 'CUSTOM_ERROR',
      customErrorLabel: 'Trunk_Down',
      message: 'CUSTOM_ERROR: The phone line is down.',
    });
    expect((await detail(callId)).state).toBe('ringing');
    await a.request('acceptCall', { callId });
    expect((await detail(callId)).state).toBe('connected');
  });

  it("an injected failure hits only its agent's next request (of its method), once", async () => {
    const a = await ctx.agent(0);
    const b = await ctx.agent(1);
    // Before anything is injected, requests pass (the gate learns the contact center has none).
    await a.request('getAgentStatus');
    await ctx.sim.post(`/agents/${a.userId}/fail-next`, { code: 'CAN_NOT_SET_AGENT_STATUS' });
    await b.request('getAgentStatus');
    await expect(a.request('getAgentConfig')).rejects.toMatchObject({ code: 'CAN_NOT_SET_AGENT_STATUS' });
    await a.request('getAgentConfig');
    await b.request('getAgentConfig');
    // An unknown user is a 404 and arms nothing.
    expect((await ctx.sim.post(`/agents/USnope/fail-next`, {})).status).toBe(404);
    await a.request('getAgentStatus');
    // Two injected in a row: each agent's next request fails once.
    await ctx.sim.post(`/agents/${a.userId}/fail-next`, {});
    await ctx.sim.post(`/agents/${b.userId}/fail-next`, { method: 'getAgentConfig' });
    await expect(a.request('getAgentStatus')).rejects.toMatchObject({ code: 'GENERIC_ERROR' });
    await b.request('getAgentStatus');
    await expect(b.request('getAgentConfig')).rejects.toMatchObject({ code: 'GENERIC_ERROR' });
    await a.request('getAgentStatus');
    await b.request('getAgentConfig');
  });

  it('stores transcripts and the recording, and pushes audio stats to the agent', async () => {
    const a = await ctx.agent(0);
    const { callId, callerId: caller } = await ctx.connectedCall(a, '+14155551234');
    await ctx.sim.post(`/calls/${callId}/transcript`, {
      participantId: caller,
      speaker: 'END_USER',
      text: 'My order is late',
    });
    ctx.clock.advance(1000);
    await ctx.sim.post(`/calls/${callId}/transcript`, { speaker: 'HUMAN_AGENT', text: 'Let me check' });
    await ctx.sim.post(`/calls/${callId}/recording`, {
      url: 'https://media.test/rec.wav',
      durationSeconds: 42,
    });
    await ctx.sim.post(`/calls/${callId}/audio-stats`, {
      stats: [
        {
          inputChannelStats: {
            packetsCount: 100,
            packetsLost: 1,
            jitterBufferMillis: 20,
            roundTripTimeMillis: 80,
          },
        },
      ],
    });
    expect((await a.waitFor('UPDATE_AUDIO_STATS')).data.callId).toBe(callId);
    const d = await detail(callId);
    expect(d.transcript.map((t) => [t.speaker, t.text, t.participantId])).toEqual([
      ['END_USER', 'My order is late', caller],
      ['HUMAN_AGENT', 'Let me check', null],
    ]);
    expect(d.recording).toMatchObject({ url: 'https://media.test/rec.wav', durationSeconds: 42 });
  });
});
