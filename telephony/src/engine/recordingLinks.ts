/**
 * Signed, expiring recording links (`getSignedRecordingUrl`): an HMAC-SHA256 over the call id and
 * the expiry with a per-service secret. The link's endpoint (api/connectorRoutes.ts) verifies it and
 * leads to the call's recording in its contact center's storage (storage/recordingArchive.ts).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { refuse } from '../domain/errors.ts';
import type { SignedRecordingLink } from '../contracts/agentApi.ts';
import { loadCall } from './callState.ts';
import type { Tx } from './engine.ts';

export const RECORDING_LINK_TTL_MS = 15 * 60_000;
export const RECORDING_LINK_PREFIX = '/recordings/v1/';

export function recordingSignature(secret: Buffer, callId: string, expiresAt: number): string {
  return createHmac('sha256', secret).update(`${callId}.${expiresAt}`).digest('base64url');
}

/** A link to the recording of a call of the agent's contact center. */
export async function signedRecordingLink(
  tx: Tx,
  secret: Buffer,
  callId: string,
): Promise<SignedRecordingLink> {
  const call = await loadCall(tx, callId);
  if (!call.recording_url) refuse('INVALID_PARAMS', `call ${callId} has no recording`);
  const expiresAt = tx.now + RECORDING_LINK_TTL_MS;
  const sig = recordingSignature(secret, callId, expiresAt);
  return {
    path: `${RECORDING_LINK_PREFIX}${encodeURIComponent(callId)}?expires=${expiresAt}&sig=${sig}`,
    expiresAt,
    durationSeconds: call.recording_duration_s,
  };
}

export type LinkCheck = 'valid' | 'expired' | 'invalid';

/** Checks a link's signature (in constant time) and its expiry. */
export function checkRecordingLink(
  secret: Buffer,
  callId: string,
  expires: string,
  sig: string,
  now: number,
): LinkCheck {
  if (!/^\d{1,15}$/.test(expires)) return 'invalid';
  const expected = Buffer.from(recordingSignature(secret, callId, Number(expires)));
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
  return Number(expires) > now ? 'valid' : 'expired';
}
