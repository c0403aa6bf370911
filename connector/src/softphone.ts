/**
 * The agent leg (seed 000): one WebRTC connection from the agent's browser to the service's media
 * plane, WHIP-style and non-trickle (`POST /media/v1/station` with the complete SDP offer and the
 * agent's session token; docs/media.md). It carries the microphone (getUserMedia) and plays what the
 * service mixes for the agent; the service joins it to the agent's call or keeps it silent.
 */
import { ServiceError } from './serviceError.ts';
import type { SoftphoneSettings } from './softphoneSettings.ts';
import { sampleStats, type Counters, type StreamStats } from './softphoneStats.ts';

export type LegState = 'off' | 'connecting' | 'connected' | 'failed';

/** ICE gathering is waited for at most this long (loopback and host candidates come at once). */
const ICE_GATHER_MS = 2000;
/** A leg that does not connect within this long has failed (the service releases it then too). */
const CONNECT_MS = 15_000;

/** The leg was hung up while connecting (not an error to publish). */
export const ABORTED = 'ABORTED';

export interface SoftphoneDeps {
  serviceUrl(): string;
  token(): string | null;
  settings(): SoftphoneSettings;
  /** The leg's state changed (connected, lost…). */
  changed(): void;
}

function softphoneError(type: string, message: string): ServiceError {
  return new ServiceError(type, `${type}: ${message}`);
}

/** Waits until the offer carries every ICE candidate (non-trickle), at most ICE_GATHER_MS. */
function iceGathered(pc: RTCPeerConnection): Promise<void> {
  return new Promise((resolve) => {
    const done = () => pc.iceGatheringState === 'complete' && resolve();
    pc.addEventListener('icegatheringstatechange', done);
    setTimeout(resolve, ICE_GATHER_MS);
    done();
  });
}

function stopTracks(stream: MediaStream | null): void {
  for (const t of stream?.getTracks() ?? []) t.stop();
}

export function webRtcSupported(): boolean {
  return (
    typeof RTCPeerConnection !== 'undefined' && typeof navigator.mediaDevices?.getUserMedia === 'function'
  );
}

export function unsupportedBrowser(): ServiceError {
  return softphoneError(
    'UNSUPPORTED_BROWSER',
    'this browser has no WebRTC (RTCPeerConnection, getUserMedia)',
  );
}

export class Softphone {
  state: LegState = 'off';
  /** Plays the remote audio (the headset volume and the selected speaker apply to it). */
  readonly audio = document.createElement('audio');
  private pc: RTCPeerConnection | null = null;
  private mic: MediaStream | null = null;
  private stationUrl: string | null = null;
  private pending: Promise<void> | null = null;
  private cancelWait: (() => void) | null = null;
  private counters: Counters = { sent: 0, lostRemote: 0, received: 0, lost: 0 };
  private meter: { ctx: AudioContext; analyser: AnalyserNode; data: Float32Array<ArrayBuffer> } | null = null;

  constructor(private readonly deps: SoftphoneDeps) {
    this.audio.autoplay = true;
    this.audio.dataset.testid = 'softphone-audio';
  }

  /** Connects the leg (once; a second call waits for the first). Throws the error to publish. */
  connect(): Promise<void> {
    if (this.state === 'connected') return Promise.resolve();
    this.pending ??= this.open().finally(() => (this.pending = null));
    return this.pending;
  }

  private set(state: LegState): void {
    if (this.state === state) return;
    this.state = state;
    this.deps.changed();
  }

  private async open(): Promise<void> {
    this.set('connecting');
    try {
      await this.negotiate();
    } catch (err) {
      this.release();
      const error = err instanceof ServiceError ? err : softphoneError('WEBRTC_ERROR', String(err));
      this.set(error.type === ABORTED ? 'off' : 'failed');
      throw error;
    }
  }

  /**
   * The selected microphone (`ideal`: else the default one). When its track ends during the leg
   * (unplugged, permission revoked) it is taken again and replaces the track the leg sends; if it
   * cannot be, the leg is lost, and reconnecting publishes why (MICROPHONE_NOT_SHARED, WEBRTC_ERROR).
   */
  private async microphone(): Promise<MediaStream> {
    const s = this.deps.settings();
    const processing = s.voiceProcessing;
    try {
      const mic = await navigator.mediaDevices.getUserMedia({
        audio: {
          ...(s.microphoneDeviceId ? { deviceId: { ideal: s.microphoneDeviceId } } : {}),
          echoCancellation: processing,
          noiseSuppression: processing,
          autoGainControl: processing,
        },
      });
      for (const t of mic.getTracks()) t.onended = () => void this.micEnded();
      return mic;
    } catch (err) {
      const name = (err as Error).name;
      const denied = name === 'NotAllowedError' || name === 'SecurityError';
      throw softphoneError(denied ? 'MICROPHONE_NOT_SHARED' : 'WEBRTC_ERROR', `microphone: ${name}`);
    }
  }

  private async micEnded(): Promise<void> {
    const pc = this.pc;
    if (!pc) return;
    const mic = await this.microphone().catch(() => null);
    if (pc !== this.pc) return stopTracks(mic);
    if (!mic) return this.lost();
    await pc.getSenders()[0]?.replaceTrack(mic.getTracks()[0] ?? null);
    this.dropMic();
    this.mic = mic;
  }

  private async negotiate(): Promise<void> {
    if (!webRtcSupported()) throw unsupportedBrowser();
    this.mic = await this.microphone();
    const pc = new RTCPeerConnection();
    this.pc = pc;
    this.counters = { sent: 0, lostRemote: 0, received: 0, lost: 0 };
    for (const track of this.mic.getAudioTracks()) pc.addTrack(track, this.mic);
    pc.ontrack = (e) => {
      this.audio.srcObject = e.streams[0] ?? new MediaStream([e.track]);
      this.applySettings();
      void this.audio.play().catch(() => undefined);
    };
    pc.onconnectionstatechange = () => {
      if (pc !== this.pc) return;
      if (pc.connectionState === 'connected') this.set('connected');
      else if (pc.connectionState === 'failed' || pc.connectionState === 'closed') this.lost();
    };
    await pc.setLocalDescription(await pc.createOffer());
    await iceGathered(pc);
    const base = this.deps.serviceUrl();
    const res = await fetch(`${base}/media/v1/station`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.deps.token() ?? ''}`, 'content-type': 'application/sdp' },
      body: pc.localDescription?.sdp ?? '',
    });
    if (res.status !== 201) {
      const body = (await res.json().catch(() => null)) as {
        code?: string;
        error?: { code?: string };
      } | null;
      throw softphoneError(
        'WEBRTC_ERROR',
        `the media service refused the leg: ${res.status} ${body?.error?.code ?? body?.code ?? ''}`,
      );
    }
    const location = res.headers.get('location') ?? '';
    const stationUrl = `${base}${location.slice(location.indexOf('/media/'))}`;
    if (pc !== this.pc) {
      // Hung up while the offer was on its way: the station just made goes too.
      this.stationUrl = stationUrl;
      throw new ServiceError(ABORTED, 'hung up while connecting');
    }
    this.stationUrl = stationUrl;
    await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(softphoneError('WEBRTC_ERROR', 'the audio did not connect')),
        CONNECT_MS,
      );
      const check = () => {
        if (pc.connectionState === 'connected') {
          clearTimeout(timer);
          resolve();
        } else if (pc.connectionState === 'failed') {
          clearTimeout(timer);
          reject(softphoneError('WEBRTC_ERROR', 'the audio connection failed'));
        }
      };
      // A hang-up while waiting (pc.close() fires no event) ends the wait.
      this.cancelWait = () => {
        clearTimeout(timer);
        reject(new ServiceError(ABORTED, 'hung up while connecting'));
      };
      pc.addEventListener('connectionstatechange', check);
      check();
    });
    this.cancelWait = null;
    this.set('connected');
  }

  /** Volume and speaker, after a settings change. */
  applySettings(): void {
    const s = this.deps.settings();
    this.audio.volume = s.volume;
    const sink = this.audio as HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };
    if (sink.setSinkId && s.speakerDeviceId) sink.setSinkId(s.speakerDeviceId).catch(() => undefined);
  }

  /**
   * The transport dropped (network, the service's media restarted: `failed` or `closed`) or the
   * microphone is gone: the leg is released; the owner reconnects.
   */
  private lost(): void {
    this.release();
    this.set('failed');
  }

  /** Hangs the leg up (on-demand mode after a call, logout). */
  hangup(): void {
    this.release();
    this.set('off');
  }

  private release(): void {
    this.cancelWait?.();
    this.cancelWait = null;
    const url = this.stationUrl;
    const token = this.deps.token();
    if (url && token)
      fetch(url, { method: 'DELETE', headers: { authorization: `Bearer ${token}` }, keepalive: true }).catch(
        () => undefined,
      );
    this.stationUrl = null;
    this.pc?.close();
    this.pc = null;
    this.dropMic();
    this.mic = null;
    this.audio.srcObject = null;
  }

  /** Stops the microphone and its level meter (a new one measures the next). */
  private dropMic(): void {
    stopTracks(this.mic);
    void this.meter?.ctx.close();
    this.meter = null;
  }

  /** The microphone's level, 0 to 1 (RMS), for the level meter. */
  level(): number {
    if (!this.mic || typeof AudioContext === 'undefined') return 0;
    if (!this.meter) {
      const ctx = new AudioContext();
      void ctx.resume();
      const analyser = ctx.createAnalyser();
      ctx.createMediaStreamSource(this.mic).connect(analyser);
      this.meter = { ctx, analyser, data: new Float32Array(analyser.fftSize) };
    }
    const { analyser, data } = this.meter;
    analyser.getFloatTimeDomainData(data);
    let sum = 0;
    for (const v of data) sum += v * v;
    return Math.min(1, Math.sqrt(sum / data.length) * 2);
  }

  /** Both directions' stats since the last call (null when not connected). */
  async stats(): Promise<{ input: StreamStats; output: StreamStats } | null> {
    if (!this.pc || this.state !== 'connected') return null;
    const report = await this.pc.getStats();
    const sample = sampleStats(report.values() as Iterable<never>, this.counters);
    this.counters = sample.counters;
    return sample;
  }
}
