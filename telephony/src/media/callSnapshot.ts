/** Loads what the mix plan needs of a call from the database: the call, its participants, hold audio. */
import type { Db } from '../db/database.ts';
import { parseSettings } from '../domain/settings.ts';
import type { PlanCall, PlanParticipant } from './mixPlan.ts';

export interface CallSnapshot {
  contactCenterId: string;
  call: Omit<PlanCall, 'greetingDone'>;
  participants: PlanParticipant[];
}

export async function loadCallSnapshot(db: Db, callId: string): Promise<CallSnapshot | null> {
  const call = await db
    .selectFrom('calls')
    .innerJoin('contact_centers', 'contact_centers.id', 'calls.contact_center_id')
    .select([
      'calls.id',
      'calls.state',
      'calls.contact_center_id',
      'calls.recording_enabled',
      'calls.recording_paused',
      'contact_centers.settings_json',
    ])
    .where('calls.id', '=', callId)
    .executeTakeFirst();
  if (!call) return null;
  const rows = await db
    .selectFrom('participants')
    .select(['id', 'role', 'user_id', 'state', 'muted', 'listen_only', 'is_consult'])
    .where('call_id', '=', callId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return {
    contactCenterId: call.contact_center_id,
    call: {
      id: call.id,
      state: call.state,
      recordingEnabled: call.recording_enabled === 1,
      recordingPaused: call.recording_paused === 1,
      holdAudio: parseSettings(call.settings_json).holdAudio,
    },
    participants: rows.map((p) => ({
      id: p.id,
      role: p.role,
      userId: p.user_id,
      state: p.state,
      muted: p.muted === 1,
      listenOnly: p.listen_only === 1,
      isConsult: p.is_consult === 1,
    })),
  };
}
