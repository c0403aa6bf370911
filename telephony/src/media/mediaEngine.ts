/**
 * The media engine interface: what the service asks of a media plane. The embedded engine
 * (embeddedEngine.ts: a worker thread with werift and plain RTP) implements it; a media server on
 * other machines (Janus AudioBridge: a room per conversation, RTP/WebRTC participants, `configure`
 * for muting, a recording per room) can implement the same.
 *
 * Words: a *leg* is one party's audio connection (WebRTC or plain RTP, G.711 µ-law, RFC 4733 DTMF);
 * a *conversation* is a mix (one per call) whose legs each hear the mix, a prompt or silence, and are
 * heard or not; a conversation's *recording* is the mix of its heard legs, written while active.
 */
import type { PromptName } from './prompts.ts';

export interface RtpAddress {
  address: string;
  port: number;
}

export type LegHearing = { kind: 'mix' } | { kind: 'prompt'; prompt: PromptName } | { kind: 'silence' };

export interface ConversationLeg {
  legId: string;
  hears: LegHearing;
  heard: boolean;
}

export interface ConversationSpec {
  legs: ConversationLeg[];
  /** The recording of this conversation: written while active; resuming appends to the same file. */
  recording: { key: string; active: boolean } | null;
}

export interface FinishedRecording {
  key: string;
  /** Where the engine left the WAV (8 kHz 16-bit mono); the recording store takes it from there. */
  file: string;
  durationMs: number;
}

export interface MediaCounts {
  legs: number;
  conversations: number;
  recordings: number;
}

export interface ClockStats {
  ticks: number;
  /** Ticks that ran more than one frame (20 ms) after they were due. */
  lateTicks: number;
  maxLateMs: number;
  /** The longest a tick's own work took (ms). */
  maxTickMs: number;
}

export type MediaEvent =
  | {
      type: 'legClosed';
      legId: string;
      /**
       * `rtp-timeout`: a plain RTP party sent nothing for the engine's RTP timeout (gone silent);
       * `engine-restart`: the engine restarted in place (the party can attach again);
       * `node-lost`: the media node carrying the leg died (the party's media is gone with it).
       */
      reason:
        'released' | 'ice-timeout' | 'transport-closed' | 'rtp-timeout' | 'engine-restart' | 'node-lost';
    }
  | { type: 'digit'; legId: string; digit: string }
  | { type: 'promptFinished'; legId: string; prompt: PromptName }
  /** The engine lost every leg and conversation (its process or thread died) and started again. */
  | { type: 'restarted' };

export class MediaError extends Error {
  constructor(
    readonly code: 'INVALID_SDP' | 'MEDIA_UNAVAILABLE' | 'UNKNOWN_LEG' | 'INVALID_PARAMS',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Where a leg may be mixed: legs of one group (a contact center) are placed on one media node, so
 * every call of the group can mix them. Engines with one node ignore it.
 */
export interface LegPlacement {
  group: string;
}

export interface MediaEngine {
  /** A WebRTC leg from a complete SDP offer (non-trickle ICE); the answer is complete too. */
  openWebRtcLeg(legId: string, offerSdp: string, placement?: LegPlacement): Promise<{ answerSdp: string }>;
  /** A plain RTP leg sending to `remote`; returns where it receives. */
  openRtpLeg(legId: string, remote: RtpAddress, placement?: LegPlacement): Promise<RtpAddress>;
  /** Releases a leg (removing it from its conversation). Unknown legs are ignored. */
  closeLeg(legId: string): Promise<void>;
  /** Sets a conversation's legs and recording; legs left out hear silence and are not heard. */
  setConversation(conversationId: string, spec: ConversationSpec): Promise<void>;
  /** Ends a conversation; its legs stay open (stations live across calls). Returns its recording. */
  endConversation(conversationId: string): Promise<FinishedRecording | null>;
  /** Sends digits as RFC 4733 events on a leg. */
  sendDigits(legId: string, digits: string): Promise<void>;
  counts(): Promise<MediaCounts>;
  clockStats(): Promise<ClockStats>;
  subscribe(listener: (event: MediaEvent) => void): () => void;
  close(): Promise<void>;
}
