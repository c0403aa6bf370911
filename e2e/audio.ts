/**
 * Audio in the e2e tests: tone files for Chromium's fake microphone (made with `sox` at test time) and
 * tone detection (Goertzel) on what a page's <audio> element receives, measured in the page with
 * WebAudio.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Frame, Page } from 'playwright-core';

/** A 16-bit mono WAV of a `hz` sine (Chromium loops it as the fake microphone's sound). */
export function toneWav(dir: string, hz: number): string {
  const file = path.join(dir, `tone-${hz}.wav`);
  execFileSync('sox', [
    '-n',
    '-r',
    '48000',
    '-c',
    '1',
    '-b',
    '16',
    file,
    'synth',
    '10',
    'sine',
    String(hz),
    'vol',
    '0.5',
  ]);
  return file;
}

export interface Heard {
  /** Root mean square of the samples (full scale 1). */
  rms: number;
  /** Per frequency: its share of the signal's energy (1 for a pure tone at that frequency). */
  share: Record<number, number>;
}

/**
 * Records `ms` of what `selector`'s <audio> element receives (its MediaStream) and measures each
 * frequency with the Goertzel algorithm over 20 ms blocks. Throws when the element plays no stream
 * (so that "hears nothing" can only mean a connected stream that carries silence).
 */
export async function listen(
  target: Page | Frame,
  selector: string,
  freqs: number[],
  ms = 1200,
): Promise<Heard> {
  return target.evaluate(
    async ({ selector, freqs, ms }) => {
      const el = document.querySelector(selector) as HTMLAudioElement | null;
      const stream = el?.srcObject;
      if (!(stream instanceof MediaStream)) throw new Error(`${selector} plays no MediaStream`);
      const ctx = new AudioContext();
      await ctx.resume();
      const source = ctx.createMediaStreamSource(stream);
      const proc = ctx.createScriptProcessor(4096, 1, 1);
      const chunks: Float32Array[] = [];
      proc.onaudioprocess = (e) => chunks.push(new Float32Array(e.inputBuffer.getChannelData(0)));
      const silent = ctx.createGain();
      silent.gain.value = 0;
      source.connect(proc);
      proc.connect(silent);
      silent.connect(ctx.destination);
      await new Promise((resolve) => setTimeout(resolve, ms));
      source.disconnect();
      proc.disconnect();
      const rate = ctx.sampleRate;
      await ctx.close();
      const x = new Float32Array(chunks.slice(1).reduce((n, c) => n + c.length, 0));
      let at = 0;
      for (const c of chunks.slice(1)) {
        x.set(c, at);
        at += c.length;
      }
      let energy = 0;
      for (const v of x) energy += v * v;
      const block = Math.round(rate / 50);
      const share: Record<number, number> = {};
      for (const hz of freqs) {
        const coeff = 2 * Math.cos((2 * Math.PI * hz) / rate);
        let power = 0;
        for (let start = 0; start + block <= x.length; start += block) {
          let s1 = 0;
          let s2 = 0;
          for (let i = start; i < start + block; i++) {
            const s0 = (x[i] as number) + coeff * s1 - s2;
            s2 = s1;
            s1 = s0;
          }
          power += (2 * (s1 * s1 + s2 * s2 - coeff * s1 * s2)) / block;
        }
        share[hz] = energy > 0 ? power / energy : 0;
      }
      return { rms: x.length ? Math.sqrt(energy / x.length) : 0, share };
    },
    { selector, freqs, ms },
  );
}

/** Whether `hz` is audible and dominant in what was heard. */
export function hears(heard: Heard, hz: number): boolean {
  return heard.rms > 0.005 && (heard.share[hz] ?? 0) > 0.5;
}

/** Whether `hz` is absent (silence, or less than 5 % of the energy). */
export function hearsNo(heard: Heard, hz: number): boolean {
  return heard.rms < 0.002 || (heard.share[hz] ?? 0) < 0.05;
}
