/**
 * The mix plan: a pure function from a call's state to what each party hears, whether it is heard,
 * and what is recorded. The media plane only carries it out; the engine's call state decides.
 *
 * - Waiting (call queued or ringing): the parties present hear queue music and are not heard.
 * - Voicemail: the caller hears the greeting, then is heard by the voicemail recording.
 * - Connected: connected parties hear the mix of the others; held parties hear hold music (or silence,
 *   the contact center's `holdAudio`) and are not heard; muted parties and listening supervisors hear
 *   but are not heard; a barged-in supervisor is heard too; parties being dialed hear silence.
 *   (Consult, swap and conference are all expressed by who is held: see engine/calls.ts.)
 * - Recording: the mix of the heard parties, while the call records, is not paused and the customer
 *   (the initial caller) is connected, not held.
 */
import type { CallState, ParticipantRole, ParticipantState } from '../db/schema.ts';
import type { PromptName } from './prompts.ts';

export type HoldAudio = 'music' | 'silence';

export interface PlanCall {
  id: string;
  state: CallState;
  recordingEnabled: boolean;
  recordingPaused: boolean;
  holdAudio: HoldAudio;
  /** The voicemail greeting has been played to the caller (the media plane reports it). */
  greetingDone: boolean;
}

export interface PlanParticipant {
  id: string;
  role: ParticipantRole;
  /** The agent or supervisor of the leg; null for a phone-network party (caller, external number). */
  userId: string | null;
  state: ParticipantState;
  muted: boolean;
  listenOnly: boolean;
  isConsult: boolean;
}

export type Hearing = { kind: 'mix' } | { kind: 'prompt'; prompt: PromptName } | { kind: 'silence' };

export interface PartyPlan {
  participantId: string;
  userId: string | null;
  hears: Hearing;
  heard: boolean;
}

export type RecordingPlan = { kind: 'call' | 'voicemail'; active: boolean } | null;

export interface MixPlan {
  callId: string;
  /** False once the call has ended: everything is released, recordings are finished. */
  live: boolean;
  parties: PartyPlan[];
  recording: RecordingPlan;
}

const MIX: Hearing = { kind: 'mix' };
const SILENCE: Hearing = { kind: 'silence' };
const prompt = (p: PromptName): Hearing => ({ kind: 'prompt', prompt: p });

/** Participants that carry audio: present (not ended), and not an agent leg still queued or ringing. */
function present(p: PlanParticipant): boolean {
  if (p.state === 'ended') return false;
  if (p.state === 'queued' || p.state === 'ringing') return false;
  return true;
}

function connectedParty(call: PlanCall, p: PlanParticipant): PartyPlan {
  const base = { participantId: p.id, userId: p.userId };
  if (p.state === 'held') {
    return { ...base, hears: call.holdAudio === 'music' ? prompt('hold') : SILENCE, heard: false };
  }
  if (p.state === 'dialing') return { ...base, hears: SILENCE, heard: false };
  return { ...base, hears: MIX, heard: !p.muted && !p.listenOnly };
}

export function mixPlan(call: PlanCall, participants: readonly PlanParticipant[]): MixPlan {
  if (call.state === 'ended') return { callId: call.id, live: false, parties: [], recording: null };
  const here = participants.filter(present);
  switch (call.state) {
    case 'queued':
    case 'ringing':
      return {
        callId: call.id,
        live: true,
        parties: here.map((p) => ({
          participantId: p.id,
          userId: p.userId,
          hears: p.state === 'connected' ? prompt('queue') : SILENCE,
          heard: false,
        })),
        recording: null,
      };
    case 'voicemail': {
      const parties = here.map((p) => {
        const caller = p.role === 'initial_caller' && p.state === 'connected';
        if (!caller) return { participantId: p.id, userId: p.userId, hears: SILENCE, heard: false };
        return call.greetingDone
          ? { participantId: p.id, userId: p.userId, hears: SILENCE, heard: true }
          : { participantId: p.id, userId: p.userId, hears: prompt('greeting'), heard: false };
      });
      return {
        callId: call.id,
        live: true,
        parties,
        recording: { kind: 'voicemail', active: call.greetingDone },
      };
    }
    case 'dialing':
    case 'connected': {
      const parties = here.map((p) => connectedParty(call, p));
      const customer = participants.find((p) => p.role === 'initial_caller' && p.state !== 'ended');
      const active =
        call.state === 'connected' &&
        call.recordingEnabled &&
        !call.recordingPaused &&
        customer?.state === 'connected';
      return {
        callId: call.id,
        live: true,
        parties,
        recording: call.recordingEnabled ? { kind: 'call', active } : null,
      };
    }
  }
}

/**
 * Where a party's DTMF goes: the phone-network parties (no user) that it is talking with (the plan
 * mixes them for each other), never back to the sender.
 */
export function dtmfTargets(plan: MixPlan, fromParticipantId: string): string[] {
  const from = plan.parties.find((p) => p.participantId === fromParticipantId);
  if (!from || from.hears.kind !== 'mix') return [];
  return plan.parties
    .filter((p) => p.participantId !== fromParticipantId && p.userId === null && p.hears.kind === 'mix')
    .map((p) => p.participantId);
}
