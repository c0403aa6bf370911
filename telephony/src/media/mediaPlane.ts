/**
 * The service side of the media plane: which leg is whose (agent stations, phone-network parties),
 * and the subscriber that, whenever a call changes, reloads the call's participants and hands the
 * media engine the mix plan's answer. At a call's end its recording is stored and published.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../db/database.ts';
import type { DomainEvent } from '../engine/index.ts';
import { loadCallSnapshot } from './callSnapshot.ts';
import {
  MediaError,
  type ConversationLeg,
  type MediaEngine,
  type MediaEvent,
  type RtpAddress,
} from './mediaEngine.ts';
import { dtmfTargets, mixPlan, type MixPlan, type PartyPlan } from './mixPlan.ts';
import type { RecordingSink } from './recordingStore.ts';

/** What the media plane asks of the call engine (wired at the composition root). */
export interface MediaCommands {
  /** The call's recording is stored: publish its URL and duration (the Salesforce update carries them). */
  publishRecording(ccId: string, callId: string, url: string, durationSeconds: number): Promise<void>;
  /** The caller finished a voicemail (pressed #): the call ends as a voicemail with this recording. */
  leaveVoicemail(ccId: string, callId: string, url: string, durationSeconds: number): Promise<void>;
  /** DTMF the agent's browser sent on its station: the same as the connector's `sendDigits`. */
  agentDigits(ccId: string, userId: string, callId: string, digits: string): Promise<void>;
  /** DTMF a phone-network party sent (RFC 4733 received). */
  callerDigits(ccId: string, callId: string, participantId: string, digits: string): Promise<void>;
  /** A phone-network party's media is gone (no RTP for the engine's timeout, or its media node died): it leaves, as by hanging up. */
  partyLost(ccId: string, callId: string, participantId: string): Promise<void>;
}

export interface MediaPlaneOptions {
  engine: MediaEngine;
  db: Db;
  store: RecordingSink;
  commands: MediaCommands;
  /** Reports failures of background work (a reconcile, a publish); they never reach a request. */
  log?: (msg: string, err: unknown) => void;
}

interface Station {
  id: string;
  legId: string;
  userId: string;
  contactCenterId: string;
  /** The agent session that opened it: the station ends with it (logout, take-over); '' for a desk phone. */
  sessionId: string;
}

interface NetworkLeg {
  legId: string;
  callId: string;
  participantId: string;
}

interface CallMedia {
  contactCenterId: string;
  /** A conversation exists in the engine (some leg joined the call once). */
  conversation: boolean;
  greetingDone: boolean;
  plan: MixPlan | null;
  /** The conversation last given to the engine (JSON): an unchanged one is not sent again. */
  applied: string | null;
  finished: boolean;
}

export interface PlaneCounts {
  stations: number;
  networkLegs: number;
  calls: number;
}

export class MediaPlane {
  readonly engine: MediaEngine;
  private readonly db: Db;
  private readonly store: RecordingSink;
  private readonly commands: MediaCommands;
  private readonly log: (msg: string, err: unknown) => void;
  private readonly stations = new Map<string, Station>();
  private readonly networkLegs = new Map<string, NetworkLeg>();
  private readonly legOwners = new Map<string, { station?: Station; network?: NetworkLeg }>();
  private readonly calls = new Map<string, CallMedia>();
  private readonly queues = new Map<string, Promise<void>>();
  private readonly unsubscribe: () => void;
  private sweepTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(options: MediaPlaneOptions) {
    this.engine = options.engine;
    this.db = options.db;
    this.store = options.store;
    this.commands = options.commands;
    this.log = options.log ?? ((msg, err) => console.error(msg, err));
    this.unsubscribe = this.engine.subscribe((e) => this.onEngineEvent(e));
  }

  /**
   * Reconciles every call with media every `ms`: a safety net (the domain events drive the media
   * plane; a reconcile that failed is made good here).
   */
  startSweep(ms: number): void {
    const run = async () => {
      await this.sweep().catch((err) => this.log('media sweep failed', err));
      if (!this.closed) this.sweepTimer = setTimeout(() => void run(), ms);
    };
    this.sweepTimer = setTimeout(() => void run(), ms);
  }

  /** The calls that have media now or had it: reconciled (changes only reach the engine when any). */
  async sweep(): Promise<void> {
    const ids = new Set<string>(this.calls.keys());
    for (const n of this.networkLegs.values()) ids.add(n.callId);
    const users = [...this.stations.keys()];
    if (users.length > 0) {
      const rows = await this.db
        .selectFrom('participants')
        .select('call_id')
        .distinct()
        .where('user_id', 'in', users)
        .where('state', 'in', ['connected', 'held', 'dialing'])
        .execute();
      for (const r of rows) ids.add(r.call_id);
    }
    await Promise.all([...ids].map((id) => this.callChanged(id)));
  }

  /** Something happened to a call: reconcile its media (serialized per call). */
  callChanged(callId: string): Promise<void> {
    return this.enqueue(callId, () => this.reconcile(callId));
  }

  /** Runs `work` after the call's earlier media work; failures are logged, never thrown. */
  private enqueue(callId: string, work: () => Promise<void>): Promise<void> {
    const previous = this.queues.get(callId) ?? Promise.resolve();
    const next = previous.then(work).catch((err) => this.log(`media of call ${callId}`, err));
    this.queues.set(callId, next);
    void next.then(() => {
      if (this.queues.get(callId) === next) this.queues.delete(callId);
    });
    return next;
  }

  /**
   * The engine's domain events (one committed transaction's): every call they touch is reconciled
   * once; digits an agent sent go to the far end as RFC 4733.
   */
  onDomainEvents(batch: readonly DomainEvent[]): void {
    const touched = new Set<string>();
    for (const e of batch) if ('callId' in e) touched.add(e.callId);
    for (const callId of touched) void this.callChanged(callId);
    for (const e of batch) {
      if (e.type === 'DigitsSent' && e.source === 'agent')
        void this.enqueue(e.callId, () => this.forwardDigits(e.callId, e.participantId, e.digits));
    }
  }

  // ── Stations (agents' browsers) ────────────────────────────────────────────────────────────────

  /** Opens the agent's station from a WebRTC offer, replacing the agent's previous one. */
  async openStation(
    user: { id: string; contactCenterId: string; sessionId: string },
    offerSdp: string,
  ): Promise<{ stationId: string; answerSdp: string }> {
    const id = `ST${randomBytes(12).toString('base64url')}`;
    const legId = `station-${id}`;
    const { answerSdp } = await this.engine.openWebRtcLeg(legId, offerSdp, { group: user.contactCenterId });
    const previous = this.stations.get(user.id);
    const station: Station = {
      id,
      legId,
      userId: user.id,
      contactCenterId: user.contactCenterId,
      sessionId: user.sessionId,
    };
    this.stations.set(user.id, station);
    this.legOwners.set(legId, { station });
    if (previous) await this.dropLeg(previous.legId);
    await this.callsOfUser(user.id);
    return { stationId: id, answerSdp };
  }

  /**
   * Opens the agent's station as a plain RTP leg to `rtp` (a SIP desk phone, docs/sip.md), replacing
   * the agent's previous station. It belongs to no agent session: the SIP side closes it when the
   * phone's call ends.
   */
  async openRtpStation(
    user: { id: string; contactCenterId: string },
    rtp: RtpAddress,
  ): Promise<{ stationId: string; rtp: RtpAddress }> {
    const id = `ST${randomBytes(12).toString('base64url')}`;
    const legId = `phone-${id}`;
    const local = await this.engine.openRtpLeg(legId, rtp, { group: user.contactCenterId });
    const previous = this.stations.get(user.id);
    const station: Station = {
      id,
      legId,
      userId: user.id,
      contactCenterId: user.contactCenterId,
      sessionId: '',
    };
    this.stations.set(user.id, station);
    this.legOwners.set(legId, { station });
    if (previous) await this.dropLeg(previous.legId);
    await this.callsOfUser(user.id);
    return { stationId: id, rtp: local };
  }

  /** Hangs up the agent's station; false when the agent has no station of that id. */
  async closeStation(userId: string, stationId: string): Promise<boolean> {
    const station = this.stations.get(userId);
    if (!station || station.id !== stationId) return false;
    this.stations.delete(userId);
    await this.dropLeg(station.legId);
    await this.callsOfUser(userId);
    return true;
  }

  /** An agent session ended (logout, take-over): its station hangs up. */
  async sessionEnded(sessionId: string): Promise<void> {
    for (const station of [...this.stations.values()])
      if (station.sessionId === sessionId) await this.closeStation(station.userId, station.id);
  }

  private async callsOfUser(userId: string): Promise<void> {
    const rows = await this.db
      .selectFrom('participants')
      .select('call_id')
      .distinct()
      .where('user_id', '=', userId)
      .where('state', '!=', 'ended')
      .execute();
    await Promise.all(rows.map((r) => this.callChanged(r.call_id)));
  }

  // ── Phone-network parties (the simulator's callers and third parties) ──────────────────────────

  /**
   * Opens the media of a caller or third party: WebRTC from an SDP offer, or plain RTP to an address.
   * A party that already has media gets the new leg instead. NOT_FOUND unless it is a live phone-network
   * participant of the call.
   */
  async openNetworkMedia(
    callId: string,
    participantId: string,
    offer: { sdp: string } | { rtp: RtpAddress },
  ): Promise<{ answerSdp: string } | { rtp: RtpAddress }> {
    const p = await this.db
      .selectFrom('participants')
      .select(['id', 'user_id', 'state', 'contact_center_id'])
      .where('id', '=', participantId)
      .where('call_id', '=', callId)
      .executeTakeFirst();
    if (!p || p.user_id !== null || p.state === 'ended')
      throw new MediaError(
        'UNKNOWN_LEG',
        `no phone-network participant ${participantId} live on call ${callId}`,
      );
    const legId = `party-${participantId}-${randomBytes(6).toString('base64url')}`;
    const placement = { group: p.contact_center_id };
    const result =
      'sdp' in offer
        ? await this.engine.openWebRtcLeg(legId, offer.sdp, placement)
        : { rtp: await this.engine.openRtpLeg(legId, offer.rtp, placement) };
    const previous = this.networkLegs.get(participantId);
    const leg: NetworkLeg = { legId, callId, participantId };
    this.networkLegs.set(participantId, leg);
    this.legOwners.set(legId, { network: leg });
    if (previous) await this.dropLeg(previous.legId);
    await this.callChanged(callId);
    return result;
  }

  async closeNetworkMedia(callId: string, participantId: string): Promise<boolean> {
    const leg = this.networkLegs.get(participantId);
    if (!leg || leg.callId !== callId) return false;
    this.networkLegs.delete(participantId);
    await this.dropLeg(leg.legId);
    await this.callChanged(callId);
    return true;
  }

  private async dropLeg(legId: string): Promise<void> {
    this.legOwners.delete(legId);
    await this.engine.closeLeg(legId).catch(() => undefined);
  }

  // ── The subscriber ─────────────────────────────────────────────────────────────────────────────

  private stationLegOf(userId: string): string | undefined {
    return this.stations.get(userId)?.legId;
  }

  private legOf(party: PartyPlan): string | undefined {
    if (party.userId) return this.stationLegOf(party.userId);
    return this.networkLegs.get(party.participantId)?.legId;
  }

  private async reconcile(callId: string): Promise<void> {
    const snap = await loadCallSnapshot(this.db, callId);
    let media = this.calls.get(callId);
    if (!snap) {
      if (media) await this.finish(callId, media, null);
      return;
    }
    if (!media) {
      media = {
        contactCenterId: snap.contactCenterId,
        conversation: false,
        greetingDone: false,
        plan: null,
        applied: null,
        finished: false,
      };
      this.calls.set(callId, media);
    }
    if (media.finished) return;
    const plan = mixPlan({ ...snap.call, greetingDone: media.greetingDone }, snap.participants);
    media.plan = plan;
    for (const p of snap.participants) {
      const leg = this.networkLegs.get(p.id);
      if (leg && p.state === 'ended') {
        this.networkLegs.delete(p.id);
        await this.dropLeg(leg.legId);
      }
    }
    if (!plan.live) {
      await this.finish(callId, media, snap.call.state);
      return;
    }
    const legs: ConversationLeg[] = [];
    for (const party of plan.parties) {
      const legId = this.legOf(party);
      if (legId) legs.push({ legId, hears: party.hears, heard: party.heard });
    }
    if (!media.conversation && legs.length === 0) {
      this.calls.delete(callId);
      return;
    }
    const spec = {
      legs,
      recording: plan.recording
        ? { key: recordingKey(callId, plan.recording.kind), active: plan.recording.active }
        : null,
    };
    const json = JSON.stringify(spec);
    if (!media.conversation || media.applied !== json) {
      media.conversation = true;
      media.applied = json;
      await this.engine.setConversation(callId, spec);
    }
  }

  /** Digits a party sent reach the phone-network parties it talks with (`dtmfTargets`). */
  private async forwardDigits(callId: string, fromParticipantId: string, digits: string): Promise<void> {
    const plan = this.calls.get(callId)?.plan;
    if (!plan) return;
    for (const target of dtmfTargets(plan, fromParticipantId)) {
      const legId = this.networkLegs.get(target)?.legId;
      if (legId) await this.engine.sendDigits(legId, digits).catch(() => undefined);
    }
  }

  /** The call ended: its conversation ends, its parties' legs are released, its recording published. */
  private async finish(callId: string, media: CallMedia, state: string | null): Promise<void> {
    media.finished = true;
    this.calls.delete(callId);
    for (const leg of [...this.networkLegs.values()]) {
      if (leg.callId !== callId) continue;
      this.networkLegs.delete(leg.participantId);
      await this.dropLeg(leg.legId);
    }
    if (!media.conversation) return;
    const recording = await this.engine.endConversation(callId);
    if (!recording || recording.durationMs < 20 || state === null) return;
    const { url } = await this.store.save(
      { key: recording.key, callId, contactCenterId: media.contactCenterId },
      recording.file,
    );
    await this.commands.publishRecording(media.contactCenterId, callId, url, seconds(recording.durationMs));
  }

  /** The caller ends the voicemail (#): the recording is stored and the call ends as a voicemail. */
  async finishVoicemail(callId: string): Promise<boolean> {
    let done = false;
    const run = async () => {
      const media = this.calls.get(callId);
      if (!media || media.finished || media.plan?.recording?.kind !== 'voicemail' || !media.greetingDone)
        return;
      media.finished = true;
      this.calls.delete(callId);
      const recording = await this.engine.endConversation(callId);
      for (const leg of [...this.networkLegs.values()]) {
        if (leg.callId !== callId) continue;
        this.networkLegs.delete(leg.participantId);
        await this.dropLeg(leg.legId);
      }
      if (!recording) return;
      const { url } = await this.store.save(
        { key: recording.key, callId, contactCenterId: media.contactCenterId },
        recording.file,
      );
      await this.commands.leaveVoicemail(media.contactCenterId, callId, url, seconds(recording.durationMs));
      done = true;
    };
    const previous = this.queues.get(callId) ?? Promise.resolve();
    const next = previous.then(run);
    this.queues.set(
      callId,
      next.catch((err) => this.log(`voicemail of call ${callId}`, err)),
    );
    await next;
    return done;
  }

  private onEngineEvent(e: MediaEvent): void {
    if (e.type === 'restarted') {
      // The conversations are gone with the engine: each is made again when a leg joins its call;
      // a recording goes on in the same file.
      for (const media of this.calls.values()) {
        media.conversation = false;
        media.applied = null;
      }
      return;
    }
    const owner = this.legOwners.get(e.legId);
    if (!owner) return;
    switch (e.type) {
      case 'legClosed':
        this.legOwners.delete(e.legId);
        if (owner.station && this.stations.get(owner.station.userId) === owner.station) {
          this.stations.delete(owner.station.userId);
          void this.callsOfUser(owner.station.userId).catch((err) => this.log('station closed', err));
        }
        if (owner.network && this.networkLegs.get(owner.network.participantId) === owner.network) {
          this.networkLegs.delete(owner.network.participantId);
          if (e.reason === 'rtp-timeout' || e.reason === 'node-lost') void this.partyLost(owner.network);
          else void this.callChanged(owner.network.callId);
        }
        return;
      case 'promptFinished': {
        const callId = owner.network?.callId;
        const media = callId ? this.calls.get(callId) : undefined;
        if (!callId || !media || e.prompt !== 'greeting') return;
        media.greetingDone = true;
        void this.callChanged(callId);
        return;
      }
      case 'digit':
        void this.onDigit(owner, e.digit).catch((err) => this.log('digit', err));
        return;
    }
  }

  private async onDigit(owner: { station?: Station; network?: NetworkLeg }, digit: string): Promise<void> {
    if (owner.station) {
      const { userId, contactCenterId } = owner.station;
      const row = await this.db
        .selectFrom('users')
        .select('active_call_id')
        .where('id', '=', userId)
        .executeTakeFirst();
      if (row?.active_call_id)
        await this.commands.agentDigits(contactCenterId, userId, row.active_call_id, digit);
      return;
    }
    if (!owner.network) return;
    const { callId, participantId } = owner.network;
    const media = this.calls.get(callId);
    if (digit === '#' && media?.plan?.recording?.kind === 'voicemail') {
      await this.finishVoicemail(callId);
      return;
    }
    if (media) await this.commands.callerDigits(media.contactCenterId, callId, participantId, digit);
  }

  /**
   * A phone-network party whose media is gone (silent past the RTP timeout, or its media node died)
   * leaves the call (the engine's hang-up; the others go on), then the call's media is reconciled.
   */
  private partyLost({ callId, participantId }: NetworkLeg): Promise<void> {
    return this.enqueue(callId, async () => {
      const p = await this.db
        .selectFrom('participants')
        .select('contact_center_id')
        .where('id', '=', participantId)
        .executeTakeFirst();
      if (p) await this.commands.partyLost(p.contact_center_id, callId, participantId);
      await this.reconcile(callId);
    });
  }

  async counts(): Promise<PlaneCounts> {
    return { stations: this.stations.size, networkLegs: this.networkLegs.size, calls: this.calls.size };
  }

  /** Prometheus text: the legs, conversations and recordings held, and the media clock's health. */
  async metrics(): Promise<string> {
    const [counts, clock, plane] = await Promise.all([
      this.engine.counts(),
      this.engine.clockStats(),
      this.counts(),
    ]);
    const gauge = (name: string, help: string, value: number, type = 'gauge') =>
      `# HELP switchboard_media_${name} ${help}\n# TYPE switchboard_media_${name} ${type}\nswitchboard_media_${name} ${value}\n`;
    return [
      gauge('legs', 'Audio legs open in the media engine (WebRTC and plain RTP).', counts.legs),
      gauge('conversations', 'Mixes (one per call with media).', counts.conversations),
      gauge('recordings', 'Recordings being written.', counts.recordings),
      gauge('stations', "Agents' stations (softphone legs).", plane.stations),
      gauge('network_legs', 'Phone-network parties with media.', plane.networkLegs),
      gauge('ticks_total', 'Mixer ticks (20 ms each).', clock.ticks, 'counter'),
      gauge('late_ticks_total', 'Mixer ticks that ran more than 20 ms late.', clock.lateTicks, 'counter'),
    ].join('');
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.sweepTimer);
    this.sweepTimer = undefined;
    this.unsubscribe();
    await Promise.allSettled([...this.queues.values()]);
    await this.engine.close();
  }
}

export function recordingKey(callId: string, kind: 'call' | 'voicemail'): string {
  return kind === 'call' ? `${callId}-call` : `${callId}-voicemail`;
}

function seconds(ms: number): number {
  return Math.round(ms / 1000);
}
