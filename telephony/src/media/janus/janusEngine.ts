/**
 * `MediaEngine` on one Janus media node (AudioBridge, driven over Janus's HTTP API). docs/media.md
 * ("Janus AudioBridge") says how each method maps:
 *
 * - every leg is an AudioBridge participant on its own plugin handle; rooms are 8 kHz;
 * - a conversation is a room; a leg that hears the mix is moved into it (`changeroom`), muted unless
 *   heard; a leg that hears silence waits, muted, in the engine's *lobby* room; a leg that hears queue
 *   or hold music sits, muted, in the engine's queue or hold room, where that music loops
 *   (`play_file`); a leg that hears the voicemail greeting gets a room of its own where the greeting
 *   plays once from its start (its end is `promptFinished`). Rooms cost Janus a mixer thread each: the
 *   shared rooms keep it at about one room per call;
 * - the recording is the room's (`enable_recording`): Janus writes one WAV per active stretch, and
 *   the stretches are joined into the spool file when the conversation ends;
 * - AudioBridge neither reports nor sends RFC 4733 events: `sendDigits` fails, no `digit` events.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  MediaError,
  type ClockStats,
  type ConversationSpec,
  type FinishedRecording,
  type LegHearing,
  type MediaCounts,
  type MediaEngine,
  type MediaEvent,
  type RtpAddress,
} from '../mediaEngine.ts';
import { LOOPS, type PromptName } from '../prompts.ts';
import { checkOffer } from '../sdp.ts';
import { WavWriter } from '../wav.ts';
import { JanusError, JanusSession, type HandleEvent } from './janusClient.ts';

const PLUGIN = 'janus.plugin.audiobridge';
/** A connected WebRTC leg whose media stopped this long ago is released (as the embedded engine). */
const SILENT_PEER_MS = 5000;
/** Prompts that loop, each in one room of the engine that every leg hearing it sits in. */
const LOOPING = (Object.keys(LOOPS) as PromptName[]).filter((p) => LOOPS[p]);

export interface JanusNodeOptions {
  /** The node's HTTP API, e.g. http://10.0.0.5:8088/janus. */
  url: string;
  apiSecret?: string | undefined;
  /** Where the node's prompts are (`<name>.opus`, made by scripts/janus/makePrompts.ts), on the node. */
  promptDir: string;
  /** Where the node writes recordings; the service reads them there (same machine or a shared mount). */
  recordDir: string;
  /** Address to give plain-RTP parties instead of the one Janus reports (a node behind NAT). */
  rtpAddress?: string | undefined;
}

export interface JanusEngineOptions {
  node: JanusNodeOptions;
  /** Where finished recordings are assembled for the recording store. */
  spoolDir: string;
  webrtcConnectTimeoutMs?: number;
}

interface Leg {
  id: string;
  handle: number;
  webrtc: boolean;
  room: string;
  /** The leg's greeting room while it has one. */
  greetingRoom: string | null;
  muted: boolean;
  conversation: string | null;
  playing: { fileId: string; prompt: PromptName } | null;
  /** The greeting was started in its room (it plays once). */
  greetingStarted: boolean;
  connected: boolean;
  closing: boolean;
  timer: NodeJS.Timeout | undefined;
}

interface Conversation {
  room: string;
  legs: Set<string>;
  recording: { key: string; active: boolean } | null;
  /** Finished and current stretches of the recording (files on the node). */
  parts: string[];
  recordingOn: boolean;
}

export class JanusEngine implements MediaEngine {
  private session: JanusSession | null = null;
  private connecting: Promise<JanusSession> | null = null;
  /** The handle rooms are created and destroyed with. */
  private control = 0;
  private readonly legs = new Map<string, Leg>();
  private readonly conversations = new Map<string, Conversation>();
  private readonly listeners = new Set<(e: MediaEvent) => void>();
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private part = 0;
  /** The names of this engine's shared rooms (another service's engine on the node has its own). */
  private readonly shared = `${randomBytes(6).toString('hex')}`;
  private readonly lobby = `lobby-${this.shared}`;
  private readonly connectTimeoutMs: number;
  /** Times the node's session was lost (the node died or restarted). */
  losses = 0;
  /** When the node was last lost or found unreachable (ms since the epoch; 0: never). */
  downSince = 0;

  constructor(private readonly options: JanusEngineOptions) {
    fs.mkdirSync(options.spoolDir, { recursive: true });
    this.connectTimeoutMs = options.webrtcConnectTimeoutMs ?? 15_000;
  }

  get url(): string {
    return this.options.node.url;
  }

  /** What the node carries for this service: legs and rooms (the pool places by it). */
  get load(): number {
    return this.legs.size + this.conversations.size;
  }

  /** Checks the node answers (a session is made); throws MEDIA_UNAVAILABLE otherwise. */
  async connect(): Promise<void> {
    await this.ensureSession();
  }

  private async ensureSession(): Promise<JanusSession> {
    if (this.closed) throw new MediaError('MEDIA_UNAVAILABLE', 'the media plane is stopped');
    if (this.session) return this.session;
    this.connecting ??= (async () => {
      try {
        const s = await JanusSession.create(this.options.node.url, {
          apiSecret: this.options.node.apiSecret,
          onLost: () => this.lost(s),
        });
        this.control = await s.attach(PLUGIN, () => undefined);
        this.session = s;
        await this.createRoom(this.lobby);
        for (const prompt of LOOPING) {
          await this.createRoom(this.loopRoom(prompt));
          await s.request(this.control, {
            request: 'play_file',
            room: this.loopRoom(prompt),
            file_id: prompt,
            filename: path.join(this.options.node.promptDir, `${prompt}.opus`),
            loop: true,
          });
        }
        this.downSince = 0;
        return s;
      } catch (err) {
        this.downSince = Date.now();
        throw unavailable(err);
      } finally {
        this.connecting = null;
      }
    })();
    return this.connecting;
  }

  /** The node's session is gone: every leg and conversation with it. */
  private lost(s: JanusSession): void {
    if (this.session !== s) return;
    this.session = null;
    this.losses++;
    this.downSince = Date.now();
    const legs = [...this.legs.values()];
    this.legs.clear();
    this.conversations.clear();
    for (const leg of legs) clearTimeout(leg.timer);
    if (this.closed) return;
    for (const leg of legs) this.publish({ type: 'legClosed', legId: leg.id, reason: 'node-lost' });
    this.publish({ type: 'restarted' });
  }

  private publish(event: MediaEvent): void {
    for (const l of this.listeners) l(event);
  }

  /** Runs `work` after every earlier command (the node's state changes one command at a time). */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  // ── Legs ─────────────────────────────────────────────────────────────────────────────────────

  openWebRtcLeg(legId: string, offerSdp: string): Promise<{ answerSdp: string }> {
    checkOffer(offerSdp);
    return this.serial(async () => {
      const { leg, jsep } = await this.openLeg(legId, true, {}, { type: 'offer', sdp: offerSdp });
      if (!jsep) {
        await this.dropLeg(leg);
        throw new MediaError('INVALID_SDP', 'invalid SDP offer: the media node gave no answer');
      }
      leg.timer = setTimeout(() => {
        if (!leg.connected) void this.failLeg(leg, 'ice-timeout');
      }, this.connectTimeoutMs);
      return { answerSdp: jsep.sdp };
    });
  }

  openRtpLeg(legId: string, remote: RtpAddress): Promise<RtpAddress> {
    return this.serial(async () => {
      const { data } = await this.openLeg(legId, false, {
        rtp: { ip: remote.address, port: remote.port, payload_type: 0 },
      });
      const rtp = data.rtp as { ip: string; port: number } | undefined;
      if (!rtp) throw new MediaError('MEDIA_UNAVAILABLE', 'the media node gave no RTP address');
      return { address: this.options.node.rtpAddress ?? rtp.ip, port: rtp.port };
    });
  }

  private async openLeg(
    legId: string,
    webrtc: boolean,
    extra: Record<string, unknown>,
    jsep?: { type: 'offer'; sdp: string },
  ): Promise<{ leg: Leg; data: Record<string, unknown>; jsep?: { sdp: string } | undefined }> {
    if (this.legs.has(legId)) throw new MediaError('INVALID_PARAMS', `leg ${legId} exists`);
    const s = await this.ensureSession();
    const leg: Leg = {
      id: legId,
      handle: 0,
      webrtc,
      room: this.lobby,
      greetingRoom: null,
      muted: true,
      conversation: null,
      playing: null,
      greetingStarted: false,
      connected: !webrtc,
      closing: false,
      timer: undefined,
    };
    try {
      leg.handle = await s.attach(PLUGIN, (e) => this.onHandleEvent(leg, e));
      const joined = await s.send(
        leg.handle,
        { request: 'join', room: this.lobby, display: legId, muted: true, codec: 'pcmu', ...extra },
        jsep,
      );
      this.legs.set(legId, leg);
      return { leg, data: joined.data, jsep: joined.jsep };
    } catch (err) {
      if (leg.handle) await s.detach(leg.handle).catch(() => undefined);
      if (err instanceof JanusError && err.code !== 0 && jsep)
        throw new MediaError('INVALID_SDP', `invalid SDP offer: ${err.message}`);
      throw unavailable(err);
    }
  }

  private onHandleEvent(leg: Leg, e: HandleEvent): void {
    if (leg.closing) return;
    switch (e.janus) {
      case 'webrtcup':
        leg.connected = true;
        clearTimeout(leg.timer);
        return;
      case 'hangup':
        void this.failLeg(leg, 'transport-closed');
        return;
      case 'media':
        if (!leg.connected) return;
        clearTimeout(leg.timer);
        if (e.receiving === false)
          leg.timer = setTimeout(() => void this.failLeg(leg, 'transport-closed'), SILENT_PEER_MS);
        return;
      case 'event': {
        const data = e.plugindata?.data;
        if (data?.audiobridge !== 'announcement-stopped') return;
        const playing = leg.playing;
        if (!playing || data.file_id !== playing.fileId) return;
        leg.playing = null;
        this.publish({ type: 'promptFinished', legId: leg.id, prompt: playing.prompt });
        return;
      }
    }
  }

  private async failLeg(leg: Leg, reason: 'ice-timeout' | 'transport-closed'): Promise<void> {
    await this.serial(async () => {
      if (leg.closing || this.legs.get(leg.id) !== leg) return;
      await this.dropLeg(leg);
      this.publish({ type: 'legClosed', legId: leg.id, reason });
    });
  }

  closeLeg(legId: string): Promise<void> {
    return this.serial(async () => {
      const leg = this.legs.get(legId);
      if (leg) await this.dropLeg(leg);
    });
  }

  private async dropLeg(leg: Leg): Promise<void> {
    leg.closing = true;
    clearTimeout(leg.timer);
    this.legs.delete(leg.id);
    if (leg.conversation) this.conversations.get(leg.conversation)?.legs.delete(leg.id);
    const s = this.session;
    if (!s) return;
    await s.detach(leg.handle).catch(() => undefined);
    if (leg.greetingRoom) await this.destroyRoom(leg.greetingRoom).catch(() => undefined);
  }

  // ── Conversations ────────────────────────────────────────────────────────────────────────────

  setConversation(conversationId: string, spec: ConversationSpec): Promise<void> {
    return this.serial(async () => {
      await this.ensureSession();
      let conv = this.conversations.get(conversationId);
      if (!conv) {
        conv = {
          room: `c-${conversationId}`,
          legs: new Set(),
          recording: null,
          parts: [],
          recordingOn: false,
        };
        await this.createRoom(conv.room);
        this.conversations.set(conversationId, conv);
      }
      const wanted = new Map(spec.legs.filter((l) => this.legs.has(l.legId)).map((l) => [l.legId, l]));
      for (const legId of [...conv.legs]) {
        if (wanted.has(legId)) continue;
        const leg = this.legs.get(legId);
        conv.legs.delete(legId);
        if (leg) {
          leg.conversation = null;
          await this.place(leg, null, false, { kind: 'silence' });
        }
      }
      for (const l of wanted.values()) {
        const leg = this.legs.get(l.legId) as Leg;
        if (leg.conversation && leg.conversation !== conversationId)
          this.conversations.get(leg.conversation)?.legs.delete(leg.id);
        leg.conversation = conversationId;
        conv.legs.add(leg.id);
        const inMix = l.hears.kind === 'mix' || (l.hears.kind === 'silence' && l.heard);
        await this.place(leg, inMix ? conv.room : null, l.heard, l.hears);
      }
      await this.record(conv, spec.recording);
    });
  }

  /**
   * Moves a leg into the conversation's room (`mixRoom`, heard or muted), or else where it hears
   * what it should: the lobby (silence), a looping prompt's room, or its own greeting room.
   */
  private async place(leg: Leg, mixRoom: string | null, heard: boolean, hears: LegHearing): Promise<void> {
    const s = this.session as JanusSession;
    const greeting = !mixRoom && hears.kind === 'prompt' && !LOOPS[hears.prompt];
    let room: string;
    if (mixRoom) room = mixRoom;
    else if (hears.kind === 'prompt' && LOOPS[hears.prompt]) room = this.loopRoom(hears.prompt);
    else if (greeting) room = leg.greetingRoom ?? `g-${leg.id}`;
    else room = this.lobby;
    const muted = mixRoom ? !heard : true;
    if (greeting && !leg.greetingRoom) {
      leg.greetingRoom = room;
      await this.createRoom(room);
    }
    if (leg.room !== room) {
      await s.send(leg.handle, { request: 'changeroom', room, muted, display: leg.id });
      leg.room = room;
      leg.muted = muted;
    } else if (leg.muted !== muted) {
      await s.send(leg.handle, { request: 'configure', muted });
      leg.muted = muted;
    }
    if (greeting && hears.kind === 'prompt' && !leg.greetingStarted) {
      const fileId = `${hears.prompt}-${++this.part}`;
      leg.playing = { fileId, prompt: hears.prompt };
      leg.greetingStarted = true;
      await s.request(this.control, {
        request: 'play_file',
        room,
        file_id: fileId,
        filename: path.join(this.options.node.promptDir, `${hears.prompt}.opus`),
      });
    }
    if (!greeting && leg.greetingRoom) {
      const old = leg.greetingRoom;
      leg.greetingRoom = null;
      leg.playing = null;
      leg.greetingStarted = false;
      await this.destroyRoom(old).catch(() => undefined);
    }
  }

  private loopRoom(prompt: PromptName): string {
    return `${prompt}-${this.shared}`;
  }

  private async record(conv: Conversation, recording: ConversationSpec['recording']): Promise<void> {
    const s = this.session as JanusSession;
    if (recording && conv.recording && conv.recording.key !== recording.key) conv.parts = [];
    conv.recording = recording;
    const on = recording?.active ?? false;
    if (on === conv.recordingOn) return;
    if (on && recording) {
      const file = path.join(this.options.node.recordDir, `${recording.key}-${++this.part}.wav`);
      await s.request(this.control, {
        request: 'enable_recording',
        room: conv.room,
        record: true,
        record_file: file,
      });
      conv.parts.push(file);
    } else {
      await s.request(this.control, { request: 'enable_recording', room: conv.room, record: false });
    }
    conv.recordingOn = on;
  }

  endConversation(conversationId: string): Promise<FinishedRecording | null> {
    return this.serial(async () => {
      const conv = this.conversations.get(conversationId);
      if (!conv) return null;
      this.conversations.delete(conversationId);
      if (this.session) {
        for (const legId of conv.legs) {
          const leg = this.legs.get(legId);
          if (!leg) continue;
          leg.conversation = null;
          await this.place(leg, null, false, { kind: 'silence' }).catch(() => undefined);
        }
        await this.destroyRoom(conv.room).catch(() => undefined);
      }
      if (!conv.recording || conv.parts.length === 0) return null;
      return this.assemble(conv.recording.key, conv.parts);
    });
  }

  /** Joins the recording's stretches (WAVs Janus wrote) into the spool file the store takes. */
  private async assemble(key: string, parts: string[]): Promise<FinishedRecording> {
    const file = path.join(this.options.spoolDir, `${key}.wav`);
    const writer = new WavWriter(file);
    for (const part of parts) {
      const data = await finishedWavData(part);
      if (data) writer.write(data);
      fs.rmSync(part, { force: true });
    }
    return { key, file, durationMs: writer.close() };
  }

  sendDigits(legId: string, digits: string): Promise<void> {
    if (!this.legs.has(legId)) return Promise.reject(new MediaError('UNKNOWN_LEG', `no leg ${legId}`));
    return Promise.reject(
      new MediaError(
        'INVALID_PARAMS',
        `digits ${digits} not sent: Janus AudioBridge does not send RFC 4733 events (docs/media.md)`,
      ),
    );
  }

  async counts(): Promise<MediaCounts> {
    let recordings = 0;
    for (const c of this.conversations.values()) if (c.parts.length > 0) recordings++;
    return { legs: this.legs.size, conversations: this.conversations.size, recordings };
  }

  /** Janus's mixer clock is its own; it reports nothing of it over the API. */
  async clockStats(): Promise<ClockStats> {
    return { ticks: 0, lateTicks: 0, maxLateMs: 0, maxTickMs: 0 };
  }

  subscribe(listener: (event: MediaEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    await this.serial(async () => {
      if (this.closed) return;
      for (const id of [...this.conversations.keys()]) {
        const conv = this.conversations.get(id) as Conversation;
        this.conversations.delete(id);
        await this.destroyRoom(conv.room).catch(() => undefined);
      }
      for (const leg of [...this.legs.values()]) await this.dropLeg(leg);
      if (this.session)
        for (const room of [this.lobby, ...LOOPING.map((p) => this.loopRoom(p))])
          await this.destroyRoom(room).catch(() => undefined);
      this.closed = true;
      await this.session?.destroy();
      this.session = null;
    });
  }

  // ── Rooms ────────────────────────────────────────────────────────────────────────────────────

  private async createRoom(room: string): Promise<void> {
    const s = this.session as JanusSession;
    await s.request(this.control, {
      request: 'create',
      room,
      sampling_rate: 8000,
      allow_rtp_participants: true,
      audiolevel_event: false,
      record: false,
    });
  }

  private async destroyRoom(room: string): Promise<void> {
    await this.session?.request(this.control, { request: 'destroy', room });
  }
}

function unavailable(err: unknown): MediaError {
  if (err instanceof MediaError) return err;
  return new MediaError('MEDIA_UNAVAILABLE', `the media node failed: ${(err as Error).message}`);
}

/**
 * The samples of a WAV Janus wrote, once Janus has closed it (it writes the RIFF size then); null
 * when it never appeared (a recording with no audio). Janus's data-chunk size field is off by the
 * header's length, so the samples are taken as everything after the 44-byte header.
 */
async function finishedWavData(file: string): Promise<Int16Array | null> {
  const deadline = Date.now() + 3000;
  for (;;) {
    const buf = fs.existsSync(file) ? fs.readFileSync(file) : null;
    const closed = buf !== null && buf.length > 44 && buf.readUInt32LE(4) === buf.length - 8;
    if (buf && (closed || Date.now() > deadline)) {
      if (buf.length <= 44) return null;
      const out = new Int16Array((buf.length - 44) >> 1);
      for (let i = 0; i < out.length; i++) out[i] = buf.readInt16LE(44 + i * 2);
      return out;
    }
    if (!buf && Date.now() > deadline) return null;
    await new Promise((r) => setTimeout(r, 50));
  }
}
