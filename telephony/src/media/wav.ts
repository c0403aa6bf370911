/** WAV files (RIFF, PCM 16-bit mono 8 kHz): a streaming writer for recordings and a reader for tests. */
import fs from 'node:fs';
import { SAMPLE_RATE } from './g711.ts';

function header(dataBytes: number): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(SAMPLE_RATE, 24);
  h.writeUInt32LE(SAMPLE_RATE * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

/**
 * Appends 16-bit frames to a WAV file, buffering about a second; the header is right after `close`.
 * An existing file is continued (a recording whose writer was lost with a crashed media worker).
 */
export class WavWriter {
  private readonly fd: number;
  private dataBytes = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(readonly file: string) {
    const size = fs.existsSync(file) ? fs.statSync(file).size : 0;
    if (size >= 44) {
      this.fd = fs.openSync(file, 'r+');
      this.dataBytes = (size - 44) & ~1;
    } else {
      this.fd = fs.openSync(file, 'w');
      fs.writeSync(this.fd, header(0));
    }
  }

  get durationMs(): number {
    return ((this.dataBytes + this.pendingBytes) / 2 / SAMPLE_RATE) * 1000;
  }

  write(samples: Int16Array): void {
    const buf = Buffer.allocUnsafe(samples.length * 2);
    for (let i = 0; i < samples.length; i++) buf.writeInt16LE(samples[i] as number, i * 2);
    this.pending.push(buf);
    this.pendingBytes += buf.length;
    if (this.pendingBytes >= SAMPLE_RATE * 2) this.flush();
  }

  private flush(): void {
    if (this.pendingBytes === 0) return;
    fs.writeSync(this.fd, Buffer.concat(this.pending), 0, this.pendingBytes, 44 + this.dataBytes);
    this.dataBytes += this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** Writes what is buffered and the final header; returns the duration in ms. */
  close(): number {
    this.flush();
    fs.writeSync(this.fd, header(this.dataBytes), 0, 44, 0);
    fs.closeSync(this.fd);
    return (this.dataBytes / 2 / SAMPLE_RATE) * 1000;
  }
}

/** The samples of a 16-bit mono PCM WAV (the layout `WavWriter` writes), with its sample rate. */
export function readWav(buf: Buffer): { sampleRate: number; samples: Int16Array } {
  if (buf.length < 44 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE')
    throw new Error('not a WAV file');
  let offset = 12;
  let sampleRate = 0;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    if (id === 'fmt ') {
      if (buf.readUInt16LE(offset + 8) !== 1 || buf.readUInt16LE(offset + 22) !== 16)
        throw new Error('not 16-bit PCM');
      sampleRate = buf.readUInt32LE(offset + 12);
    }
    if (id === 'data') {
      const data = buf.subarray(offset + 8, offset + 8 + size);
      const samples = new Int16Array(data.length >> 1);
      for (let i = 0; i < samples.length; i++) samples[i] = data.readInt16LE(i * 2);
      return { sampleRate, samples };
    }
    offset += 8 + size + (size & 1);
  }
  throw new Error('WAV without data');
}
