/** G.711 µ-law (PCMU, ITU-T G.711): 8 kHz, one byte per sample, 160 bytes per 20 ms frame. */

export const SAMPLE_RATE = 8000;
export const FRAME_MS = 20;
export const FRAME_SAMPLES = (SAMPLE_RATE * FRAME_MS) / 1000;

const BIAS = 0x84;
const CLIP = 32635;

function decodeByte(byte: number): number {
  const u = ~byte & 0xff;
  const sign = u & 0x80;
  const exponent = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  const magnitude = (((mantissa << 3) + BIAS) << exponent) - BIAS;
  return sign ? -magnitude : magnitude;
}

const DECODE = new Int16Array(256);
for (let i = 0; i < 256; i++) DECODE[i] = decodeByte(i);

/** The µ-law byte of a 16-bit linear sample. */
export function encodeSample(sample: number): number {
  let s = sample;
  const sign = s < 0 ? 0x80 : 0;
  if (sign) s = -s;
  if (s > CLIP) s = CLIP;
  s += BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** 14-bit index → µ-law byte: encoding by table lookup (samples are clamped to ±32767 first). */
const ENCODE = new Uint8Array(65536);
for (let i = 0; i < 65536; i++) ENCODE[i] = encodeSample(i - 32768);

export function decode(payload: Uint8Array, out: Int16Array = new Int16Array(payload.length)): Int16Array {
  for (let i = 0; i < payload.length; i++) out[i] = DECODE[payload[i] as number] as number;
  return out;
}

export function encode(samples: Int16Array | Int32Array, out: Buffer = Buffer.alloc(samples.length)): Buffer {
  for (let i = 0; i < samples.length; i++) {
    let s = samples[i] as number;
    if (s > 32767) s = 32767;
    else if (s < -32768) s = -32768;
    out[i] = ENCODE[s + 32768] as number;
  }
  return out;
}

/** The µ-law byte of silence. */
export const SILENCE_BYTE = 0xff;
