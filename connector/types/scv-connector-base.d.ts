/**
 * Types of scv-connector-base 4.8.10, written from its source (`src/main/types.js`,
 * `baseConnector.js`): the package's own declarations predate `connectionId`, `SetAgentStateResult`
 * and most event types. Only what the connector uses is declared.
 */

export function initializeConnector(connector: VendorConnector): void;
export function publishError(param: { eventType: string; error: unknown }): void;
export function publishEvent(param: {
  eventType: string;
  payload?: unknown;
  registerLog?: boolean;
}): Promise<void>;

export class CustomError extends Error {
  constructor(param: { labelName: string; namespace: string; message?: string });
  labelName: string;
  namespace: string;
}

export class Phone {
  constructor(param: { type: string; number?: string });
  type: string;
  number?: string;
}

export class MuteToggleResult {
  constructor(param: { isMuted: boolean; call?: PhoneCall; isGlobal?: boolean });
}

export class ActiveCallsResult {
  constructor(param: { activeCalls?: PhoneCall[] });
  activeCalls: PhoneCall[];
}

export interface AudioDevice {
  deviceId: string;
  kind: string;
  label: string;
  groupId: string;
}

export class AudioDevicesResult {
  constructor(param: { audioDevices?: AudioDevice[] });
  audioDevices: AudioDevice[];
}

export class SharedCapabilitiesResult {
  constructor(param: {
    debugEnabled?: boolean;
    hasContactSearch?: boolean;
    hasAgentAvailability?: boolean;
    hasQueueWaitTime?: boolean;
    hasTransferToOmniFlow?: boolean;
    hasPendingStatusChange?: boolean;
    hasSFDCPendingState?: boolean;
    hasAutoAcceptEnabled?: boolean;
  });
}

export class VoiceCapabilitiesResult {
  constructor(param: {
    hasMute?: boolean;
    hasRecord?: boolean;
    hasMerge?: boolean;
    hasSwap?: boolean;
    hasBlindTransfer?: boolean;
    hasSignedRecordingUrl?: boolean;
    supportsMos?: boolean;
    hasSupervisorListenIn?: boolean;
    hasSupervisorBargeIn?: boolean;
    hasPhoneBook?: boolean;
    hasGetExternalSpeakerDeviceSetting?: boolean;
    hasSetExternalSpeakerDeviceSetting?: boolean;
    hasGetExternalMicrophoneDeviceSetting?: boolean;
    hasSetExternalMicrophoneDeviceSetting?: boolean;
    canConsult?: boolean;
    isDialPadDisabled?: boolean;
    isHidSupported?: boolean;
    isPhoneBookDisabled?: boolean;
  });
}

export class AgentConfigResult {
  constructor(param: {
    phones?: string[];
    selectedPhone?: Phone;
    speakerDeviceId?: string;
    microphoneDeviceId?: string;
  });
}

export class RecordingToggleResult {
  constructor(param: { isRecordingPaused: boolean });
}

export class ParticipantResult {
  constructor(param: {
    initialCallHasEnded?: boolean;
    callInfo: CallInfo;
    callAttributes?: PhoneCallAttributes;
    phoneNumber?: string;
    callId?: string;
    contact?: Contact | null;
    connectionId?: string;
  });
}

export class ContactsResult {
  constructor(param: { contacts?: Contact[]; contactTypes?: string[] });
}

export class PhoneContactsResult extends ContactsResult {}

export class CallResult {
  constructor(param: { call?: PhoneCall });
  call?: PhoneCall;
}

export class HangupResult {
  constructor(param: { calls: PhoneCall[] | PhoneCall });
  calls: PhoneCall[];
}

export class HoldToggleResult {
  constructor(param: {
    isThirdPartyOnHold?: boolean;
    isCustomerOnHold?: boolean;
    calls?: PhoneCall[];
    isCallMerged?: boolean;
  });
}

export class SignedRecordingUrlResult {
  constructor(param: { success: boolean; url?: string; duration?: number; callId?: string });
}

export class InitResult {
  constructor(param: {
    showLogin?: boolean;
    loginFrameHeight?: number;
    isSilentLogin?: boolean;
    showStorageAccess?: boolean;
  });
}

export class DialOptions {
  isCallback: boolean;
  isConsultCall: boolean;
}

export class GenericResult {
  constructor(param: { success: boolean });
  success: boolean;
}

export class SetAgentConfigResult extends GenericResult {
  constructor(param: { success: boolean; isSystemEvent?: boolean });
}

export class LogoutResult {
  constructor(param: { success: boolean; loginFrameHeight?: number });
}

export interface CallInfoParams {
  callStateTimestamp?: Date | null;
  isOnHold?: boolean;
  isMuted?: boolean;
  isRecordingPaused?: boolean;
  initialCallId?: string;
  queueId?: string | null;
  queueName?: string | null;
  queueTimestamp?: Date | null;
  isSoftphoneCall?: boolean;
  recordEnabled?: boolean;
  isReplayable?: boolean;
  isMultiParty?: boolean;
  showMuteButton?: boolean;
  showRecordButton?: boolean;
  showAddCallerButton?: boolean;
  showAddBlindTransferButton?: boolean;
  showMergeButton?: boolean;
  showSwapButton?: boolean;
  removeParticipantVariant?: string;
}

export class CallInfo {
  constructor(param: CallInfoParams);
  isSoftphoneCall: boolean;
}

export interface ContactParams {
  id?: string;
  type?: string;
  name?: string;
  phoneNumber?: string;
  prefix?: string;
  extension?: string;
  queue?: string;
  availability?: string;
  queueWaitTime?: string;
}

export class Contact {
  constructor(param: ContactParams);
  id?: string;
  type?: string;
  name?: string;
  phoneNumber?: string;
  prefix?: string;
  extension?: string;
  queue?: string;
}

export class PhoneCallAttributes {
  constructor(param: {
    voiceCallId?: string;
    participantType?: string;
    parentId?: string;
    isOnHold?: boolean;
    hasSupervisorBargedIn?: boolean;
    isConsultCall?: boolean;
  });
  participantType?: string;
}

export interface PhoneCallParams {
  callId?: string;
  connectionId?: string;
  callType?: string;
  contact?: Contact;
  state?: string;
  callAttributes?: PhoneCallAttributes;
  phoneNumber?: string;
  callInfo?: CallInfo;
  reason?: string;
  closeCallOnError?: boolean;
  agentStatus?: string;
}

export class PhoneCall {
  constructor(param: PhoneCallParams);
  callId?: string;
  connectionId?: string;
  callType?: string;
  state?: string;
  callAttributes?: PhoneCallAttributes;
  closeCallOnError?: boolean;
}

export class AgentStatusInfo {
  constructor(param: { statusId: string; statusApiName?: string; statusName?: string });
}

export class AgentVendorStatusInfo {
  constructor(param: { statusId?: string; statusType?: string; statusName?: string });
}

export class StatsInfo {
  constructor(param: {
    packetsCount?: number;
    packetsLost?: number;
    jitterBufferMillis?: number;
    roundTripTimeMillis?: number;
  });
}

export class AudioStatsElement {
  constructor(param: { inputChannelStats?: StatsInfo; outputChannelStats?: StatsInfo });
}

export class AudioStats {
  constructor(param: { callId?: string; stats?: AudioStatsElement[]; isAudioStatsCompleted?: boolean });
}

export class SuperviseCallResult {
  constructor(param: { call: PhoneCall });
}

export class SupervisorHangupResult extends HangupResult {}

export class SupervisedCallInfo {
  constructor(param: {
    callId: string;
    voiceCallId?: string;
    callType?: string;
    from?: string;
    to?: string;
    supervisorName?: string;
    isBargedIn?: boolean;
  });
}

/** A call as Salesforce hands it back to the connector (a PhoneCall it received, or a bare object). */
export interface CallRef {
  callId?: string;
  connectionId?: string;
  callType?: string;
  callAttributes?: { participantType?: string };
}

export interface AgentWork {
  workItemId?: string;
  workId?: string;
  workEvent?: string;
}

export class TelephonyConnector {
  getActiveCalls(): Promise<ActiveCallsResult>;
  acceptCall(call: CallRef): Promise<CallResult>;
  declineCall(call: CallRef): Promise<CallResult>;
  endCall(call: CallRef, agentStatus?: string): Promise<HangupResult>;
  mute(call?: CallRef): Promise<MuteToggleResult>;
  unmute(call?: CallRef): Promise<MuteToggleResult>;
  hold(call: CallRef): Promise<HoldToggleResult>;
  resume(call: CallRef): Promise<HoldToggleResult>;
  dial(contact: Contact, options?: DialOptions): Promise<CallResult>;
  sendDigits(digits: string): Promise<void>;
  getPhoneContacts(filter?: unknown): Promise<PhoneContactsResult>;
  swap(call1: CallRef, call2: CallRef): Promise<HoldToggleResult>;
  conference(calls: CallRef[]): Promise<HoldToggleResult>;
  addParticipant(contact: Contact, call: CallRef, isBlindTransfer?: boolean): Promise<ParticipantResult>;
  pauseRecording(call?: CallRef): Promise<RecordingToggleResult>;
  resumeRecording(call?: CallRef): Promise<RecordingToggleResult>;
  getAgentConfig(): Promise<AgentConfigResult>;
  setAgentConfig(config: unknown): Promise<GenericResult>;
  getVoiceCapabilities(): Promise<VoiceCapabilitiesResult>;
  wrapUpCall(call?: CallRef): Promise<void>;
  getSignedRecordingUrl(
    recordingUrl: string,
    vendorCallKey: string,
    callId: string,
  ): Promise<SignedRecordingUrlResult>;
  superviseCall(call: CallRef): Promise<SuperviseCallResult>;
  supervisorDisconnect(call?: CallRef): Promise<SupervisorHangupResult>;
  supervisorBargeIn(call: CallRef): Promise<SuperviseCallResult>;
  getAudioDevices(): Promise<AudioDevicesResult>;
}

export class VendorConnector {
  init(config: Record<string, unknown>): Promise<InitResult>;
  getTelephonyConnector(): Promise<TelephonyConnector>;
  onAgentWorkEvent(agentWork: AgentWork): void;
  setAgentStatus(
    agentStatus: string,
    statusInfo: unknown,
    enqueueNextState?: boolean,
  ): Promise<GenericResult>;
  getAgentStatus(): Promise<AgentVendorStatusInfo>;
  logout(): Promise<LogoutResult>;
  handleMessage(message: unknown): void;
  downloadLogs(logs: string[]): void;
  logMessageToVendor(logLevel: string, message: string, payload?: unknown): void;
  getContacts(filter: unknown, workItemId?: string): Promise<ContactsResult>;
  getSharedCapabilities(): Promise<SharedCapabilitiesResult>;
}
