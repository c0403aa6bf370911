/**
 * What every leg does in the mixer's clock, whatever its transport: incoming audio buffered for the
 * next tick (a small jitter buffer), outgoing 20 ms PCMU frames with RFC 4733 digits in between, and
 * incoming digits recognized. Transports (rtpLeg.ts, webrtcLeg.ts) only move packets.
 */
import { randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { decode, encode, FRAME_SAMPLES } from './g711.ts';
import { buildRtp, DtmfReceiver, dtmfSchedule, parseRtp, PT_PCMU, PT_TELEPHONE_EVENT } from './rtp.ts';

/** At most this much audio waits for the mixer; older samples are dropped (bounded delay). */
const MAX_BUFFERED_SAMPLES = FRAME_SAMPLES * 6;
/**
 * A buffer that keeps more than two frames waiting for half a second (a burst left it deeper than
 * the clocks need) drops a frame: the delay shrinks back after jitter instead of staying.
 */
const SHRINK_AFTER_TICKS = 25;

export interface LegCallbacks {
  digit(legId: string, digit: string): void;
  closed(legId: string, reason: 'ice-timeout' | 'transport-closed' | 'rtp-timeout'): void;
}

export abstract class Leg {
  private readonly chunks: Int16Array[] = [];
  private buffered = 0;
  private readOffset = 0;
  private sequence = randomInt(0, 0x10000);
  private timestamp = randomInt(0, 0x7fffffff);
  private readonly ssrc = randomInt(1, 0x7fffffff);
  private readonly outgoingDigits: Array<Buffer | null> = [];
  private digitTimestamp = 0;
  private digitStarted = false;
  private readonly dtmf = new DtmfReceiver();
  private readonly encoded = Buffer.alloc(FRAME_SAMPLES);
  private deepTicks = 0;
  /** Frames received and sent, for the counts and the bench. */
  received = 0;
  sent = 0;
  /** When the last packet arrived (ms, monotonic). */
  lastReceivedAt = performance.now();

  protected constructor(
    readonly id: string,
    protected readonly callbacks: LegCallbacks,
  ) {}

  /** Handles one incoming RTP packet (PCMU audio or a telephone event). */
  protected receive(packet: Buffer): void {
    const rtp = parseRtp(packet);
    if (rtp) this.receiveRtp(rtp.payloadType, rtp.timestamp, rtp.payload);
  }

  /** Handles one incoming RTP payload (after a transport parsed the packet). */
  protected receiveRtp(payloadType: number, timestamp: number, payload: Buffer): void {
    this.lastReceivedAt = performance.now();
    if (payloadType === PT_TELEPHONE_EVENT) {
      const digit = this.dtmf.push(timestamp, payload);
      if (digit) this.callbacks.digit(this.id, digit);
      return;
    }
    if (payloadType !== PT_PCMU || payload.length === 0) return;
    this.received++;
    this.chunks.push(decode(payload));
    this.buffered += payload.length;
    while (this.buffered > MAX_BUFFERED_SAMPLES) this.dropOldest();
  }

  private dropOldest(): void {
    const first = this.chunks.shift();
    if (!first) return;
    this.buffered -= first.length - this.readOffset;
    this.readOffset = 0;
  }

  /** The next 20 ms of what this leg said into `out`; false when nothing arrived (silence). */
  pull(out: Int16Array): boolean {
    if (this.buffered < FRAME_SAMPLES) {
      this.deepTicks = 0;
      return false;
    }
    this.deepTicks = this.buffered > 2 * FRAME_SAMPLES ? this.deepTicks + 1 : 0;
    if (this.deepTicks >= SHRINK_AFTER_TICKS) {
      this.deepTicks = 0;
      this.take(out);
    }
    this.take(out);
    return true;
  }

  private take(out: Int16Array): void {
    let filled = 0;
    while (filled < FRAME_SAMPLES) {
      const chunk = this.chunks[0] as Int16Array;
      const n = Math.min(FRAME_SAMPLES - filled, chunk.length - this.readOffset);
      out.set(chunk.subarray(this.readOffset, this.readOffset + n), filled);
      filled += n;
      this.readOffset += n;
      if (this.readOffset === chunk.length) {
        this.chunks.shift();
        this.readOffset = 0;
      }
    }
    this.buffered -= FRAME_SAMPLES;
  }

  /** Sends the tick's frame (or a digit event in its place). */
  push(frame: Int16Array | null): void {
    const ts = this.timestamp;
    this.timestamp = (this.timestamp + FRAME_SAMPLES) >>> 0;
    this.sent++;
    const event = this.outgoingDigits.length > 0 ? this.outgoingDigits.shift() : undefined;
    if (event) {
      if (!this.digitStarted) {
        this.digitStarted = true;
        this.digitTimestamp = ts;
      }
      const end = (event[1] as number) & 0x80;
      this.transmit(
        buildRtp(
          {
            payloadType: PT_TELEPHONE_EVENT,
            marker: event.readUInt16BE(2) === 160 && !end,
            sequence: this.sequence++ & 0xffff,
            timestamp: this.digitTimestamp,
            ssrc: this.ssrc,
          },
          event,
        ),
        true,
      );
      return;
    }
    if (event === null) this.digitStarted = false;
    if (frame) encode(frame, this.encoded);
    else this.encoded.fill(0xff);
    this.transmit(
      buildRtp(
        {
          payloadType: PT_PCMU,
          marker: false,
          sequence: this.sequence++ & 0xffff,
          timestamp: ts,
          ssrc: this.ssrc,
        },
        this.encoded,
      ),
      false,
    );
  }

  queueDigits(digits: string): void {
    for (const d of dtmfSchedule(digits)) this.outgoingDigits.push(...d);
  }

  protected abstract transmit(packet: Buffer, telephoneEvent: boolean): void;
  abstract close(): Promise<void>;
}
