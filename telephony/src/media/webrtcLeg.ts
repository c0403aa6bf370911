/**
 * A WebRTC leg (a browser: the agent's softphone or the simulator's phone) on werift: complete offer
 * in, complete answer out (non-trickle ICE), PCMU plus telephone-event, released when ICE/DTLS does
 * not connect in time or the transport closes.
 */
import { RTCPeerConnection, RTCRtpCodecParameters, type RTCRtpTransceiver, type RtpPacket } from 'werift';
import { performance } from 'node:perf_hooks';
import { MediaError } from './mediaEngine.ts';
import { Leg, type LegCallbacks } from './legStream.ts';
import { PT_PCMU, PT_TELEPHONE_EVENT } from './rtp.ts';

export interface WebRtcOptions {
  /** A leg that has not connected by then is released (ms). */
  connectTimeoutMs: number;
  /** Extra host addresses to gather candidates on (werift skips loopback otherwise). */
  hostAddresses: string[];
}

const GATHER_TIMEOUT_MS = 3000;
const DISCONNECTED_GRACE_MS = 5000;
/**
 * A browser sends an audio packet every 20 ms, silence included (PCMU has no DTX): a connected leg
 * that sent nothing for this long is gone (closed tab, lost network) even if no close reached us.
 */
const SILENT_PEER_MS = 5000;

/** The codecs a telephony WebRTC peer offers: G.711 µ-law and RFC 4733 events, both at 8 kHz. */
export function telephonyCodecs() {
  return {
    audio: [
      new RTCRtpCodecParameters({
        mimeType: 'audio/PCMU',
        clockRate: 8000,
        channels: 1,
        payloadType: PT_PCMU,
      }),
      new RTCRtpCodecParameters({
        mimeType: 'audio/telephone-event',
        clockRate: 8000,
        channels: 1,
        payloadType: PT_TELEPHONE_EVENT,
      }),
    ],
  };
}

export class WebRtcLeg extends Leg {
  private closing = false;
  private connected = false;
  private timer: NodeJS.Timeout | undefined;
  private liveness: NodeJS.Timeout | undefined;
  private transceiver: RTCRtpTransceiver | undefined;
  private eventCodec: RTCRtpCodecParameters | undefined;

  private constructor(
    id: string,
    callbacks: LegCallbacks,
    private readonly pc: RTCPeerConnection,
  ) {
    super(id, callbacks);
  }

  /** Answers `offer`; throws INVALID_SDP (and holds nothing) when it cannot be negotiated. */
  static async answer(
    id: string,
    callbacks: LegCallbacks,
    offer: string,
    options: WebRtcOptions,
  ): Promise<{ leg: WebRtcLeg; answerSdp: string }> {
    const pc = new RTCPeerConnection({
      codecs: telephonyCodecs(),
      iceAdditionalHostAddresses: options.hostAddresses,
    });
    const leg = new WebRtcLeg(id, callbacks, pc);
    try {
      await leg.negotiate(offer);
      await waitForGathering(pc);
      const answerSdp = pc.localDescription?.sdp ?? '';
      if (!/^m=audio [1-9]/m.test(answerSdp) || !/a=rtpmap:0 PCMU\/8000/i.test(answerSdp))
        throw new MediaError(
          'INVALID_SDP',
          'invalid SDP offer: no audio section with PCMU could be answered',
        );
      leg.watch(options.connectTimeoutMs);
      return { leg, answerSdp };
    } catch (err) {
      leg.closing = true;
      await pc.close().catch(() => undefined);
      if (err instanceof MediaError) throw err;
      throw new MediaError('INVALID_SDP', `invalid SDP offer: ${(err as Error).message}`);
    }
  }

  private async negotiate(offer: string): Promise<void> {
    this.pc.onTransceiverAdded.subscribe((t) => this.adopt(t));
    await this.pc.setRemoteDescription({ type: 'offer', sdp: offer });
    const audio = this.pc.getTransceivers().find((t) => t.kind === 'audio');
    if (!audio) throw new MediaError('INVALID_SDP', 'invalid SDP offer: no audio section');
    this.adopt(audio);
    await this.pc.setLocalDescription(await this.pc.createAnswer());
  }

  private adopt(t: RTCRtpTransceiver): void {
    if (this.transceiver || t.kind !== 'audio') return;
    this.transceiver = t;
    t.setDirection('sendrecv');
    t.onTrack.subscribe((track) => {
      track.onReceiveRtp.subscribe((rtp: RtpPacket) =>
        this.receiveRtp(rtp.header.payloadType, rtp.header.timestamp, rtp.payload),
      );
    });
  }

  private watch(connectTimeoutMs: number): void {
    this.timer = setTimeout(() => {
      if (!this.connected) void this.fail('ice-timeout');
    }, connectTimeoutMs);
    this.pc.connectionStateChange.subscribe((state) => {
      if (state === 'connected') {
        this.connected = true;
        clearTimeout(this.timer);
        this.lastReceivedAt = performance.now();
        clearInterval(this.liveness);
        this.liveness = setInterval(() => {
          if (performance.now() - this.lastReceivedAt > SILENT_PEER_MS) void this.fail('transport-closed');
        }, 1000);
        this.eventCodec = this.transceiver?.codecs.find((c) => /telephone-event/i.test(c.mimeType));
      } else if (state === 'failed' || state === 'closed') {
        void this.fail('transport-closed');
      } else if (state === 'disconnected') {
        clearTimeout(this.timer);
        this.timer = setTimeout(() => {
          if (this.pc.connectionState !== 'connected') void this.fail('transport-closed');
        }, DISCONNECTED_GRACE_MS);
      }
    });
  }

  private async fail(reason: 'ice-timeout' | 'transport-closed'): Promise<void> {
    if (this.closing) return;
    await this.close();
    this.callbacks.closed(this.id, reason);
  }

  protected transmit(packet: Buffer, telephoneEvent: boolean): void {
    const sender = this.transceiver?.sender;
    if (!this.connected || !sender?.codec) return;
    // werift stamps every packet with the sender's negotiated codec: for an RFC 4733 event the
    // telephone-event codec stands in while the packet's header is written (synchronously).
    const audioCodec = sender.codec;
    if (telephoneEvent) {
      if (!this.eventCodec) return;
      sender.codec = this.eventCodec;
    }
    try {
      void sender.sendRtp(packet).catch(() => undefined);
    } finally {
      sender.codec = audioCodec;
    }
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearTimeout(this.timer);
    clearInterval(this.liveness);
    await this.pc.close().catch(() => undefined);
  }
}

async function waitForGathering(pc: RTCPeerConnection): Promise<void> {
  const deadline = Date.now() + GATHER_TIMEOUT_MS;
  while (pc.iceGatheringState !== 'complete' && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 10));
}
