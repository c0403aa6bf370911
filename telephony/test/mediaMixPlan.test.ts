/** The mix plan: what each party hears, whether it is heard, and what is recorded, per call state. */
import { describe, expect, it } from 'vitest';
import { dtmfTargets, mixPlan, type PlanCall, type PlanParticipant } from '../src/media/mixPlan.ts';

const call = (over: Partial<PlanCall> = {}): PlanCall => ({
  id: 'CA1',
  state: 'connected',
  recordingEnabled: true,
  recordingPaused: false,
  holdAudio: 'music',
  greetingDone: false,
  ...over,
});

const party = (id: string, over: Partial<PlanParticipant> = {}): PlanParticipant => ({
  id,
  role: 'third_party',
  userId: null,
  state: 'connected',
  muted: false,
  listenOnly: false,
  isConsult: false,
  ...over,
});

const caller = (over: Partial<PlanParticipant> = {}) => party('caller', { role: 'initial_caller', ...over });
const agent = (over: Partial<PlanParticipant> = {}) =>
  party('agent', { role: 'agent', userId: 'U1', ...over });
const agent2 = (over: Partial<PlanParticipant> = {}) =>
  party('agent2', { role: 'agent', userId: 'U2', ...over });
const supervisor = (over: Partial<PlanParticipant> = {}) =>
  party('sup', { role: 'supervisor', userId: 'S1', muted: true, listenOnly: true, ...over });

/** `id → "hears/heard"` for compact expectations, e.g. `mix/heard`, `hold/-`. */
function summary(c: PlanCall, ps: PlanParticipant[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of mixPlan(c, ps).parties) {
    const hears = p.hears.kind === 'prompt' ? p.hears.prompt : p.hears.kind;
    out[p.participantId] = `${hears}/${p.heard ? 'heard' : '-'}`;
  }
  return out;
}

describe('mix plan', () => {
  it('a connected two-party call: both hear the mix and are heard; it records', () => {
    const ps = [caller(), agent()];
    expect(summary(call(), ps)).toEqual({ caller: 'mix/heard', agent: 'mix/heard' });
    expect(mixPlan(call(), ps).recording).toEqual({ kind: 'call', active: true });
  });

  it('waiting in a queue or ringing: the caller hears queue music, unheard; ringing agents are not in the mix', () => {
    for (const state of ['queued', 'ringing'] as const) {
      const plan = mixPlan(call({ state }), [caller(), agent({ state: 'ringing' })]);
      expect(plan.parties).toEqual([
        { participantId: 'caller', userId: null, hears: { kind: 'prompt', prompt: 'queue' }, heard: false },
      ]);
      expect(plan.recording).toBeNull();
    }
  });

  it('hold: the held party hears hold music (or silence) and is not heard; the recording stops', () => {
    const ps = [caller({ state: 'held' }), agent()];
    expect(summary(call(), ps)).toEqual({ caller: 'hold/-', agent: 'mix/heard' });
    expect(summary(call({ holdAudio: 'silence' }), ps)).toEqual({ caller: 'silence/-', agent: 'mix/heard' });
    expect(mixPlan(call(), ps).recording).toEqual({ kind: 'call', active: false });
  });

  it('mute: the muted party hears but is not heard; the recording goes on', () => {
    const ps = [caller(), agent({ muted: true })];
    expect(summary(call(), ps)).toEqual({ caller: 'mix/heard', agent: 'mix/-' });
    expect(mixPlan(call(), ps).recording).toEqual({ kind: 'call', active: true });
  });

  it('recording paused, or not recorded at all', () => {
    expect(mixPlan(call({ recordingPaused: true }), [caller(), agent()]).recording).toEqual({
      kind: 'call',
      active: false,
    });
    expect(mixPlan(call({ recordingEnabled: false }), [caller(), agent()]).recording).toBeNull();
  });

  it('consult: the agent and the consulted party talk while the customer is held; no recording', () => {
    const ps = [caller({ state: 'held' }), agent(), party('third', { isConsult: true })];
    expect(summary(call(), ps)).toEqual({ caller: 'hold/-', agent: 'mix/heard', third: 'mix/heard' });
    expect(mixPlan(call(), ps).recording?.active).toBe(false);
  });

  it('consult while the consulted party is being dialed: it hears silence, unheard', () => {
    const ps = [caller({ state: 'held' }), agent(), party('third', { state: 'dialing', isConsult: true })];
    expect(summary(call(), ps)).toEqual({ caller: 'hold/-', agent: 'mix/heard', third: 'silence/-' });
  });

  it('consult to another agent still queued or ringing: that agent is not in the mix yet', () => {
    const ps = [caller({ state: 'held' }), agent(), agent2({ state: 'ringing', isConsult: true })];
    expect(summary(call(), ps)).toEqual({ caller: 'hold/-', agent: 'mix/heard' });
  });

  it('swap: the consulted party is held and the customer talks again; the recording resumes', () => {
    const ps = [caller(), agent(), party('third', { state: 'held', isConsult: true })];
    expect(summary(call(), ps)).toEqual({ caller: 'mix/heard', agent: 'mix/heard', third: 'hold/-' });
    expect(mixPlan(call(), ps).recording?.active).toBe(true);
  });

  it('conference of three: everyone hears the mix (the others, never themself) and is heard', () => {
    const ps = [caller(), agent(), agent2()];
    expect(summary(call(), ps)).toEqual({ caller: 'mix/heard', agent: 'mix/heard', agent2: 'mix/heard' });
  });

  it('removed or hung-up parties leave the mix', () => {
    const ps = [caller(), agent(), party('third', { state: 'ended' })];
    expect(summary(call(), ps)).toEqual({ caller: 'mix/heard', agent: 'mix/heard' });
  });

  it('supervisor listen-in hears everyone and is heard by no one; after barge-in it is heard', () => {
    const listening = [caller(), agent(), supervisor()];
    expect(summary(call(), listening)).toEqual({ caller: 'mix/heard', agent: 'mix/heard', sup: 'mix/-' });
    const barged = [caller(), agent(), supervisor({ muted: false, listenOnly: false })];
    expect(summary(call(), barged)).toEqual({ caller: 'mix/heard', agent: 'mix/heard', sup: 'mix/heard' });
  });

  it('a listening supervisor does not keep the recording going while the customer is held', () => {
    const ps = [caller({ state: 'held' }), agent(), supervisor()];
    expect(mixPlan(call(), ps).recording?.active).toBe(false);
  });

  it('voicemail: the greeting first (caller unheard, nothing recorded), then the caller is recorded', () => {
    const before = mixPlan(call({ state: 'voicemail' }), [caller()]);
    expect(before.parties).toEqual([
      { participantId: 'caller', userId: null, hears: { kind: 'prompt', prompt: 'greeting' }, heard: false },
    ]);
    expect(before.recording).toEqual({ kind: 'voicemail', active: false });
    const after = mixPlan(call({ state: 'voicemail', greetingDone: true }), [caller()]);
    expect(after.parties).toEqual([
      { participantId: 'caller', userId: null, hears: { kind: 'silence' }, heard: true },
    ]);
    expect(after.recording).toEqual({ kind: 'voicemail', active: true });
  });

  it('an outbound call being dialed: the agent is in the mix, the customer hears silence until it answers', () => {
    const ps = [agent(), caller({ state: 'dialing' })];
    expect(summary(call({ state: 'dialing' }), ps)).toEqual({ agent: 'mix/heard', caller: 'silence/-' });
    expect(mixPlan(call({ state: 'dialing' }), ps).recording?.active).toBe(false);
  });

  it('an ended call has no parties and no recording', () => {
    expect(mixPlan(call({ state: 'ended' }), [caller(), agent()])).toEqual({
      callId: 'CA1',
      live: false,
      parties: [],
      recording: null,
    });
  });

  it("the agent's digits go to the phone-network parties it talks with, not to agents or held parties", () => {
    const plan = mixPlan(call(), [caller(), agent(), agent2(), party('third', { state: 'held' })]);
    expect(dtmfTargets(plan, 'agent')).toEqual(['caller']);
    const consult = mixPlan(call(), [caller({ state: 'held' }), agent(), party('third')]);
    expect(dtmfTargets(consult, 'agent')).toEqual(['third']);
    expect(dtmfTargets(consult, 'caller')).toEqual([]);
  });
});
