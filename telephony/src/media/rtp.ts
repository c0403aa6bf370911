/** RTP packets (RFC 3550, no CSRC or extensions written) and RFC 4733 telephone events. */

export const PT_PCMU = 0;
export const PT_TELEPHONE_EVENT = 101;

export interface RtpPacketView {
  payloadType: number;
  marker: boolean;
  sequence: number;
  timestamp: number;
  ssrc: number;
  payload: Buffer;
}

/** Parses an RTP packet; null when it is not one (too short, not version 2, truncated). */
export function parseRtp(buf: Buffer): RtpPacketView | null {
  if (buf.length < 12 || buf[0]! >> 6 !== 2) return null;
  const cc = buf[0]! & 0x0f;
  const hasExtension = (buf[0]! & 0x10) !== 0;
  const padding = (buf[0]! & 0x20) !== 0;
  let offset = 12 + cc * 4;
  if (hasExtension) {
    if (buf.length < offset + 4) return null;
    offset += 4 + buf.readUInt16BE(offset + 2) * 4;
  }
  let end = buf.length;
  if (padding) end -= buf[buf.length - 1]!;
  if (offset > end) return null;
  return {
    payloadType: buf[1]! & 0x7f,
    marker: (buf[1]! & 0x80) !== 0,
    sequence: buf.readUInt16BE(2),
    timestamp: buf.readUInt32BE(4),
    ssrc: buf.readUInt32BE(8),
    payload: buf.subarray(offset, end),
  };
}

export function buildRtp(p: Omit<RtpPacketView, 'payload'>, payload: Uint8Array): Buffer {
  const buf = Buffer.allocUnsafe(12 + payload.length);
  buf[0] = 0x80;
  buf[1] = (p.marker ? 0x80 : 0) | (p.payloadType & 0x7f);
  buf.writeUInt16BE(p.sequence & 0xffff, 2);
  buf.writeUInt32BE(p.timestamp >>> 0, 4);
  buf.writeUInt32BE(p.ssrc >>> 0, 8);
  buf.set(payload, 12);
  return buf;
}

const EVENTS = '0123456789*#ABCD';

export function digitToEvent(digit: string): number {
  const i = EVENTS.indexOf(digit.toUpperCase());
  if (i < 0) throw new Error(`not a DTMF digit: ${digit}`);
  return i;
}

export function eventToDigit(event: number): string | null {
  return EVENTS[event] ?? null;
}

/** An RFC 4733 telephone-event payload: event, end bit, volume (dBm0 below 0), duration in samples. */
export function telephoneEvent(event: number, end: boolean, durationSamples: number, volume = 10): Buffer {
  const buf = Buffer.alloc(4);
  buf[0] = event;
  buf[1] = (end ? 0x80 : 0) | (volume & 0x3f);
  buf.writeUInt16BE(Math.min(durationSamples, 0xffff), 2);
  return buf;
}

export function parseTelephoneEvent(
  payload: Buffer,
): { event: number; end: boolean; duration: number } | null {
  if (payload.length < 4) return null;
  return { event: payload[0]!, end: (payload[1]! & 0x80) !== 0, duration: payload.readUInt16BE(2) };
}

/**
 * Turns RFC 4733 packets into digits: one digit per event (identified by its RTP timestamp), reported
 * at its first end packet (the end packet is sent three times) or at its first packet if no end comes.
 */
export class DtmfReceiver {
  private lastTimestamp = -1;
  private reported = false;

  /** The digit this packet completes, if any. */
  push(timestamp: number, payload: Buffer): string | null {
    const ev = parseTelephoneEvent(payload);
    if (!ev) return null;
    if (timestamp !== this.lastTimestamp) {
      this.lastTimestamp = timestamp;
      this.reported = false;
    }
    if (!ev.end || this.reported) return null;
    this.reported = true;
    return eventToDigit(ev.event);
  }
}

/**
 * The packets of an RFC 4733 digit sequence, for a sender with a 20 ms clock: per digit, updates every
 * 20 ms for `toneMs`, three end packets, then `gapMs` of nothing before the next digit.
 */
export function dtmfSchedule(digits: string, toneMs = 100, gapMs = 60): Array<Array<Buffer | null>> {
  const frames: Array<Array<Buffer | null>> = [];
  for (const d of digits) {
    const event = digitToEvent(d);
    const steps = Math.max(1, Math.round(toneMs / 20));
    const digitFrames: Array<Buffer | null> = [];
    for (let i = 1; i <= steps; i++) digitFrames.push(telephoneEvent(event, false, i * 160));
    for (let i = 0; i < 3; i++) digitFrames.push(telephoneEvent(event, true, steps * 160));
    for (let i = 0; i < Math.round(gapMs / 20); i++) digitFrames.push(null);
    frames.push(digitFrames);
  }
  return frames;
}
