/**
 * Recordings through the admin API (docs/admin-api.md): signed recording URLs for Einstein
 * Conversation Insights and universal call recording access (`RecordingMediaProvider`), one per
 * vendor call key of any contact center of the account; the deletion of one recording; and a contact
 * center's recording settings (retention). A URL is made from the call's stored recording
 * (storage/recordingArchive.ts): a presigned URL of its object in the bucket, or the service's signed
 * link (engine/recordingLinks.ts) for the local store. Per key, an HTTP status says why there is none
 * (404: never will be; 409: not yet, Salesforce retries).
 */
import type { ContactCenterTable } from '../db/schema.ts';
import type { Engine } from '../engine/engine.ts';
import { RECORDING_LINK_PREFIX, recordingSignature } from '../engine/recordingLinks.ts';
import { updateSettings } from '../engine/tenants.ts';
import { parseSettings } from '../domain/settings.ts';
import { StorageUnavailableError, type RecordingArchive } from '../storage/recordingArchive.ts';
import { AdminError, notFound } from './errors.ts';
import type { Account } from './oauth.ts';
import type {
  RecordingSettings,
  RecordingSettingsPatch,
  SignedUrl,
  SignedUrlBody,
} from '../contracts/adminApi.ts';

export const DEFAULT_EXPIRY_MINUTES = 60;
/** How long after a recorded call ended its recording may still arrive (answered 409 meanwhile). */
export const RECORDING_GRACE_MS = 60 * 60_000;

/** The call each key names in the account: a VoiceCall record's key, or our call id itself. */
async function callsOfKeys(engine: Engine, orgId: string, keys: string[]): Promise<Map<string, string>> {
  const records = await engine.db
    .selectFrom('salesforce_voice_calls')
    .innerJoin('contact_centers', 'contact_centers.id', 'salesforce_voice_calls.contact_center_id')
    .select(['salesforce_voice_calls.vendor_call_key as key', 'salesforce_voice_calls.call_id as callId'])
    .where('contact_centers.org_id', '=', orgId)
    .where('salesforce_voice_calls.vendor_call_key', 'in', keys)
    .execute();
  const callOf = new Map(records.map((r) => [r.key, r.callId]));
  const rest = keys.filter((k) => !callOf.has(k));
  if (rest.length > 0) {
    const calls = await engine.db
      .selectFrom('calls')
      .innerJoin('contact_centers', 'contact_centers.id', 'calls.contact_center_id')
      .select('calls.id')
      .where('contact_centers.org_id', '=', orgId)
      .where('calls.id', 'in', rest)
      .execute();
    for (const c of calls) callOf.set(c.id, c.id);
  }
  return callOf;
}

export async function signedUrls(
  engine: Engine,
  account: Account,
  body: SignedUrlBody,
  options: { baseUrl: string; secret: Buffer; recordings: RecordingArchive | null },
): Promise<SignedUrl[]> {
  const now = engine.clock.now();
  const minutes = body.expiresInMinutes ?? DEFAULT_EXPIRY_MINUTES;
  const keys = [...new Set(body.vendorCallKeys)];
  const callOf = await callsOfKeys(engine, account.orgId, keys);
  const callIds = [...new Set(callOf.values())];
  const calls =
    callIds.length === 0
      ? []
      : await engine.db
          .selectFrom('calls')
          .select(['id', 'state', 'recording_url', 'recording_enabled', 'connected_at', 'ended_at'])
          .where('id', 'in', callIds)
          .execute();
  const byId = new Map(calls.map((c) => [c.id, c]));
  const failed = (vendorCallKey: string, errorCode: number): SignedUrl => ({
    vendorCallKey,
    url: null,
    expiresInMinutes: null,
    errorCode,
  });
  const urlOf = new Map<string, string | null>();
  const deleted = new Set<string>();
  for (const call of calls) {
    const row = call.state === 'ended' ? await options.recordings?.current(call.id) : undefined;
    if (!row) {
      if (call.state === 'ended' && (await options.recordings?.wasDeleted(call.id))) deleted.add(call.id);
      continue;
    }
    const target = await options.recordings!.target(row, minutes * 60);
    if (!target) continue;
    if ('url' in target) urlOf.set(call.id, target.url);
    else {
      const expiresAt = now + minutes * 60_000;
      const sig = recordingSignature(options.secret, call.id, expiresAt);
      urlOf.set(
        call.id,
        `${options.baseUrl}${RECORDING_LINK_PREFIX}${encodeURIComponent(call.id)}?expires=${expiresAt}&sig=${sig}`,
      );
    }
  }
  return body.vendorCallKeys.map((key) => {
    const call = byId.get(callOf.get(key) ?? '');
    if (!call) return failed(key, 404);
    if (call.state !== 'ended') return failed(key, 409);
    const url = urlOf.get(call.id);
    if (url) return { vendorCallKey: key, url, expiresInMinutes: minutes, errorCode: null };
    // Deleted (retention, DELETE), or a URL stored on the call that is no object of the service's
    // storage: never signed.
    if (deleted.has(call.id) || call.recording_url) return failed(key, 404);
    const mayArrive =
      call.recording_enabled === 1 &&
      call.connected_at !== null &&
      call.ended_at !== null &&
      now - call.ended_at < RECORDING_GRACE_MS;
    return failed(key, mayArrive ? 409 : 404);
  });
}

/** Deletes the stored recording of the call a key names (any contact center of the account). */
export async function deleteRecording(
  engine: Engine,
  account: Account,
  vendorCallKey: string,
  recordings: RecordingArchive | null,
): Promise<void> {
  const callId = (await callsOfKeys(engine, account.orgId, [vendorCallKey])).get(vendorCallKey);
  const row = callId ? await recordings?.current(callId) : undefined;
  if (!row) throw notFound(`no stored recording for ${vendorCallKey}`, { vendorCallKey });
  try {
    await recordings!.remove(row);
  } catch (err) {
    if (err instanceof StorageUnavailableError) throw new AdminError(503, 'UNAVAILABLE', err.message);
    throw err;
  }
}

function recordingSettingsOf(settingsJson: string): RecordingSettings {
  const { recordingDefault, recordingRetentionDays } = parseSettings(settingsJson);
  return { recordingDefault, recordingRetentionDays };
}

export function readRecordingSettings(cc: ContactCenterTable): RecordingSettings {
  return recordingSettingsOf(cc.settings_json);
}

export async function saveRecordingSettings(
  engine: Engine,
  cc: ContactCenterTable,
  patch: RecordingSettingsPatch,
): Promise<RecordingSettings> {
  const merged = await updateSettings(engine.db, cc.id, patch);
  return { recordingDefault: merged.recordingDefault, recordingRetentionDays: merged.recordingRetentionDays };
}
