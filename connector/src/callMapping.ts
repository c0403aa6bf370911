/**
 * The service's CallView (the call as this agent sees it) → the base library's result classes.
 * One PhoneCall per call for the agent's own line (`callId` = the vendor call key of the agent's
 * VoiceCall: the call's id, or a transfer leg's own key), and one
 * `AddParticipant` PhoneCall per party the agent added (`connectionId` = that participant's id),
 * which is how Salesforce tells the legs of a call apart (docs/connector.md, "Calls and legs").
 */
import {
  CallInfo,
  Contact,
  HoldToggleResult,
  ParticipantResult,
  PhoneCall,
  PhoneCallAttributes,
  SupervisedCallInfo,
} from 'scv-connector-base';
import type { AgentSettings, CallView, ParticipantView } from '../../telephony/src/contracts/agentApi.ts';

export interface MappingContext {
  /** The contact center's settings (hidden call controls, remove-participant variant), once known. */
  settings: AgentSettings | null;
  /** Calls this agent dialed as callbacks (`DialOptions.isCallback`): their type is DialedCallback. */
  dialedCallbacks: ReadonlySet<string>;
  /** The agent's selected phone is a desk phone: their calls (offers included) ring there. */
  deskPhone: boolean;
}

export interface HangupInfo {
  reason: string;
  agentStatus?: string | undefined;
  closeCallOnError?: boolean | undefined;
}

const SHOW_BUTTONS = [
  'showMuteButton',
  'showRecordButton',
  'showAddCallerButton',
  'showAddBlindTransferButton',
  'showMergeButton',
  'showSwapButton',
] as const;

const TALKING = ['connected', 'held', 'dialing'];

export function myLeg(view: CallView): ParticipantView | undefined {
  return view.participants.find((p) => p.id === view.me);
}

/** The party the agent's line is with: the customer, or the other agent of an internal call. */
export function counterpart(view: CallView): ParticipantView | undefined {
  const others = view.participants.filter((p) => p.id !== view.me && p.role !== 'supervisor');
  const role = view.participantType === 'Initial_Caller' ? 'agent' : 'initial_caller';
  const candidates = others.filter((p) => p.role === role);
  return candidates.find((p) => p.state !== 'ended') ?? candidates[0];
}

/** Whether another agent added this agent to the call (a transfer or consult they received). */
function wasAdded(view: CallView): boolean {
  return view.callType === 'AddParticipant' || view.callType === 'Transfer';
}

/**
 * Whether a party is one of this agent's connections: their counterpart, a third party, or another
 * agent this agent added. The agent who added this agent never is (she has no connection for them).
 */
export function isConnection(view: CallView, party: ParticipantView): boolean {
  if (party.id === view.me || party.role === 'supervisor') return false;
  if (party.id === counterpart(view)?.id) return true;
  return party.role === 'third_party' || (party.role === 'agent' && !wasAdded(view));
}

/** The parties on the call besides the agent and their counterpart: the ones this agent added. */
export function addedParties(view: CallView): ParticipantView[] {
  const main = counterpart(view);
  return view.participants.filter((p) => p.id !== main?.id && p.state !== 'ended' && isConnection(view, p));
}

/** Whether the call goes on for this agent (the service's rule: two parties talk, or one talks and one is coming). */
export function callContinues(view: CallView): boolean {
  const active = view.participants.filter((p) => p.state !== 'ended' && p.role !== 'supervisor');
  const talking = active.filter((p) => TALKING.includes(p.state)).length;
  const coming = active.filter((p) => p.state === 'queued' || p.state === 'ringing').length;
  return talking >= 2 || (talking >= 1 && coming >= 1);
}

function customerHasLeft(view: CallView): boolean {
  return view.participants.some((p) => p.role === 'initial_caller' && p.state === 'ended');
}

export function callInfoOf(view: CallView, ctx: MappingContext, party = counterpart(view)): CallInfo {
  const shown: Partial<Record<(typeof SHOW_BUTTONS)[number], boolean>> = {};
  const hidden = ctx.settings?.hiddenCallControls ?? {};
  for (const key of SHOW_BUTTONS) if (typeof hidden[key] === 'boolean') shown[key] = hidden[key];
  const parties = view.participants.filter((p) => p.state !== 'ended' && p.role !== 'supervisor').length;
  return new CallInfo({
    callStateTimestamp: new Date(view.connectedAt ?? view.startedAt),
    isOnHold: party?.onHold ?? false,
    isMuted: myLeg(view)?.muted ?? false,
    isRecordingPaused: view.recording.paused,
    ...(view.initialCallId ? { initialCallId: view.initialCallId } : {}),
    queueId: view.queue?.id ?? null,
    queueName: view.queue?.name ?? null,
    queueTimestamp: view.queuedAt ? new Date(view.queuedAt) : null,
    isSoftphoneCall: !(view.isDeskPhone || ctx.deskPhone),
    recordEnabled: view.recording.enabled,
    isMultiParty: parties > 2,
    removeParticipantVariant: ctx.settings?.removeParticipantVariant ?? 'ALWAYS',
    ...shown,
  });
}

function numberOf(view: CallView, party: ParticipantView | undefined): string | undefined {
  if (party?.userId) return undefined;
  return party?.phoneNumber || (view.callType === 'Outbound' ? view.to : view.from) || undefined;
}

function contactOf(
  view: CallView,
  party: ParticipantView | undefined,
  phoneNumber: string | undefined,
): Contact {
  if (party?.userId) return new Contact({ id: party.userId, type: 'Agent', name: party.name ?? undefined });
  const name = party?.role === 'initial_caller' ? (view.callerName ?? party.name) : party?.name;
  return new Contact({ type: 'PhoneNumber', phoneNumber, name: name ?? undefined });
}

/** The connection's state as the base library knows it: replays ringing and connected calls. */
function lineState(view: CallView): string {
  if (view.state === 'connected' || view.state === 'ended') return view.state;
  return 'ringing';
}

function legState(p: ParticipantView): string {
  if (p.state === 'ended') return 'ended';
  return p.state === 'connected' || p.state === 'held' ? 'transferred' : 'transferring';
}

function supervisorBargedIn(view: CallView): boolean {
  return view.participants.some((p) => p.role === 'supervisor' && p.state === 'connected' && !p.muted);
}

/** The agent's own line of the call. */
export function phoneCallOf(view: CallView, ctx: MappingContext, hangup?: HangupInfo): PhoneCall {
  const other = counterpart(view);
  const phoneNumber = numberOf(view, other);
  const call = new PhoneCall({
    callId: view.vendorCallKey,
    callType: ctx.dialedCallbacks.has(view.callId) ? 'DialedCallback' : view.callType,
    contact: contactOf(view, other, phoneNumber),
    state: hangup ? 'ended' : lineState(view),
    phoneNumber,
    callInfo: callInfoOf(view, ctx, other),
    callAttributes: new PhoneCallAttributes({
      participantType: view.participantType ?? undefined,
      // A transfer's VoiceCall is parented to the call's own VoiceCall.
      parentId: view.parentCallId ?? (view.vendorCallKey !== view.callId ? view.callId : undefined),
      isOnHold: other?.onHold ?? false,
      hasSupervisorBargedIn: supervisorBargedIn(view),
    }),
    ...(hangup ?? {}),
  });
  // The guide's HANGUP has closeCallOnError true or false; PhoneCall keeps the field only when true.
  if (typeof hangup?.closeCallOnError === 'boolean') call.closeCallOnError = hangup.closeCallOnError;
  return call;
}

function legAttributes(view: CallView, party: ParticipantView | undefined): PhoneCallAttributes {
  return Object.assign(
    new PhoneCallAttributes({
      participantType: party?.type ?? 'Third_Party',
      parentId: view.vendorCallKey,
      isOnHold: party?.onHold ?? false,
      isConsultCall: party?.isConsult ?? false,
    }),
    { initialCallHasEnded: customerHasLeft(view) },
  );
}

/** A party the agent added, as its own connection of the call. */
export function participantCallOf(view: CallView, party: ParticipantView, ctx: MappingContext): PhoneCall {
  const phoneNumber = party.phoneNumber ?? undefined;
  return new PhoneCall({
    callId: view.vendorCallKey,
    connectionId: party.id,
    callType: 'AddParticipant',
    contact: contactOf(view, party, phoneNumber),
    state: legState(party),
    phoneNumber,
    callInfo: callInfoOf(view, ctx, party),
    callAttributes: legAttributes(view, party),
  });
}

/** Every connection of the call for this agent: their line, then the parties they added. */
export function phoneCallsOf(view: CallView, ctx: MappingContext): PhoneCall[] {
  return [phoneCallOf(view, ctx), ...addedParties(view).map((p) => participantCallOf(view, p, ctx))];
}

export function participantResultOf(
  view: CallView,
  participantId: string,
  ctx: MappingContext,
): ParticipantResult {
  const party = view.participants.find((p) => p.id === participantId);
  const phoneNumber = party?.phoneNumber ?? party?.name ?? undefined;
  return new ParticipantResult({
    initialCallHasEnded: customerHasLeft(view),
    callInfo: callInfoOf(view, ctx, party),
    callAttributes: legAttributes(view, party),
    phoneNumber,
    callId: view.vendorCallKey,
    contact: contactOf(view, party, party?.phoneNumber ?? undefined),
    connectionId: participantId,
  });
}

/** The connection of a party that left, for PARTICIPANT_REMOVED. */
export function removedPartyCallOf(
  view: CallView,
  participantId: string,
  reason: string,
  ctx: MappingContext,
): PhoneCall {
  const party = view.participants.find((p) => p.id === participantId);
  const customer = party?.role === 'initial_caller' && party.id === counterpart(view)?.id;
  // The base library treats a departed customer as "the transfer goes on" and looks for the added
  // party among the active calls; without one, the departure is reported as a plain removal.
  const transferGoesOn = phoneCallsOf(view, ctx).some((c) => c.callType === 'AddParticipant');
  return new PhoneCall({
    callId: view.vendorCallKey,
    connectionId: participantId,
    callType: customer ? (transferGoesOn ? view.callType : 'Consult') : 'AddParticipant',
    state: 'ended',
    reason,
    phoneNumber: party?.phoneNumber ?? undefined,
    callAttributes: new PhoneCallAttributes({
      participantType: party?.type ?? 'Third_Party',
      parentId: view.vendorCallKey,
    }),
  });
}

export function holdToggleResultOf(view: CallView, ctx: MappingContext, merged = false): HoldToggleResult {
  return new HoldToggleResult({
    isCustomerOnHold: counterpart(view)?.onHold ?? false,
    isThirdPartyOnHold: addedParties(view).some((p) => p.onHold),
    calls: phoneCallsOf(view, ctx),
    ...(merged ? { isCallMerged: true } : {}),
  });
}

export function supervisedCallInfoOf(view: CallView, supervisorName: string | null): SupervisedCallInfo {
  return new SupervisedCallInfo({
    callId: view.vendorCallKey,
    callType: view.callType,
    from: view.from,
    to: view.to,
    supervisorName: supervisorName ?? undefined,
    isBargedIn: true,
  });
}
