/**
 * The engine's domain events, as a subscriber wired like the media plane sees them: one batch per
 * committed command, in commit order, every call change with its contact center and call, nothing
 * from a refused command. Driven through the real service (agents' sockets, the simulator API).
 */
import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../src/engine/domainEvents.ts';
import { publishCallRecording, sendCallerDigits } from '../src/engine/index.ts';
import { ConnectorError, InvalidStateError, NotFoundError } from '../src/domain/errors.ts';
import { useService } from './context.ts';

const ctx = useService({ agents: 3, settings: { ringTimeoutSeconds: 20 } });

/** Subscribes like the composition root would; returns the batches seen so far (live array). */
function record(): DomainEvent[][] {
  const batches: DomainEvent[][] = [];
  ctx.run.service.engine.events.subscribe((batch) => batches.push([...batch]));
  return batches;
}

const callEvents = (batches: DomainEvent[][], callId: string) =>
  batches.flat().filter((e) => 'callId' in e && e.callId === callId);

const typesOf = (events: DomainEvent[]) => events.map((e) => e.type);

describe('domain events', () => {
  it('an inbound call from arrival to end: every change published, with its contact center and call', async () => {
    const batches = record();
    const a = await ctx.agent(0);
    const { callId, callerId } = await ctx.connectedCall(a, '+14155551234');
    const ccId = ctx.tenant.ccId;

    const arrival = callEvents(batches, callId);
    expect(typesOf(arrival)).toEqual(
      expect.arrayContaining([
        'CallCreated',
        'ParticipantAdded',
        'ParticipantOffered',
        'CallStateChanged',
        'ParticipantConnected',
        'RecordingStarted',
      ]),
    );
    for (const e of arrival) expect(e).toMatchObject({ contactCenterId: ccId, callId });
    const offered = arrival.find((e) => e.type === 'ParticipantOffered');
    expect(offered).toMatchObject({ userId: a.userId, participantId: expect.stringMatching(/^PA/) });

    const seen = () => typesOf(callEvents(batches, callId));
    await a.request('hold', { callId, participantId: callerId });
    await a.request('resume', { callId, participantId: callerId });
    await a.request('mute', { callId });
    await a.request('unmute', { callId });
    await a.request('pauseRecording', { callId });
    await a.request('resumeRecording', { callId });
    await a.request('sendDigits', { callId, digits: '12#' });
    expect(seen()).toEqual(
      expect.arrayContaining([
        'ParticipantHeld',
        'ParticipantResumed',
        'ParticipantMuted',
        'RecordingPaused',
        'RecordingResumed',
        'DigitsSent',
      ]),
    );
    const agentLeg = callEvents(batches, callId).find((e) => e.type === 'ParticipantConnected' && e.userId);
    const digits = callEvents(batches, callId).find((e) => e.type === 'DigitsSent');
    expect(digits).toEqual({
      type: 'DigitsSent',
      contactCenterId: ccId,
      callId,
      participantId: (agentLeg as { participantId: string }).participantId,
      digits: '12#',
      source: 'agent',
    });

    await a.request('endCall', { callId });
    const ended = callEvents(batches, callId).filter((e) => e.type === 'CallEnded');
    expect(ended).toEqual([{ type: 'CallEnded', contactCenterId: ccId, callId, reason: 'agent_hangup' }]);
    expect(seen()).toContain('ParticipantLeft');
  });

  it('consult, swap, conference, remove, warm transfer and supervisors each publish their change', async () => {
    const a = await ctx.agent(0);
    const { callId } = await ctx.connectedCall(a);
    const batches = record();
    const { participantId: thirdId } = await a.request<{ participantId: string }>('addParticipant', {
      callId,
      destination: { type: 'phoneNumber', phoneNumber: '+14155550999' },
      blind: false,
    });
    await ctx.sim.post(`/calls/${callId}/participants/${thirdId}/answer`);
    await a.request('swap', { callId });
    await a.request('conference', { callId });
    await a.request('removeParticipant', { callId, participantId: thirdId });
    const sup = await ctx.supervisor();
    await sup.request('superviseCall', { callId });
    await sup.request('bargeIn', { callId });
    await sup.request('supervisorDisconnect', { callId });
    const b = await ctx.agent(1);
    await b.goAvailable();
    const { participantId: bLeg } = await a.request<{ participantId: string }>('addParticipant', {
      callId,
      destination: { type: 'agent', userId: b.userId },
      blind: true,
    });
    await b.request('acceptCall', { callId });

    const events = callEvents(batches, callId);
    for (const e of events) expect(e).toMatchObject({ contactCenterId: ctx.tenant.ccId, callId });
    expect(typesOf(events)).toEqual(
      expect.arrayContaining([
        'ParticipantInvited',
        'ParticipantConnected',
        'ParticipantsSwapped',
        'CallConferenced',
        'ParticipantLeft',
        'SupervisorJoined',
      ]),
    );
    expect(events.filter((e) => e.type === 'SupervisorJoined').map((e) => 'mode' in e && e.mode)).toEqual([
      'listen',
      'barge',
    ]);
    expect(events.find((e) => e.type === 'ParticipantInvited' && e.participantId === bLeg)).toMatchObject({
      blind: true,
      destination: 'agent',
      addedBy: a.userId,
    });
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'ParticipantConnected', participantId: bLeg, userId: b.userId }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'ParticipantLeft', participantId: thirdId, reason: 'removed' }),
    );
  });

  it('batches come one per committed command, in commit order; a refused command publishes nothing', async () => {
    const a = await ctx.agent(0);
    await a.goAvailable();
    const batches = record();
    const callId = await ctx.sim.call('+14155550100', ctx.tenant.number);
    await a.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callId);
    const before = batches.length;
    await expect(a.request('hold', { callId, participantId: 'PAnope' })).rejects.toMatchObject({
      code: 'CAN_NOT_HOLD_CALL',
    });
    expect(batches.length).toBe(before);
    await a.request('declineCall', { callId });
    const batch = batches.at(-1)!;
    // The decline, the offer withdrawn, the agent's HANGUP, in the order the command made them.
    expect(typesOf(batch).indexOf('OfferDeclined')).toBeLessThan(typesOf(batch).indexOf('OfferWithdrawn'));
    expect(
      batch.filter((e) => e.type === 'AgentEventAppended').map((e) => 'event' in e && e.event.event),
    ).toContain('HANGUP');
    // Agent event sequence numbers grow in commit order across batches.
    const seqs = batches
      .flat()
      .filter(
        (e): e is Extract<DomainEvent, { type: 'AgentEventAppended' }> => e.type === 'AgentEventAppended',
      )
      .filter((e) => e.userId === a.userId)
      .map((e) => e.event.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('a caller keys digits through the public command; bad input is refused and publishes nothing', async () => {
    const a = await ctx.agent(0);
    const { callId, callerId } = await ctx.connectedCall(a);
    const batches = record();
    const ccId = ctx.tenant.ccId;
    await sendCallerDigits(ctx.run.service.engine, ccId, callId, callerId, '4*7');
    expect(batches.flat()).toEqual([
      {
        type: 'DigitsSent',
        contactCenterId: ccId,
        callId,
        participantId: callerId,
        digits: '4*7',
        source: 'caller',
      },
    ]);
    const engine = ctx.run.service.engine;
    await expect(sendCallerDigits(engine, ccId, callId, callerId, '12x')).rejects.toBeInstanceOf(
      ConnectorError,
    );
    await expect(sendCallerDigits(engine, ccId, callId, 'PAnope', '1')).rejects.toBeInstanceOf(NotFoundError);
    const agentLeg = (
      await ctx.sim.get<{ participants: Array<{ id: string; userId: string | null }> }>(`/calls/${callId}`)
    ).body.participants.find((p) => p.userId === a.userId)!;
    await expect(sendCallerDigits(engine, ccId, callId, agentLeg.id, '1')).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(sendCallerDigits(engine, ccId, 'CAnope', callerId, '1')).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await a.request('endCall', { callId });
    await expect(sendCallerDigits(engine, ccId, callId, callerId, '1')).rejects.toBeInstanceOf(
      InvalidStateError,
    );
    expect(batches.flat().filter((e) => e.type === 'DigitsSent')).toHaveLength(1);
    // The call's own digits are the agents' (sendDigits); a caller's are only published.
    expect((await ctx.sim.get<{ dtmf: string }>(`/calls/${callId}`)).body.dtmf).toBe('');
  });

  it("the simulator keys a caller's digits over HTTP; bad input is refused and publishes nothing", async () => {
    const a = await ctx.agent(0);
    const { callId, callerId } = await ctx.connectedCall(a);
    const batches = record();
    const digits = (participantId: string, body: unknown) =>
      ctx.sim.post(`/calls/${callId}/participants/${participantId}/digits`, body);
    expect((await digits(callerId, { digits: '9#' })).status).toBe(200);
    expect((await digits(callerId, { digits: 'x' })).body).toMatchObject({
      error: { code: 'INVALID_PARAMS' },
    });
    expect((await digits(callerId, { digits: '' })).status).toBe(400);
    expect((await digits(callerId, { digits: '1', extra: true })).status).toBe(400);
    expect((await digits('PAnope', { digits: '1' })).status).toBe(404);
    expect(
      (await ctx.sim.post(`/calls/CAnope/participants/${callerId}/digits`, { digits: '1' })).status,
    ).toBe(404);
    await ctx.sim.post(`/calls/${callId}/hangup`);
    expect((await digits(callerId, { digits: '1' })).status).toBe(409);
    expect(batches.flat().filter((e) => e.type === 'DigitsSent')).toEqual([
      {
        type: 'DigitsSent',
        contactCenterId: ctx.tenant.ccId,
        callId,
        participantId: callerId,
        digits: '9#',
        source: 'caller',
      },
    ]);
  });

  it('the recording of a call is published through the public command, as the simulator does', async () => {
    const a = await ctx.agent(0);
    const { callId } = await ctx.connectedCall(a);
    await a.request('endCall', { callId });
    const batches = record();
    await publishCallRecording(ctx.run.service.engine, ctx.tenant.ccId, callId, {
      url: 'https://media.example/rec.wav',
      durationSeconds: 42,
    });
    expect(batches.flat()).toEqual([
      {
        type: 'RecordingPublished',
        contactCenterId: ctx.tenant.ccId,
        callId,
        url: 'https://media.example/rec.wav',
        durationSeconds: 42,
      },
    ]);
    const detail = await ctx.sim.get<{ recording: { url: string; durationSeconds: number } }>(
      `/calls/${callId}`,
    );
    expect(detail.body.recording).toMatchObject({
      url: 'https://media.example/rec.wav',
      durationSeconds: 42,
    });
  });

  it('a call for an unstaffed queue publishes that it waits for a voicemail, then the voicemail left', async () => {
    const batches = record();
    const callId = await ctx.sim.call('+14155550111', ctx.tenant.number);
    expect(typesOf(callEvents(batches, callId))).toEqual(
      expect.arrayContaining(['CallCreated', 'CallStateChanged', 'VoicemailStarted']),
    );
    await ctx.sim.post(`/calls/${callId}/voicemail`, {
      url: 'https://media.example/vm.wav',
      durationSeconds: 9,
    });
    expect(typesOf(callEvents(batches, callId))).toEqual(
      expect.arrayContaining(['VoicemailLeft', 'CallEnded']),
    );
  });
});
