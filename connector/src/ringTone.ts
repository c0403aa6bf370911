/**
 * The ring tone, made with WebAudio (no audio file in the bundle): `classic` is North America's ring
 * (440 + 480 Hz, 2 s on, 4 s off), `chirp` the UK's (400 + 450 Hz, 0.4 s on, 0.2 s off, 0.4 s on,
 * 2 s off). It plays on the selected speaker where the browser can choose one (AudioContext.setSinkId).
 */
import type { RingTone } from './softphoneSettings.ts';

const PATTERNS: Record<Exclude<RingTone, 'off'>, { freqs: number[]; on: number[][]; period: number }> = {
  classic: { freqs: [440, 480], on: [[0, 2]], period: 6 },
  chirp: {
    freqs: [400, 450],
    on: [
      [0, 0.4],
      [0.6, 1],
    ],
    period: 3,
  },
};

export class Ringer {
  private ctx: AudioContext | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;

  get ringing(): boolean {
    return this.ctx !== null;
  }

  start(tone: RingTone, volume: number, sinkId: string): void {
    if (this.ctx || tone === 'off' || typeof AudioContext === 'undefined') return;
    const pattern = PATTERNS[tone];
    const ctx = new AudioContext();
    this.ctx = ctx;
    const sink = ctx as AudioContext & { setSinkId?: (id: string) => Promise<void> };
    if (sinkId && sink.setSinkId) sink.setSinkId(sinkId).catch(() => undefined);
    const gain = ctx.createGain();
    gain.gain.value = 0;
    gain.connect(ctx.destination);
    for (const f of pattern.freqs) {
      const osc = ctx.createOscillator();
      osc.frequency.value = f;
      osc.connect(gain);
      osc.start();
    }
    // Each period's on/off steps are scheduled on the audio clock, a period ahead.
    let next = ctx.currentTime + 0.05;
    const schedule = () => {
      for (const [from, to] of pattern.on) {
        gain.gain.setValueAtTime(0.2 * volume, next + (from as number));
        gain.gain.setValueAtTime(0, next + (to as number));
      }
      next += pattern.period;
    };
    schedule();
    this.timer = setInterval(schedule, pattern.period * 1000);
  }

  stop(): void {
    clearInterval(this.timer);
    void this.ctx?.close();
    this.ctx = null;
  }
}
