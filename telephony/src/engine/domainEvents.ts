/**
 * The engine's domain events: what changed, published by each command as it changes it. A command's
 * events are delivered in two ways:
 *
 * - **after commit**, as one batch per committed transaction, in commit order per contact center:
 *   `engine.events.subscribe((batch) => …)`. The per-agent event streams, the media plane and other
 *   nodes subscribe here (wired in `server.ts`, the composition root). A rolled-back command
 *   publishes nothing.
 * - **inside the transaction**, as each event is published: `engine.events.subscribeInTransaction`.
 *   Only for subscribers whose writes must commit with the change itself (the Salesforce sync's
 *   outbox: a committed call state always has its requests).
 *
 * Every committed change to a call or one of its participants publishes at least one event carrying
 * `contactCenterId` and `callId` (and `participantId` where it applies).
 */
import type { AgentEvent } from './events.ts';
import type { Tx } from './engine.ts';

export type CallState = 'queued' | 'ringing' | 'dialing' | 'connected' | 'voicemail' | 'ended';
export type ParticipantRole = 'initial_caller' | 'agent' | 'third_party' | 'supervisor';
export type ParticipantState = 'queued' | 'ringing' | 'dialing' | 'connected' | 'held' | 'ended';
export type PresenceState = 'offline' | 'available' | 'busy' | 'on_call' | 'after_call_work';

interface OfCall {
  contactCenterId: string;
  callId: string;
}

interface OfParticipant extends OfCall {
  participantId: string;
}

export type DomainEvent =
  /** A call was created (inbound, outbound, internal, callback, progressive dialer). */
  | (OfCall & { type: 'CallCreated'; kind: string; state: CallState; queueId: string | null })
  /** The call's state changed (queued, ringing, dialing, connected, voicemail); `ended` is `CallEnded`. */
  | (OfCall & { type: 'CallStateChanged'; state: Exclude<CallState, 'ended'> })
  /** The call waits for a voicemail (nobody staffs its queue, the agent is away, the caller asked). */
  | (OfCall & { type: 'VoicemailStarted' })
  /** The caller left a voicemail (the call ends next, with origin Voicemail). */
  | (OfCall & { type: 'VoicemailLeft'; url: string; durationSeconds: number })
  | (OfCall & { type: 'CallEnded'; reason: string })
  /** A leg joined the call (queued for an agent, ringing, dialing, or connected at once). */
  | (OfParticipant & {
      type: 'ParticipantAdded';
      role: ParticipantRole;
      state: ParticipantState;
      userId: string | null;
    })
  /** An agent added a party (consult, or transfer when `blind`) by the agent `addedBy`. */
  | (OfParticipant & {
      type: 'ParticipantInvited';
      addedBy: string;
      blind: boolean;
      destination: 'number' | 'agent' | 'queue';
    })
  /** A queued leg rings an agent. */
  | (OfParticipant & { type: 'ParticipantOffered'; userId: string; expiresAt: number })
  /** The ringing agent declined (published before the offer is withdrawn). */
  | (OfParticipant & { type: 'OfferDeclined'; userId: string })
  /** An offer was taken back (declined, missed, the agent left); the leg is queued again. */
  | (OfParticipant & { type: 'OfferWithdrawn'; userId: string })
  /** A leg's secondary device started ringing. */
  | (OfParticipant & { type: 'SecondaryDeviceRinging'; userId: string })
  /** A leg is now talking: an agent accepted, a customer or third party answered. */
  | (OfParticipant & { type: 'ParticipantConnected'; userId: string | null })
  | (OfParticipant & { type: 'ParticipantHeld' })
  | (OfParticipant & { type: 'ParticipantResumed' })
  | (OfParticipant & { type: 'ParticipantMuted'; muted: boolean })
  /** A leg went to another queue (a flow's answer). */
  | (OfParticipant & { type: 'ParticipantRequeued'; queueId: string })
  | (OfParticipant & { type: 'ParticipantLeft'; reason: string })
  | (OfCall & { type: 'ParticipantsSwapped'; heldParticipantId: string; resumedParticipantId: string })
  | (OfCall & { type: 'CallConferenced' })
  /** A supervisor started listening in (`listen`) or barged in (`barge`). */
  | (OfParticipant & { type: 'SupervisorJoined'; userId: string; mode: 'listen' | 'barge' })
  /** Recording runs from the moment the call first connects (when the contact center records it). */
  | (OfCall & { type: 'RecordingStarted' })
  | (OfCall & { type: 'RecordingPaused' })
  | (OfCall & { type: 'RecordingResumed' })
  /** The recording's file is known: its URL and real duration. */
  | (OfCall & { type: 'RecordingPublished'; url: string; durationSeconds: number })
  /** DTMF digits sent on the call by a participant (an agent, or the caller/third party over the network). */
  | (OfParticipant & { type: 'DigitsSent'; digits: string; source: 'agent' | 'caller' })
  | (OfCall & { type: 'TranscriptAdded'; transcriptId: string; participantId: string | null })
  /** The customer of a progressive-dialer call answered (the call routes like an inbound one). */
  | (OfCall & { type: 'DialerCallAnswered' })
  | (OfCall & { type: 'DispositionSet'; disposition: string })
  | {
      type: 'AgentPresenceChanged';
      contactCenterId: string;
      userId: string;
      state: PresenceState;
      reason: string | null;
    }
  /** An event appended to an agent's stream (with its sequence number); pushed to the agent's sockets. */
  | { type: 'AgentEventAppended'; contactCenterId: string; userId: string; event: AgentEvent };

export type DomainEventType = DomainEvent['type'];

/** After commit: the committed transaction's events, in the order they were published. */
export type BatchSubscriber = (batch: readonly DomainEvent[]) => void;
/** Inside the transaction, as each event is published; its writes commit (or roll back) with the command. */
export type TransactionalSubscriber = (tx: Tx, event: DomainEvent) => Promise<void>;

export class DomainEvents {
  private readonly batchSubscribers: BatchSubscriber[] = [];
  private readonly transactional: TransactionalSubscriber[] = [];

  /** Receives each committed transaction's events; returns the unsubscribe function. */
  subscribe(subscriber: BatchSubscriber): () => void {
    this.batchSubscribers.push(subscriber);
    return () => {
      const i = this.batchSubscribers.indexOf(subscriber);
      if (i >= 0) this.batchSubscribers.splice(i, 1);
    };
  }

  subscribeInTransaction(subscriber: TransactionalSubscriber): () => void {
    this.transactional.push(subscriber);
    return () => {
      const i = this.transactional.indexOf(subscriber);
      if (i >= 0) this.transactional.splice(i, 1);
    };
  }

  /** Called by `Tx.publish`. */
  async published(tx: Tx, event: DomainEvent): Promise<void> {
    for (const subscriber of this.transactional) await subscriber(tx, event);
  }

  /** Called by the engine once a transaction has committed. A subscriber's exception is logged, not spread. */
  committed(batch: readonly DomainEvent[]): void {
    if (batch.length === 0) return;
    for (const subscriber of this.batchSubscribers) {
      try {
        subscriber(batch);
      } catch (err) {
        console.error('domain event subscriber:', err);
      }
    }
  }
}
