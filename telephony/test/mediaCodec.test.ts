/** The media plane's building blocks: G.711 µ-law, RTP and RFC 4733, the SDP check, WAV files. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decode, encode, encodeSample } from '../src/media/g711.ts';
import { MediaError } from '../src/media/mediaEngine.ts';
import { buildRtp, DtmfReceiver, dtmfSchedule, parseRtp, telephoneEvent } from '../src/media/rtp.ts';
import { checkOffer } from '../src/media/sdp.ts';
import { readWav, WavWriter } from '../src/media/wav.ts';
import { tone, toneShare } from './rtpPhone.ts';

describe('G.711 µ-law', () => {
  it('has the standard code points and round-trips within its quantization step', () => {
    expect(encodeSample(0)).toBe(0xff);
    expect(encodeSample(32767)).toBe(0x80);
    expect(encodeSample(-32768)).toBe(0x00);
    expect(decode(new Uint8Array([0xff, 0x80, 0x00]))).toEqual(new Int16Array([0, 32124, -32124]));
    for (let s = -32000; s <= 32000; s += 97) {
      const back = decode(new Uint8Array([encodeSample(s)]))[0]!;
      expect(Math.abs(back - s)).toBeLessThanOrEqual(Math.max(8, Math.abs(s) / 16));
    }
  });

  it('keeps a tone a tone, and clamps sums beyond 16 bits', () => {
    const t = tone(1000, 200);
    expect(toneShare(decode(encode(t)), 1000)).toBeGreaterThan(0.99);
    expect([...encode(new Int32Array([70000, -70000]))]).toEqual([0x80, 0x00]);
  });
});

describe('RTP and RFC 4733', () => {
  it('builds and parses packets, and refuses what is not RTP', () => {
    const p = buildRtp(
      { payloadType: 0, marker: true, sequence: 65535, timestamp: 2 ** 32 - 1, ssrc: 42 },
      Buffer.from([1, 2, 3]),
    );
    expect(parseRtp(p)).toEqual({
      payloadType: 0,
      marker: true,
      sequence: 65535,
      timestamp: 2 ** 32 - 1,
      ssrc: 42,
      payload: Buffer.from([1, 2, 3]),
    });
    expect(parseRtp(Buffer.alloc(5))).toBeNull();
    expect(parseRtp(Buffer.from([0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))).toBeNull();
  });

  it('reports each digit once, at its end, whatever the repeats', () => {
    const rx = new DtmfReceiver();
    const got: string[] = [];
    let ts = 1000;
    for (const digitFrames of dtmfSchedule('1#')) {
      for (const f of digitFrames)
        if (f) {
          const d = rx.push(ts, f);
          if (d) got.push(d);
        }
      ts += 2000;
    }
    expect(got).toEqual(['1', '#']);
    expect(rx.push(ts, telephoneEvent(5, false, 160))).toBeNull();
    expect(rx.push(ts, telephoneEvent(5, true, 800))).toBe('5');
    expect(rx.push(ts, Buffer.alloc(2))).toBeNull();
  });
});

describe('the SDP offer check', () => {
  const offer = [
    'v=0',
    'o=- 1 1 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=fingerprint:sha-256 00:11',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111 0 101',
    'a=ice-ufrag:abcd',
    'a=ice-pwd:abcdefghijklmnopqrstuvwx',
    'a=rtpmap:0 PCMU/8000',
    'a=candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host',
    '',
  ].join('\r\n');

  it('accepts a complete offer with PCMU', () => {
    expect(() => checkOffer(offer)).not.toThrow();
  });

  it.each([
    ['', 'empty'],
    ['hello', 'v=0'],
    ['v=0\r\nnot a line', 'x=value'],
    [offer.replace(/m=audio.*\r\n/, 'm=video 9 UDP/TLS/RTP/SAVPF 96\r\n'), 'no audio section'],
    [offer.replace('111 0 101', '111 101').replace('a=rtpmap:0 PCMU/8000\r\n', ''), 'PCMU'],
    [offer.replace(/a=ice-pwd:.*\r\n/, ''), 'ICE credentials'],
    [offer.replace(/a=fingerprint:.*\r\n/, ''), 'fingerprint'],
    [offer.replace(/a=candidate:.*\r\n/, ''), 'candidate'],
    ['v=0\r\n' + 'a=x\r\n'.repeat(20000), 'too large'],
  ])('refuses %#: %s', (sdp, why) => {
    let error: unknown;
    try {
      checkOffer(sdp);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(MediaError);
    expect((error as MediaError).code).toBe('INVALID_SDP');
    expect((error as MediaError).message).toContain(why);
  });
});

describe('WAV', () => {
  it('writes 8 kHz 16-bit mono that reads back, and continues an existing file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-wav-'));
    try {
      const file = path.join(dir, 'a.wav');
      const first = new WavWriter(file);
      first.write(tone(500, 20));
      for (let i = 0; i < 60; i++) first.write(tone(500, 20));
      expect(first.close()).toBe(1220);
      const again = new WavWriter(file);
      again.write(tone(500, 20));
      expect(again.close()).toBe(1240);
      const wav = readWav(fs.readFileSync(file));
      expect(wav.sampleRate).toBe(8000);
      expect(wav.samples.length).toBe(62 * 160);
      expect(() => readWav(Buffer.from('not a wav file at all, no, not at all.....'))).toThrow('not a WAV');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
