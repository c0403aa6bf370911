/**
 * The ring tone, made with WebAudio (no audio file in the bundle): `classic` is North America's ring
 * (440 + 480 Hz, 2 s on, 4 s off), `chirp` the UK's (400 + 450 Hz, 0.4 s on, 0.2 s off, 0.4 s on,
 * 2 s off). It plays through an <audio> element, at the headset volume, on the selected speaker
 * (setSinkId).
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
  readonly audio = document.createElement('audio');
  private ctx: AudioContext | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor() {
    this.audio.dataset.testid = 'softphone-ring';
  }

  start(tone: RingTone, volume: number, sinkId: string): void {
    if (this.ctx || tone === 'off' || typeof AudioContext === 'undefined') return;
    const pattern = PATTERNS[tone];
    const ctx = new AudioContext();
    this.ctx = ctx;
    const gain = ctx.createGain();
    gain.gain.value = 0;
    const out = ctx.createMediaStreamDestination();
    gain.connect(out);
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
        gain.gain.setValueAtTime(0.2, next + (from as number));
        gain.gain.setValueAtTime(0, next + (to as number));
      }
      next += pattern.period;
    };
    schedule();
    this.timer = setInterval(schedule, pattern.period * 1000);
    const audio = this.audio as HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };
    if (sinkId && audio.setSinkId) audio.setSinkId(sinkId).catch(() => undefined);
    audio.volume = volume;
    audio.srcObject = out.stream;
    void ctx.resume();
    void audio.play().catch(() => undefined);
  }

  stop(): void {
    clearInterval(this.timer);
    void this.ctx?.close();
    this.ctx = null;
    this.audio.srcObject = null;
  }
}
