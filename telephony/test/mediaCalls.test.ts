/**
 * Real audio through the service's media plane: callers and third parties as plain RTP phones,
 * agents' and supervisors' softphones as WebRTC (werift) peers on the station endpoint. What each
 * party hears is checked by tone detection (a different tone per party); recordings are fetched
 * through the signed link and measured.
 */
import { describe, expect, it } from 'vitest';
import { readWav } from '../src/media/wav.ts';
import { rms, toneShare } from './rtpPhone.ts';
import { unlessJanus, useMediaService, until, type MediaCtx } from './mediaContext.ts';

const NO_RFC4733 = 'AudioBridge neither sends nor reports RFC 4733 events';

const CALLER = 600;
const AGENT = 1000;
const THIRD = 1400;
const SUPERVISOR = 1800;
const QUEUE_NOTES = [523.25, 659.25, 783.99];
const HOLD_NOTES = [349.23, 440, 523.25];

type Detail = {
  state: string;
  dtmf: string;
  voicemailUrl: string | null;
  origin: string | null;
  recording: { url: string | null; durationSeconds: number | null };
};

async function detail(ctx: MediaCtx, callId: string): Promise<Detail> {
  return (await ctx.sim.get<Detail>(`/calls/${callId}`)).body;
}

/** The WAV behind a URL the service published (relative or absolute), fetched. */
async function fetchWav(ctx: MediaCtx, url: string) {
  const res = await fetch(new URL(url, ctx.run.baseUrl));
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('audio/wav');
  return readWav(Buffer.from(await res.arrayBuffer()));
}

const seconds = (samples: Int16Array) => samples.length / 8000;

/** `samples` cut in pieces of `n` (the last one whole). */
function chunks(samples: Int16Array, n: number): Int16Array[] {
  const out: Int16Array[] = [];
  for (let i = 0; i + n <= samples.length; i += n) out.push(samples.subarray(i, i + n));
  return out;
}

describe('media: a two-party call', () => {
  const ctx = useMediaService();

  it('queue music while waiting; then caller and agent hear each other, never themselves', async () => {
    const a = await ctx.agent(0);
    const { phone: agentPhone, stationId } = await ctx.station(a, AGENT);
    await a.goAvailable();
    const callId = await ctx.sim.call('+14155550123', ctx.tenant.number);
    const parts = await ctx.sim.get<{ participants: Array<{ id: string; role: string }> }>(
      `/calls/${callId}`,
    );
    const callerId = parts.body.participants.find((p) => p.role === 'initial_caller')!.id;
    const caller = await ctx.party(callId, callerId, CALLER);
    await until(() => QUEUE_NOTES.some((hz) => caller.hears(hz, 0.2)), 'queue music');
    expect(caller.hearsNo(AGENT)).toBe(true);
    expect(agentPhone.hearsNo(CALLER)).toBe(true);
    await a.waitFor('CALL_STARTED');
    await a.request('acceptCall', { callId });
    await until(() => caller.hears(AGENT, 0.8), 'the caller to hear the agent');
    await until(() => agentPhone.hears(CALLER, 0.8), 'the agent to hear the caller');
    expect(agentPhone.hearsNo(AGENT)).toBe(true);
    expect(caller.hearsNo(CALLER)).toBe(true);
    await a.request('endCall', { callId });
    // The station lives across calls: only it remains, until it hangs up.
    await ctx.expectReleased(1);
    expect(await ctx.hangUpStation(a, stationId)).toBe(204);
    await ctx.expectReleased(0);
  });

  it('hold: the held caller hears hold music and is not heard; the recording skips hold and pause', async () => {
    const a = await ctx.agent(0);
    const { phone: agentPhone } = await ctx.station(a, AGENT);
    const { callId, callerId, caller } = await ctx.connectedCall(a, CALLER);
    const connectedAt = Date.now();
    await until(() => agentPhone.hears(CALLER, 0.8) && caller.hears(AGENT, 0.8), 'both to hear each other');
    await new Promise((r) => setTimeout(r, 800));

    await a.request('hold', { callId, participantId: callerId });
    const heldAt = Date.now();
    await until(() => caller.hearsNo(AGENT) && HOLD_NOTES.some((hz) => caller.hears(hz, 0.2)), 'hold music');
    await until(() => agentPhone.hearsNo(CALLER), 'the agent not to hear the held caller');
    await new Promise((r) => setTimeout(r, 1000));
    await a.request('resume', { callId, participantId: callerId });
    const resumedAt = Date.now();
    await until(() => caller.hears(AGENT, 0.8) && agentPhone.hears(CALLER, 0.8), 'talking again');

    await a.request('pauseRecording', { callId });
    const pausedAt = Date.now();
    await new Promise((r) => setTimeout(r, 1000));
    await a.request('resumeRecording', { callId });
    const unpausedAt = Date.now();
    await new Promise((r) => setTimeout(r, 700));
    await a.request('endCall', { callId });
    const endedAt = Date.now();

    const d = await callWhen(ctx, callId, (x) => x.recording.url !== null);
    const expected = (endedAt - connectedAt - (resumedAt - heldAt) - (unpausedAt - pausedAt)) / 1000;
    const link = await a.request<{ path: string; durationSeconds: number }>('getSignedRecordingUrl', {
      callId,
    });
    expect(link.durationSeconds).toBe(d.recording.durationSeconds);
    const wav = await fetchWav(ctx, link.path);
    expect(wav.sampleRate).toBe(8000);
    expect(Math.abs(seconds(wav.samples) - expected)).toBeLessThan(0.5);
    expect(Math.abs((d.recording.durationSeconds ?? 0) - seconds(wav.samples))).toBeLessThanOrEqual(0.5);
    // The recording is the mix of both parties; the hold music is not in it.
    const mid = wav.samples.subarray(8000, 16000);
    expect(toneShare(mid, CALLER)).toBeGreaterThan(0.3);
    expect(toneShare(mid, AGENT)).toBeGreaterThan(0.3);
    for (const hz of HOLD_NOTES.slice(0, 2)) expect(toneShare(wav.samples, hz)).toBeLessThan(0.02);
  });

  it('mute: the muted agent hears the caller and is not heard', async () => {
    const a = await ctx.agent(0);
    const { phone: agentPhone } = await ctx.station(a, AGENT);
    const { callId, caller } = await ctx.connectedCall(a, CALLER);
    await until(() => caller.hears(AGENT, 0.8), 'the caller to hear the agent');
    await a.request('mute', { callId });
    await until(() => caller.hearsNo(AGENT), 'the caller not to hear the muted agent');
    await until(() => agentPhone.hears(CALLER, 0.8), 'the muted agent to hear the caller');
    await a.request('unmute', { callId });
    await until(() => caller.hears(AGENT, 0.8), 'the caller to hear the agent again');
  });

  unlessJanus(NO_RFC4733)(
    'DTMF: the agent’s sendDigits and the softphone’s RFC 4733 digits reach the caller as RFC 4733',
    async () => {
      const a = await ctx.agent(0);
      const { phone: agentPhone } = await ctx.station(a, AGENT);
      const { callId, caller } = await ctx.connectedCall(a, CALLER);
      await until(() => caller.hears(AGENT, 0.8), 'the caller to hear the agent');
      await a.request('sendDigits', { callId, digits: '159#' });
      await until(() => caller.digits.join('') === '159#', 'the digits at the caller');
      agentPhone.sendDigits('7*');
      await until(() => caller.digits.join('') === '159#7*', "the softphone's digits at the caller");
      expect((await detail(ctx, callId)).dtmf).toBe('159#7*');
      expect(agentPhone.digits).toEqual([]);
    },
  );
});

describe('media: caller DTMF', () => {
  const ctx = useMediaService();

  unlessJanus(NO_RFC4733)(
    "the caller's RFC 4733 digits reach the engine as the caller's digits (DigitsSent)",
    async () => {
      const seen: Array<{ digits: string; source: string; participantId: string }> = [];
      ctx.run.service.engine.events.subscribe((batch) => {
        for (const e of batch)
          if (e.type === 'DigitsSent')
            seen.push({ digits: e.digits, source: e.source, participantId: e.participantId });
      });
      const a = await ctx.agent(0);
      const { phone: agentPhone } = await ctx.station(a, AGENT);
      const { callerId, caller } = await ctx.connectedCall(a, CALLER);
      await until(() => agentPhone.hears(CALLER, 0.8), 'the agent to hear the caller');
      caller.sendDigits('42#');
      await until(() => seen.length === 3, 'three digits');
      expect(seen).toEqual(
        ['4', '2', '#'].map((digits) => ({ digits, source: 'caller', participantId: callerId })),
      );
      expect(agentPhone.digits).toEqual([]);
    },
  );
});

describe('media: hold audio set to silence', () => {
  const ctx = useMediaService({ settings: { holdAudio: 'silence' } });

  it('the held caller hears silence', async () => {
    const a = await ctx.agent(0);
    await ctx.station(a, AGENT);
    const { callId, callerId, caller } = await ctx.connectedCall(a, CALLER);
    await until(() => caller.hears(AGENT, 0.8), 'the caller to hear the agent');
    await a.request('hold', { callId, participantId: callerId });
    await until(() => rms(caller.lastAudio(400)) < 50, 'silence on hold');
  });
});

describe('media: consult, swap, conference, remove', () => {
  const ctx = useMediaService();

  it('each step changes who hears whom; a conference of three hears the other two, never itself', async () => {
    const a = await ctx.agent(0);
    const { phone: agentPhone } = await ctx.station(a, AGENT);
    const { callId, caller } = await ctx.connectedCall(a, CALLER);
    await until(() => caller.hears(AGENT, 0.8), 'the caller to hear the agent');

    const added = await a.request<{ participantId: string }>('addParticipant', {
      callId,
      destination: { type: 'phoneNumber', phoneNumber: '+14155550999' },
      blind: false,
    });
    const third = await ctx.party(callId, added.participantId, THIRD);
    // Consult while dialing: the caller is on hold, the third party hears nothing yet.
    await until(
      () => caller.hearsNo(AGENT) && HOLD_NOTES.some((hz) => caller.hears(hz, 0.2)),
      'the caller on hold',
    );
    expect((await ctx.sim.post(`/calls/${callId}/participants/${added.participantId}/answer`)).status).toBe(
      200,
    );
    await until(
      () => third.hears(AGENT, 0.8) && agentPhone.hears(THIRD, 0.8),
      'agent and third party talking',
    );
    expect(third.hearsNo(CALLER)).toBe(true);
    expect(caller.hearsNo(THIRD)).toBe(true);
    expect(agentPhone.hearsNo(CALLER)).toBe(true);

    await a.request('swap', { callId });
    await until(
      () => agentPhone.hears(CALLER, 0.8) && caller.hears(AGENT, 0.8),
      'agent and caller after the swap',
    );
    await until(() => third.hearsNo(AGENT), 'the third party on hold');
    expect(caller.hearsNo(THIRD)).toBe(true);

    await a.request('conference', { callId });
    await until(
      () => caller.hears(AGENT, 0.25) && caller.hears(THIRD, 0.25) && caller.hearsNo(CALLER),
      'the caller to hear the other two',
    );
    await until(
      () => third.hears(AGENT, 0.25) && third.hears(CALLER, 0.25) && third.hearsNo(THIRD),
      'the third party to hear the other two',
    );
    await until(
      () => agentPhone.hears(CALLER, 0.25) && agentPhone.hears(THIRD, 0.25) && agentPhone.hearsNo(AGENT),
      'the agent to hear the other two',
    );
    expect(await ctx.metric('network_legs')).toBe(2);

    await a.request('removeParticipant', { callId, participantId: added.participantId });
    await until(() => caller.hearsNo(THIRD) && agentPhone.hearsNo(THIRD), 'the third party gone');
    expect(await ctx.metric('network_legs')).toBe(1);
    await until(() => caller.hears(AGENT, 0.8), 'the caller and the agent to go on');
    await a.request('endCall', { callId });
    await ctx.expectReleased(1);
  });
});

describe('media: supervisor', () => {
  const ctx = useMediaService();

  it('listen-in hears both and is heard by neither; after barge-in both hear the supervisor', async () => {
    const a = await ctx.agent(0);
    const { phone: agentPhone } = await ctx.station(a, AGENT);
    const { callId, caller } = await ctx.connectedCall(a, CALLER);
    const sup = await ctx.supervisor();
    const { phone: supPhone } = await ctx.station(sup, SUPERVISOR);
    await sup.request('superviseCall', { callId });
    await until(
      () => supPhone.hears(AGENT, 0.25) && supPhone.hears(CALLER, 0.25),
      'the supervisor to hear both',
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(caller.hearsNo(SUPERVISOR)).toBe(true);
    expect(agentPhone.hearsNo(SUPERVISOR)).toBe(true);
    await sup.request('bargeIn', { callId });
    await until(
      () => caller.hears(SUPERVISOR, 0.25) && agentPhone.hears(SUPERVISOR, 0.25),
      'both to hear the supervisor',
    );
    expect(supPhone.hearsNo(SUPERVISOR)).toBe(true);
    await sup.request('supervisorDisconnect', { callId });
    await until(() => caller.hearsNo(SUPERVISOR), 'the supervisor gone');
    await until(() => caller.hears(AGENT, 0.8), 'the caller to hear the agent still');
  });
});

describe('media: voicemail', () => {
  const ctx = useMediaService();

  unlessJanus(NO_RFC4733)(
    'the caller hears the greeting, then is recorded; # leaves the voicemail with a real recording',
    async () => {
      const callId = await ctx.sim.call('+14155550123', ctx.tenant.number);
      expect((await detail(ctx, callId)).state).toBe('voicemail');
      const parts = await ctx.sim.get<{ participants: Array<{ id: string; role: string }> }>(
        `/calls/${callId}`,
      );
      const caller = await ctx.party(callId, parts.body.participants[0]!.id, CALLER);
      await until(() => caller.hears(783.99, 0.2) || caller.hears(659.25, 0.2), 'the greeting');
      await until(() => caller.hears(1174.66, 0.2), 'the beep');
      await until(() => rms(caller.lastAudio(400)) < 50, 'the greeting to end');
      await new Promise((r) => setTimeout(r, 1500));
      caller.sendDigits('#');
      const d = await callWhen(ctx, callId, (x) => x.state === 'ended');
      expect(d.origin).toBe('Voicemail');
      expect(d.voicemailUrl).toBeTruthy();
      expect(d.recording.url).toBe(d.voicemailUrl);
      const wav = await fetchWav(ctx, d.voicemailUrl!);
      expect(seconds(wav.samples)).toBeGreaterThan(1.2);
      expect(toneShare(wav.samples, CALLER)).toBeGreaterThan(0.9);
      expect(d.recording.durationSeconds).toBe(Math.round(seconds(wav.samples)));
      await ctx.expectReleased(0);
    },
  );

  it('a caller who hangs up after the greeting leaves the recording on the call', async () => {
    const callId = await ctx.sim.call('+14155550123', ctx.tenant.number);
    const parts = await ctx.sim.get<{ participants: Array<{ id: string; role: string }> }>(
      `/calls/${callId}`,
    );
    const caller = await ctx.party(callId, parts.body.participants[0]!.id, CALLER);
    await until(() => caller.hears(1174.66, 0.2), 'the beep');
    await until(() => rms(caller.lastAudio(400)) < 50, 'the greeting to end');
    await new Promise((r) => setTimeout(r, 1000));
    expect((await ctx.sim.post(`/calls/${callId}/hangup`)).status).toBe(200);
    const d = await callWhen(ctx, callId, (x) => x.recording.url !== null);
    const wav = await fetchWav(ctx, d.recording.url!);
    // Measured per 100 ms (but the first and last, where the tone starts and stops): a mixer that slips a frame (Janus's jitter buffer does) breaks the
    // tone's phase, which a single measure over the whole file would count as another sound.
    const audible = chunks(wav.samples, 800).filter((c) => rms(c) > 300);
    expect(audible.length).toBeGreaterThan(5);
    for (const c of audible.slice(1, -1)) expect(toneShare(c, CALLER)).toBeGreaterThan(0.9);
    await ctx.expectReleased(0);
  });
});

/** The call's detail once `check` holds. */
async function callWhen(ctx: MediaCtx, callId: string, check: (d: Detail) => boolean): Promise<Detail> {
  let last: Detail | undefined;
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    last = await detail(ctx, callId);
    if (check(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`call ${callId} never got there: ${JSON.stringify(last)}`);
}
