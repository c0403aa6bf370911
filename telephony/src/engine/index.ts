/**
 * The engine's public surface for modules outside it (the Salesforce sync, the media plane, other
 * nodes): the command runner, its domain events and ports, and the commands they may run. The
 * functions taking a `Tx` run inside `engine.command(ccId, (tx) => …)` together with the caller's own
 * writes; the others run their own command.
 */
import type { Engine } from './engine.ts';
import { sendDigits } from './calls.ts';
import { callerDigits, leaveVoicemail, networkPartyLost, publishRecording } from './network.ts';
import type { RoutingTarget } from './ports.ts';
import { routeRecordedCall } from './routing.ts';

export { Engine, Tx, type Clock, type EngineOptions } from './engine.ts';
export type {
  BatchSubscriber,
  DomainEvent,
  DomainEventType,
  TransactionalSubscriber,
} from './domainEvents.ts';
export type { CrmPort, EnginePorts, Hold, RoutingTarget } from './ports.ts';
export { routeFlowResult, type FlowRoute } from './routing.ts';

/** A caller (or third party) keyed DTMF digits on the call: published as `DigitsSent` (source `caller`). */
export function sendCallerDigits(
  engine: Engine,
  ccId: string,
  callId: string,
  participantId: string,
  digits: string,
): Promise<void> {
  return engine.command(ccId, (tx) => callerDigits(tx, callId, participantId, digits));
}

/**
 * A phone-network party's media is gone for good (silent past the media plane's RTP timeout, or its
 * media node died): it leaves the call as if it had hung up; the others go on.
 */
export function dropNetworkParty(
  engine: Engine,
  ccId: string,
  callId: string,
  participantId: string,
): Promise<void> {
  return engine.command(ccId, (tx) => networkPartyLost(tx, callId, participantId));
}

/** The call's recording file is ready: its URL and real duration (published as `RecordingPublished`). */
export function publishCallRecording(
  engine: Engine,
  ccId: string,
  callId: string,
  recording: { url: string; durationSeconds: number },
): Promise<void> {
  return engine.command(ccId, (tx) => publishRecording(tx, callId, recording.url, recording.durationSeconds));
}

/** The caller finished a voicemail (the media plane recorded it): the call ends as a voicemail. */
export function leaveVoicemailRecording(
  engine: Engine,
  ccId: string,
  callId: string,
  recording: { url: string; durationSeconds: number },
): Promise<void> {
  return engine.command(ccId, (tx) => leaveVoicemail(tx, callId, recording));
}

/** DTMF an agent keyed on its softphone: the same as the connector's `sendDigits` (`DigitsSent`). */
export async function sendAgentDigits(
  engine: Engine,
  ccId: string,
  userId: string,
  callId: string,
  digits: string,
): Promise<void> {
  await engine.command(ccId, (tx) => sendDigits(tx, userId, callId, digits));
}

/** The CRM has the inbound call's record (or gave up trying): the call is routed now. */
export function routeRecordedInboundCall(
  engine: Engine,
  ccId: string,
  callId: string,
  target: RoutingTarget,
): Promise<void> {
  return engine.command(ccId, (tx) => routeRecordedCall(tx, callId, target));
}
