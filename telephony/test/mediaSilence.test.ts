/**
 * A plain RTP party that goes silent (its phone or network dropped it without a hang-up): after the
 * media plane's RTP timeout (short here; 30 s by default) its leg is closed and the call engine drops
 * the party as if it hung up. The others go on; nothing stays allocated.
 */
import { describe, expect, it } from 'vitest';
import { useMediaService, until } from './mediaContext.ts';
import { eventually } from './harness.ts';

const CALLER = 600;
const AGENT = 1000;
const THIRD = 1300;
const TIMEOUT_MS = 1500;

interface Detail {
  state: string;
  participants: Array<{ id: string; state: string }>;
}

describe('media: a plain RTP party that goes silent', () => {
  const ctx = useMediaService({ rtpTimeoutMs: TIMEOUT_MS });

  const stateOf = async (callId: string, participantId?: string) => {
    const { body } = await ctx.sim.get<Detail>(`/calls/${callId}`);
    return participantId ? body.participants.find((p) => p.id === participantId)?.state : body.state;
  };

  it('is dropped like a hang-up after the timeout; the others keep talking; then the caller too', async () => {
    const a = await ctx.agent(0);
    const { phone: agentPhone, stationId } = await ctx.station(a, AGENT);
    const { callId, callerId, caller } = await ctx.connectedCall(a, CALLER);
    const added = await a.request<{ participantId: string }>('addParticipant', {
      callId,
      destination: { type: 'phoneNumber', phoneNumber: '+14155550999' },
      blind: false,
    });
    const third = await ctx.party(callId, added.participantId, THIRD);
    expect((await ctx.sim.post(`/calls/${callId}/participants/${added.participantId}/answer`)).status).toBe(
      200,
    );
    await a.request('conference', { callId });
    await until(
      () => caller.hears(THIRD, 0.25) && third.hears(CALLER, 0.25) && agentPhone.hears(THIRD, 0.25),
      'a conference of three',
    );
    // Talking parties outlive the timeout.
    await new Promise((r) => setTimeout(r, TIMEOUT_MS + 500));
    expect(await ctx.metric('network_legs')).toBe(2);

    third.stopSending();
    await a.waitFor('PARTICIPANT_REMOVED', (e) => e.data.participantId === added.participantId);
    expect(await stateOf(callId, added.participantId)).toBe('ended');
    expect(await stateOf(callId)).toBe('connected');
    await eventually(async () => (await ctx.metric('network_legs')) === 1, 'the silent leg released');
    await until(() => caller.hears(AGENT, 0.8) && agentPhone.hears(CALLER, 0.8), 'agent and caller go on');

    caller.stopSending();
    await eventually(async () => (await stateOf(callId, callerId)) === 'ended', 'the caller dropped');
    await ctx.expectReleased(1);
    expect(await ctx.hangUpStation(a, stationId)).toBe(204);
    await ctx.expectReleased(0);
  });
});
