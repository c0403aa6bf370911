/**
 * Test phones for the media tests and the bench: send a tone (or silence) as G.711 µ-law in 20 ms
 * frames, keep what they receive, send and receive RFC 4733 digits, and measure tones with the
 * Goertzel algorithm. Over plain RTP (a phone-network party) or WebRTC (werift: an agent's softphone).
 */
import dgram from 'node:dgram';
import { RTCPeerConnection, type RTCRtpTransceiver } from 'werift';
import { performance } from 'node:perf_hooks';
import { decode, encode, FRAME_SAMPLES, SAMPLE_RATE } from '../src/media/g711.ts';
import { telephonyCodecs } from '../src/media/webrtcLeg.ts';
import {
  buildRtp,
  DtmfReceiver,
  dtmfSchedule,
  parseRtp,
  PT_PCMU,
  PT_TELEPHONE_EVENT,
} from '../src/media/rtp.ts';

export interface Address {
  address: string;
  port: number;
}

/** The share of `samples`' energy at `hz` (1 for a pure tone, about 1/n for one of n equal tones). */
export function toneShare(samples: Int16Array, hz: number): number {
  const n = samples.length;
  if (n === 0) return 0;
  const k = (2 * Math.PI * hz) / SAMPLE_RATE;
  const coeff = 2 * Math.cos(k);
  let s1 = 0;
  let s2 = 0;
  let energy = 0;
  for (let i = 0; i < n; i++) {
    const x = samples[i]!;
    energy += x * x;
    const s0 = x + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  if (energy === 0) return 0;
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return (2 * power) / (n * energy);
}

/** Root mean square level of the samples (0 for digital silence). */
export function rms(samples: Int16Array): number {
  if (samples.length === 0) return 0;
  let e = 0;
  for (const x of samples) e += x * x;
  return Math.sqrt(e / samples.length);
}

export function tone(hz: number, ms: number, amplitude = 8000): Int16Array {
  const out = new Int16Array((ms * SAMPLE_RATE) / 1000);
  for (let i = 0; i < out.length; i++)
    out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / SAMPLE_RATE));
  return out;
}

const RECEIVED_LIMIT = SAMPLE_RATE * 60;

interface Transport {
  send(packet: Buffer, telephoneEvent: boolean): void;
  close(): Promise<void>;
}

export class RtpPhone {
  /** Decoded audio received, in arrival order (the last minute). */
  private received: Int16Array[] = [];
  private receivedSamples = 0;
  readonly digits: string[] = [];
  /** Per received audio packet: sequence number and arrival time (ms, performance clock). */
  readonly arrivals: Array<{ seq: number; at: number }> = [];
  keepArrivals = false;
  private sending = false;
  private timer: NodeJS.Timeout | undefined;
  private phase = 0;
  private seq = 0;
  private ts = 0;
  private readonly ssrc = Math.floor(Math.random() * 0x7fffffff);
  private readonly dtmf = new DtmfReceiver();
  private outgoingDigits: Array<Buffer | null> = [];
  private digitTs = 0;
  private inDigit = false;
  private frames = 0;
  /** The tone sent (Hz), or null for silence. */
  hz: number | null;
  /** Send times of frames by sequence number (for the bench's mouth-to-ear latency). */
  onSend: ((seq: number, at: number) => void) | null = null;

  private transport: Transport | null = null;
  /** Where a plain RTP phone receives. */
  address: Address = { address: '', port: 0 };

  private constructor(hz: number | null) {
    this.hz = hz;
  }

  /** A plain RTP phone; `start(remote)` begins sending. */
  static async open(hz: number | null): Promise<RtpPhone> {
    const phone = new RtpPhone(hz);
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    socket.on('message', (msg) => phone.onPacket(msg));
    const a = socket.address();
    phone.address = { address: a.address, port: a.port };
    let remote: Address | null = null;
    phone.transport = {
      send: (packet) => {
        if (remote) socket.send(packet, remote.port, remote.address);
      },
      close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
    };
    phone.connectTo = (r) => (remote = r);
    return phone;
  }

  /**
   * A WebRTC phone (werift): `offer` is the complete offer to POST; `answer(sdp)` applies the answer
   * and starts sending once connected.
   */
  static async webrtc(
    hz: number | null,
  ): Promise<{ phone: RtpPhone; offer: string; answer(sdp: string): Promise<void> }> {
    const phone = new RtpPhone(hz);
    const pc = new RTCPeerConnection({
      codecs: telephonyCodecs(),
      iceAdditionalHostAddresses: ['127.0.0.1'],
    });
    const transceiver: RTCRtpTransceiver = pc.addTransceiver('audio', { direction: 'sendrecv' });
    transceiver.onTrack.subscribe((track) =>
      track.onReceiveRtp.subscribe((rtp) => phone.onPacket(rtp.serialize())),
    );
    await pc.setLocalDescription(await pc.createOffer());
    const deadline = Date.now() + 3000;
    while (pc.iceGatheringState !== 'complete' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    let connected = false;
    phone.transport = {
      send: (packet, telephoneEvent) => {
        const sender = transceiver.sender;
        if (!connected || !sender.codec) return;
        const audio = sender.codec;
        if (telephoneEvent) {
          const ev = transceiver.codecs.find((c) => /telephone-event/i.test(c.mimeType));
          if (!ev) return;
          sender.codec = ev;
        }
        try {
          void sender.sendRtp(packet).catch(() => undefined);
        } finally {
          sender.codec = audio;
        }
      },
      close: () => pc.close(),
    };
    phone.peer = pc;
    return {
      phone,
      offer: pc.localDescription?.sdp ?? '',
      answer: async (sdp) => {
        await pc.setRemoteDescription({ type: 'answer', sdp });
        const until = Date.now() + 10_000;
        while (pc.connectionState !== 'connected' && Date.now() < until)
          await new Promise((r) => setTimeout(r, 20));
        if (pc.connectionState !== 'connected')
          throw new Error(`WebRTC did not connect: ${pc.connectionState}`);
        connected = true;
        phone.startSending();
      },
    };
  }

  /** The WebRTC peer of a WebRTC phone. */
  peer: RTCPeerConnection | null = null;
  private connectTo: (remote: Address) => void = () => undefined;

  /** Starts sending to `remote` every 20 ms (a plain RTP phone). */
  start(remote: Address): void {
    this.connectTo(remote);
    this.startSending();
  }

  private startSending(): void {
    this.sending = true;
    const t0 = performance.now();
    const loop = () => {
      const now = performance.now();
      while (t0 + this.frames * 20 <= now) {
        this.sendFrame();
        this.frames++;
      }
      this.timer = setTimeout(loop, Math.max(0, t0 + this.frames * 20 - performance.now()));
    };
    loop();
  }

  private sendFrame(): void {
    if (!this.sending || !this.transport) return;
    const ts = this.ts;
    this.ts = (this.ts + FRAME_SAMPLES) >>> 0;
    const ev = this.outgoingDigits.shift();
    if (ev) {
      if (!this.inDigit) {
        this.inDigit = true;
        this.digitTs = ts;
      }
      const pkt = buildRtp(
        {
          payloadType: PT_TELEPHONE_EVENT,
          marker: false,
          sequence: this.seq++ & 0xffff,
          timestamp: this.digitTs,
          ssrc: this.ssrc,
        },
        ev,
      );
      this.transport.send(pkt, true);
      return;
    }
    if (ev === null) this.inDigit = false;
    const pcm = new Int16Array(FRAME_SAMPLES);
    if (this.hz !== null) {
      const step = (2 * Math.PI * this.hz) / SAMPLE_RATE;
      for (let i = 0; i < FRAME_SAMPLES; i++) {
        pcm[i] = Math.round(8000 * Math.sin(this.phase));
        this.phase += step;
      }
      this.phase %= 2 * Math.PI;
    }
    const seq = this.seq++ & 0xffff;
    this.onSend?.(seq, performance.now());
    const pkt = buildRtp(
      { payloadType: PT_PCMU, marker: false, sequence: seq, timestamp: ts, ssrc: this.ssrc },
      encode(pcm),
    );
    this.transport.send(pkt, false);
  }

  private onPacket(msg: Buffer): void {
    const rtp = parseRtp(msg);
    if (!rtp) return;
    if (rtp.payloadType === PT_TELEPHONE_EVENT) {
      const d = this.dtmf.push(rtp.timestamp, rtp.payload);
      if (d) this.digits.push(d);
      return;
    }
    if (rtp.payloadType !== PT_PCMU) return;
    if (this.keepArrivals) this.arrivals.push({ seq: rtp.sequence, at: performance.now() });
    const pcm = decode(rtp.payload);
    this.received.push(pcm);
    this.receivedSamples += pcm.length;
    while (this.receivedSamples > RECEIVED_LIMIT) this.receivedSamples -= this.received.shift()!.length;
  }

  sendDigits(digits: string): void {
    for (const d of dtmfSchedule(digits)) this.outgoingDigits.push(...d);
  }

  /** The last `ms` of received audio. */
  lastAudio(ms: number): Int16Array {
    const want = Math.min(this.receivedSamples, (ms * SAMPLE_RATE) / 1000);
    const out = new Int16Array(want);
    let at = want;
    for (let i = this.received.length - 1; i >= 0 && at > 0; i--) {
      const chunk = this.received[i]!;
      const n = Math.min(at, chunk.length);
      out.set(chunk.subarray(chunk.length - n), at - n);
      at -= n;
    }
    return out;
  }

  /** Whether the last 400 ms carry `hz` as at least `share` of their energy, and audibly. */
  hears(hz: number, share = 0.3): boolean {
    const audio = this.lastAudio(400);
    return audio.length >= 3200 && rms(audio) > 300 && toneShare(audio, hz) >= share;
  }

  /** Whether the last 400 ms are free of `hz` (less than 2 % of the energy, or quiet). */
  hearsNo(hz: number): boolean {
    const audio = this.lastAudio(400);
    return audio.length >= 3200 && (rms(audio) < 100 || toneShare(audio, hz) < 0.02);
  }

  get receivedFrames(): number {
    return this.received.length;
  }

  /** Stops sending (the socket stays open and keeps receiving): a phone gone silent. */
  stopSending(): void {
    this.sending = false;
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.sending = false;
    await this.transport?.close();
    this.transport = null;
  }
}
