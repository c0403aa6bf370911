/**
 * The prompts the media plane plays, generated in code at start (no audio files shipped): queue music
 * and hold music (soft note sequences that loop) and the voicemail greeting (a short chime and a beep,
 * played once; recording starts after it). 16-bit linear PCM at 8 kHz.
 */
import { SAMPLE_RATE } from './g711.ts';

export type PromptName = 'queue' | 'hold' | 'greeting';

/** Notes in Hz with their lengths in ms; 0 Hz is a rest. */
type Note = [hz: number, ms: number];

const C5 = 523.25;
const E5 = 659.25;
const G5 = 783.99;
const A4 = 440;
const F4 = 349.23;
const D5 = 587.33;

const MELODIES: Record<PromptName, Note[]> = {
  // An arpeggio in C major, then a rest: "you are in a queue".
  queue: [
    [C5, 300],
    [E5, 300],
    [G5, 300],
    [E5, 300],
    [0, 400],
  ],
  // A slower figure in F major: "you are on hold".
  hold: [
    [F4, 500],
    [A4, 500],
    [C5, 500],
    [A4, 500],
    [0, 500],
  ],
  // A falling chime, a pause, and the beep after which the caller speaks.
  greeting: [
    [G5, 250],
    [E5, 250],
    [C5, 400],
    [0, 400],
    [D5 * 2, 400],
    [0, 200],
  ],
};

/** A note with a soft attack and release, two harmonics, at about -14 dBFS. */
function renderNote(out: Int16Array, at: number, hz: number, samples: number): void {
  if (hz === 0) return;
  const ramp = Math.min(160, samples >> 2);
  for (let i = 0; i < samples; i++) {
    const env = Math.min(1, i / ramp, (samples - i) / ramp);
    const t = i / SAMPLE_RATE;
    const v = Math.sin(2 * Math.PI * hz * t) + 0.25 * Math.sin(4 * Math.PI * hz * t);
    out[at + i] = Math.round(v * env * 5200);
  }
}

function render(notes: Note[]): Int16Array {
  const lengths = notes.map(([, ms]) => (ms * SAMPLE_RATE) / 1000);
  const out = new Int16Array(lengths.reduce((a, b) => a + b, 0));
  let at = 0;
  notes.forEach(([hz], i) => {
    renderNote(out, at, hz, lengths[i] as number);
    at += lengths[i] as number;
  });
  return out;
}

export const PROMPTS: Record<PromptName, Int16Array> = {
  queue: render(MELODIES.queue),
  hold: render(MELODIES.hold),
  greeting: render(MELODIES.greeting),
};

/** Looping prompts start over at their end; the greeting is played once. */
export const LOOPS: Record<PromptName, boolean> = { queue: true, hold: true, greeting: false };
