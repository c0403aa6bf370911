/** The VoiceCall records the emulated org holds (the telephony-API emulator's control API, via the console server). */

export interface VoiceCallRecord {
  voiceCallId: string;
  vendorCallKey: string;
  conversationKey: string;
  parentVoiceCallId: string | null;
  createdAt: number;
  fields: Record<string, unknown>;
  callDisposition: 'new' | 'in-progress' | 'completed';
  transcripts: Array<{ content: string; senderType: string; participantId: string; startTime: number }>;
  flowExecutions: Array<{ matchedBy: string; route: unknown }>;
}

export async function loadVoiceCalls(): Promise<VoiceCallRecord[]> {
  const res = await fetch('/workspace/v1/voiceCalls');
  if (!res.ok) throw new Error(`VoiceCall records: HTTP ${res.status}`);
  return ((await res.json()) as { voiceCalls: VoiceCallRecord[] }).voiceCalls;
}

/** The record of a call by its vendor call key (our call id). */
export function recordOf(records: VoiceCallRecord[], callId: string): VoiceCallRecord | undefined {
  return records.find((r) => r.vendorCallKey === callId);
}

export function field(r: VoiceCallRecord | undefined, name: string): string {
  const v = r?.fields[name];
  return v === undefined || v === null ? '' : String(v);
}
