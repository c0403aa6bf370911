/**
 * The mixer: every 20 ms tick it takes one frame from each leg, and sends each leg what its
 * conversation says it hears (the sum of the heard legs but itself, a prompt, or silence); it writes
 * the sum of the heard legs to the conversation's recording while that is active.
 */
import path from 'node:path';
import { FRAME_SAMPLES } from './g711.ts';
import type { ConversationSpec, FinishedRecording, LegHearing, MediaCounts } from './mediaEngine.ts';
import type { Leg } from './legStream.ts';
import { LOOPS, PROMPTS, type PromptName } from './prompts.ts';
import { WavWriter } from './wav.ts';

interface Member {
  hears: LegHearing;
  heard: boolean;
  promptAt: number;
  promptDone: boolean;
}

interface Conversation {
  members: Map<string, Member>;
  recording: { key: string; active: boolean } | null;
  writer: WavWriter | null;
  writerKey: string | null;
}

interface Slot {
  leg: Leg;
  frame: Int16Array;
  has: boolean;
  conversation: string | null;
}

function sameHearing(a: LegHearing, b: LegHearing): boolean {
  return a.kind === b.kind && (a.kind !== 'prompt' || b.kind !== 'prompt' || a.prompt === b.prompt);
}

export class Mixer {
  private readonly slots = new Map<string, Slot>();
  private readonly conversations = new Map<string, Conversation>();
  private readonly sum = new Int32Array(FRAME_SAMPLES);
  private readonly out = new Int16Array(FRAME_SAMPLES);
  private readonly record = new Int16Array(FRAME_SAMPLES);

  constructor(
    private readonly spoolDir: string,
    private readonly promptFinished: (legId: string, prompt: PromptName) => void,
  ) {}

  addLeg(leg: Leg): void {
    this.slots.set(leg.id, { leg, frame: new Int16Array(FRAME_SAMPLES), has: false, conversation: null });
  }

  hasLeg(legId: string): boolean {
    return this.slots.has(legId);
  }

  legIds(): string[] {
    return [...this.slots.keys()];
  }

  leg(legId: string): Leg | undefined {
    return this.slots.get(legId)?.leg;
  }

  /** Takes a leg out of the mixer (and its conversation); the caller closes it. */
  removeLeg(legId: string): Leg | undefined {
    const slot = this.slots.get(legId);
    if (!slot) return undefined;
    if (slot.conversation) this.conversations.get(slot.conversation)?.members.delete(legId);
    this.slots.delete(legId);
    return slot.leg;
  }

  setConversation(id: string, spec: ConversationSpec): void {
    let conv = this.conversations.get(id);
    if (!conv) {
      conv = { members: new Map(), recording: null, writer: null, writerKey: null };
      this.conversations.set(id, conv);
    }
    const wanted = new Set(spec.legs.map((l) => l.legId).filter((legId) => this.slots.has(legId)));
    for (const legId of conv.members.keys()) {
      if (!wanted.has(legId)) {
        conv.members.delete(legId);
        const slot = this.slots.get(legId);
        if (slot?.conversation === id) slot.conversation = null;
      }
    }
    for (const l of spec.legs) {
      const slot = this.slots.get(l.legId);
      if (!slot) continue;
      if (slot.conversation && slot.conversation !== id)
        this.conversations.get(slot.conversation)?.members.delete(l.legId);
      slot.conversation = id;
      const before = conv.members.get(l.legId);
      if (before && sameHearing(before.hears, l.hears)) before.heard = l.heard;
      else conv.members.set(l.legId, { hears: l.hears, heard: l.heard, promptAt: 0, promptDone: false });
    }
    if (spec.recording && conv.writer && conv.writerKey !== spec.recording.key) {
      conv.writer.close();
      conv.writer = null;
    }
    conv.recording = spec.recording;
  }

  endConversation(id: string): FinishedRecording | null {
    const conv = this.conversations.get(id);
    if (!conv) return null;
    for (const legId of conv.members.keys()) {
      const slot = this.slots.get(legId);
      if (slot?.conversation === id) slot.conversation = null;
    }
    this.conversations.delete(id);
    if (!conv.writer || !conv.writerKey) return null;
    const durationMs = conv.writer.close();
    return { key: conv.writerKey, file: conv.writer.file, durationMs };
  }

  counts(): MediaCounts {
    let recordings = 0;
    for (const c of this.conversations.values()) if (c.writer) recordings++;
    return { legs: this.slots.size, conversations: this.conversations.size, recordings };
  }

  /** Closes every recording (the worker is stopping). */
  closeAll(): void {
    for (const id of [...this.conversations.keys()]) this.endConversation(id);
  }

  tick(): void {
    for (const slot of this.slots.values()) slot.has = slot.leg.pull(slot.frame);
    for (const [id, conv] of this.conversations) this.mixConversation(id, conv);
    for (const slot of this.slots.values()) if (!slot.conversation) slot.leg.push(null);
  }

  private mixConversation(_id: string, conv: Conversation): void {
    const sum = this.sum;
    sum.fill(0);
    for (const [legId, m] of conv.members) {
      if (!m.heard) continue;
      const slot = this.slots.get(legId);
      if (!slot?.has) continue;
      for (let i = 0; i < FRAME_SAMPLES; i++) sum[i]! += slot.frame[i]!;
    }
    for (const [legId, m] of conv.members) {
      const slot = this.slots.get(legId) as Slot;
      switch (m.hears.kind) {
        case 'silence':
          slot.leg.push(null);
          break;
        case 'prompt':
          slot.leg.push(this.promptFrame(legId, m, m.hears.prompt));
          break;
        case 'mix': {
          const own = m.heard && slot.has ? slot.frame : null;
          for (let i = 0; i < FRAME_SAMPLES; i++) {
            const v = sum[i]! - (own ? own[i]! : 0);
            this.out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
          }
          slot.leg.push(this.out);
          break;
        }
      }
    }
    if (conv.recording?.active) {
      if (!conv.writer) {
        conv.writer = new WavWriter(path.join(this.spoolDir, `${conv.recording.key}.wav`));
        conv.writerKey = conv.recording.key;
      }
      for (let i = 0; i < FRAME_SAMPLES; i++) {
        const v = sum[i]!;
        this.record[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
      }
      conv.writer.write(this.record);
    }
  }

  private promptFrame(legId: string, m: Member, name: PromptName): Int16Array | null {
    if (m.promptDone) return null;
    const pcm = PROMPTS[name];
    if (m.promptAt + FRAME_SAMPLES > pcm.length) {
      if (!LOOPS[name]) {
        m.promptDone = true;
        this.promptFinished(legId, name);
        return null;
      }
      m.promptAt = 0;
    }
    const frame = pcm.subarray(m.promptAt, m.promptAt + FRAME_SAMPLES);
    m.promptAt += FRAME_SAMPLES;
    return frame;
  }
}
