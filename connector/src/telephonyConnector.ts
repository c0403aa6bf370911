/**
 * The TelephonyConnector: each Connector API method is one agent API request; its answer becomes
 * the result class the base library checks. Events the request causes on the agent's own stream
 * are taken as its echoes (the base library reports the outcome itself from the result).
 */
import {
  ActiveCallsResult,
  AgentConfigResult,
  AudioDevicesResult,
  CallResult,
  Contact,
  HangupResult,
  MuteToggleResult,
  Phone,
  PhoneContactsResult,
  RecordingToggleResult,
  SetAgentConfigResult,
  SignedRecordingUrlResult,
  SuperviseCallResult,
  SupervisorHangupResult,
  TelephonyConnector,
  VoiceCapabilitiesResult,
  type CallRef,
  type DialOptions,
  type HoldToggleResult,
} from 'scv-connector-base';
import type {
  AgentConfig,
  CallView,
  Destination,
  ParamsOf,
  PhoneContact,
} from '../../telephony/src/contracts/agentApi.ts';
import {
  addedParties,
  counterpart,
  holdToggleResultOf,
  participantCallOf,
  participantResultOf,
  phoneCallOf,
  phoneCallsOf,
  type MappingContext,
} from './callMapping.ts';
import type { KnownCalls } from './knownCalls.ts';
import type { Answer, EchoSpec, RequestMethod } from './serviceClient.ts';
import type { EventPublisher } from './serviceEvents.ts';
import { ServiceError } from './serviceError.ts';
import type { SoftphoneControl } from './softphoneControl.ts';
import type { VendorLog } from './vendorLog.ts';

/** What the telephony side needs from the vendor connector. */
export interface ConnectorRuntime {
  readonly calls: KnownCalls;
  readonly events: EventPublisher;
  readonly log: VendorLog;
  readonly mapping: MappingContext & { dialedCallbacks: Set<string> };
  /** The agent's softphone (null before init). */
  readonly softphone: SoftphoneControl | null;
  /** CONNECTOR_READY's active calls were read: the softphone may start (the next task). */
  softphoneReady(): void;
  serviceUrl(): string;
  request<M extends RequestMethod>(method: M, params: ParamsOf<M>, echo?: EchoSpec): Promise<Answer<M>>;
}

/** Transfer destination types the phone book offers (Omni-Channel's transfer view). */
export const CONTACT_TYPES = ['Agent', 'Queue', 'PhoneBook', 'PhoneNumber', 'Flow'];

/** ContactsFilter types (and the phone book's own) → the service's contact types. */
const FILTER_TYPES: Record<string, PhoneContact['type']> = {
  AGENT: 'Agent',
  AVAILABLE: 'Agent',
  QUEUE: 'Queue',
  CONTACT: 'PhoneBook',
  DIRECTORY: 'PhoneBook',
  FLOW: 'Flow',
  Agent: 'Agent',
  Queue: 'Queue',
  PhoneBook: 'PhoneBook',
  Flow: 'Flow',
};

interface ContactsFilter {
  contains?: string | null;
  limit?: number;
  offset?: number;
  types?: string[];
  type?: string;
}

/** Where a Contact from Salesforce leads: an agent, a queue, a flow or a phone number. */
export function destinationOf(contact: Contact): Destination {
  switch (contact.type) {
    case 'Agent':
      if (!contact.id) throw new ServiceError('INVALID_DESTINATION', 'the agent contact has no id');
      return { type: 'agent', userId: contact.id };
    case 'Queue': {
      const queueId = contact.id ?? contact.queue;
      if (!queueId) throw new ServiceError('INVALID_DESTINATION', 'the queue contact has no id');
      return { type: 'queue', queueId };
    }
    case 'Flow': {
      const flowName = contact.id ?? contact.name;
      if (!flowName) throw new ServiceError('INVALID_DESTINATION', 'the flow contact has no name');
      return { type: 'flow', flowName };
    }
    default: {
      const number = (contact.phoneNumber ?? '').trim();
      if (!number)
        throw new ServiceError('INVALID_PHONE_NUMBER', 'INVALID_PHONE_NUMBER: no phone number to dial');
      const prefix = number.startsWith('+') ? '' : (contact.prefix ?? '');
      return { type: 'phoneNumber', phoneNumber: `${prefix}${number}` };
    }
  }
}

function contactOf(c: PhoneContact): Contact {
  switch (c.type) {
    case 'Agent':
      return new Contact({ id: c.id, type: 'Agent', name: c.name, availability: c.availability });
    case 'Queue':
      return new Contact({
        id: c.id,
        type: 'Queue',
        name: c.name,
        queue: c.id,
        queueWaitTime: c.queueWaitTime,
      });
    case 'Flow':
      return new Contact({ id: c.name, type: 'Flow', name: c.name });
    case 'PhoneBook':
      return new Contact({ id: c.id, type: 'PhoneBook', name: c.name, phoneNumber: c.phoneNumber });
  }
}

export class SwitchboardTelephony extends TelephonyConnector {
  private supervisedCallId: string | undefined;
  private agentConfig: AgentConfig | undefined;

  constructor(private readonly rt: ConnectorRuntime) {
    super();
  }

  /** Whether the agent chose auto-accept (SharedCapabilitiesResult.hasAutoAcceptEnabled). */
  get autoAccept(): boolean {
    return this.agentConfig?.autoAccept ?? false;
  }

  private remember(config: AgentConfig): void {
    this.agentConfig = config;
    this.rt.mapping.deskPhone = config.phoneType === 'DESK_PHONE';
    this.rt.softphone?.sync();
  }

  /** The service's call id of the call Salesforce names (by its vendor call key), else the current call. */
  private callIdOf(call?: CallRef): string {
    const callId = call?.callId ? this.rt.calls.serviceCallId(call.callId) : this.rt.calls.current()?.callId;
    if (!callId) throw new ServiceError('INVALID_PARAMS', 'no call');
    return callId;
  }

  /** The agent's view of a call: as last seen, else from the service. */
  private async view(callId: string): Promise<CallView> {
    const known = this.rt.calls.get(callId);
    if (known) return known;
    const { result } = await this.rt.request('getActiveCalls', {});
    for (const v of result.calls) this.rt.calls.update(v);
    const view = result.calls.find((c) => c.callId === callId);
    if (!view) throw new ServiceError('INVALID_PARAMS', `you are not on call ${callId}`);
    return view;
  }

  /** The participant a connection from Salesforce stands for: that leg, else the agent's counterpart. */
  private async partyOf(call: CallRef): Promise<{ callId: string; participantId: string }> {
    const callId = this.callIdOf(call);
    const view = await this.view(callId);
    const leg = view.participants.find((p) => p.id === call.connectionId && p.id !== view.me);
    const type = call.callAttributes?.participantType;
    const party =
      leg ??
      (type === 'Third_Party' || call.callType === 'AddParticipant' ? addedParties(view)[0] : undefined) ??
      counterpart(view);
    if (!party) throw new ServiceError('INVALID_PARTICIPANT', `nobody to hold on call ${callId}`);
    return { callId, participantId: party.id };
  }

  override async getActiveCalls(): Promise<ActiveCallsResult> {
    try {
      const { result, seq } = await this.rt.request('getActiveCalls', {});
      for (const v of result.calls) this.rt.calls.update(v);
      this.rt.events.snapshotTaken(seq);
      return new ActiveCallsResult({
        activeCalls: result.calls.flatMap((v) => phoneCallsOf(v, this.rt.mapping)),
      });
    } finally {
      this.rt.events.reported();
      this.rt.softphoneReady();
    }
  }

  override async acceptCall(call: CallRef): Promise<CallResult> {
    const callId = this.callIdOf(call);
    const { result } = await this.rt.request(
      'acceptCall',
      { callId },
      { callId, events: ['CALL_CONNECTED', 'CALL_UPDATED'] },
    );
    return new CallResult({ call: phoneCallOf(result.call, this.rt.mapping) });
  }

  override async declineCall(call: CallRef): Promise<CallResult> {
    const callId = this.callIdOf(call);
    const { result, echoes } = await this.rt.request(
      'declineCall',
      { callId },
      { callId, events: ['HANGUP'] },
    );
    await this.rt.events.callEnded(callId);
    const hangup = echoes.find((e) => e.event === 'HANGUP')?.data as { agentStatus?: string } | undefined;
    const ended = {
      reason: 'error',
      agentStatus: hangup?.agentStatus ?? 'DeclinedByAgent',
      closeCallOnError: false,
    };
    return new CallResult({ call: phoneCallOf(result.call, this.rt.mapping, ended) });
  }

  override async endCall(call: CallRef): Promise<HangupResult> {
    const callId = this.callIdOf(call);
    const view = await this.view(callId);
    const leg = view.participants.find((p) => p.id === call.connectionId && p.id !== view.me);
    if (leg) {
      // Salesforce ends a participant's connection: that participant is removed from the call.
      const { result } = await this.rt.request(
        'removeParticipant',
        { callId, participantId: leg.id },
        { callId, events: ['PARTICIPANT_REMOVED'] },
      );
      const gone = result.call.participants.find((p) => p.id === leg.id) ?? leg;
      return new HangupResult({ calls: [participantCallOf(result.call, gone, this.rt.mapping)] });
    }
    const { result, echoes } = await this.rt.request(
      'endCall',
      { callId },
      { callId, events: ['HANGUP', 'AFTER_CALL_WORK_STARTED'] },
    );
    await this.rt.events.callEnded(callId);
    this.rt.events.defer(echoes.filter((e) => e.event === 'AFTER_CALL_WORK_STARTED'));
    return new HangupResult({ calls: [phoneCallOf(result.call, this.rt.mapping, { reason: 'ended' })] });
  }

  private async setMuted(muted: boolean, call?: CallRef): Promise<MuteToggleResult> {
    const callId = this.callIdOf(call);
    const { result } = await this.rt.request(
      muted ? 'mute' : 'unmute',
      { callId },
      { callId, events: ['MUTE_TOGGLE'] },
    );
    return new MuteToggleResult({ isMuted: muted, call: phoneCallOf(result.call, this.rt.mapping) });
  }

  override mute(call?: CallRef): Promise<MuteToggleResult> {
    return this.setMuted(true, call);
  }

  override unmute(call?: CallRef): Promise<MuteToggleResult> {
    return this.setMuted(false, call);
  }

  private async setHold(held: boolean, call: CallRef): Promise<HoldToggleResult> {
    const params = await this.partyOf(call);
    const echo: EchoSpec = { callId: params.callId, events: ['HOLD_TOGGLE'] };
    const { result } = await this.rt.request(held ? 'hold' : 'resume', params, echo);
    return holdToggleResultOf(result.call, this.rt.mapping);
  }

  override hold(call: CallRef): Promise<HoldToggleResult> {
    return this.setHold(true, call);
  }

  override resume(call: CallRef): Promise<HoldToggleResult> {
    return this.setHold(false, call);
  }

  override async dial(contact: Contact, options?: DialOptions): Promise<CallResult> {
    const { result } = await this.dialRequest(contact);
    if (options?.isCallback) this.rt.mapping.dialedCallbacks.add(result.call.callId);
    return new CallResult({ call: phoneCallOf(result.call, this.rt.mapping) });
  }

  /**
   * When the number itself is invalid, DIAL's specific error is INVALID_DESTINATION (the base library
   * turns any other type into CAN_NOT_START_THE_CALL); the message keeps the service's code.
   */
  private async dialRequest(contact: Contact): Promise<Answer<'dial'>> {
    try {
      const destination = destinationOf(contact);
      return await this.rt.request('dial', { destination }, { callId: null, events: ['CALL_STARTED'] });
    } catch (err) {
      if (err instanceof ServiceError && err.type === 'INVALID_PHONE_NUMBER')
        throw new ServiceError('INVALID_DESTINATION', err.message);
      throw err;
    }
  }

  override async sendDigits(digits: string): Promise<void> {
    await this.rt.request('sendDigits', { callId: this.callIdOf(), digits });
  }

  /** The phone book: `contains`, paging, types (ContactsFilter's or Omni-Channel's), availability. */
  async contacts(filter: unknown): Promise<Contact[]> {
    const f = (filter ?? {}) as ContactsFilter;
    const wanted = [...(f.types ?? []), ...(f.type ? [f.type] : [])];
    const types = [...new Set(wanted.map((t) => FILTER_TYPES[t]).filter((t) => t !== undefined))];
    const params: ParamsOf<'getPhoneContacts'> = {
      ...(f.contains ? { contains: String(f.contains).slice(0, 100) } : {}),
      ...(typeof f.limit === 'number' ? { limit: Math.min(500, Math.max(1, f.limit)) } : {}),
      ...(typeof f.offset === 'number' ? { offset: Math.max(0, f.offset) } : {}),
      ...(types.length > 0 ? { types } : {}),
    };
    const { result } = await this.rt.request('getPhoneContacts', params);
    const onlyAvailable = wanted.includes('AVAILABLE');
    return result.contacts
      .filter((c) => !onlyAvailable || c.type !== 'Agent' || c.availability === 'AVAILABLE')
      .map(contactOf);
  }

  override async getPhoneContacts(filter?: unknown): Promise<PhoneContactsResult> {
    return new PhoneContactsResult({ contacts: await this.contacts(filter), contactTypes: CONTACT_TYPES });
  }

  override async swap(call1: CallRef): Promise<HoldToggleResult> {
    const callId = this.callIdOf(call1);
    const echo: EchoSpec = { callId, events: ['HOLD_TOGGLE', 'PARTICIPANTS_SWAPPED'] };
    const { result } = await this.rt.request('swap', { callId }, echo);
    return holdToggleResultOf(result.call, this.rt.mapping);
  }

  override async conference(calls: CallRef[]): Promise<HoldToggleResult> {
    const callId = this.callIdOf(calls?.[0]);
    const echo: EchoSpec = { callId, events: ['HOLD_TOGGLE', 'PARTICIPANTS_CONFERENCED'] };
    const { result } = await this.rt.request('conference', { callId }, echo);
    return holdToggleResultOf(result.call, this.rt.mapping, true);
  }

  override async addParticipant(
    contact: Contact,
    call: CallRef,
    isBlindTransfer?: boolean,
  ): Promise<ParticipantResultT> {
    const callId = this.callIdOf(call);
    const destination = destinationOf(contact);
    const blind = isBlindTransfer === true;
    const echo: EchoSpec = {
      callId,
      events: [
        'PARTICIPANT_ADDED',
        'HOLD_TOGGLE',
        ...(blind ? (['HANGUP', 'AFTER_CALL_WORK_STARTED'] as const) : []),
      ],
    };
    const { result, echoes } = await this.rt.request('addParticipant', { callId, destination, blind }, echo);
    if (blind) await this.rt.events.callEnded(callId);
    this.rt.events.defer(
      echoes.filter((e) => e.event === 'HOLD_TOGGLE' || e.event === 'AFTER_CALL_WORK_STARTED'),
    );
    this.rt.events.reported();
    return participantResultOf(result.call, result.participantId, this.rt.mapping);
  }

  private async setRecordingPaused(paused: boolean, call?: CallRef): Promise<RecordingToggleResult> {
    const callId = this.callIdOf(call);
    const echo: EchoSpec = { callId, events: ['RECORDING_TOGGLE'] };
    await this.rt.request(paused ? 'pauseRecording' : 'resumeRecording', { callId }, echo);
    return new RecordingToggleResult({ isRecordingPaused: paused });
  }

  override pauseRecording(call?: CallRef): Promise<RecordingToggleResult> {
    return this.setRecordingPaused(true, call);
  }

  override resumeRecording(call?: CallRef): Promise<RecordingToggleResult> {
    return this.setRecordingPaused(false, call);
  }

  override async getAgentConfig(): Promise<AgentConfigResult> {
    const { result } = await this.rt.request('getAgentConfig', {});
    this.remember(result);
    const selectedPhone = new Phone({ type: result.phoneType, number: result.deskPhoneNumber ?? undefined });
    const devices = this.rt.softphone?.settings;
    return new AgentConfigResult({
      phones: ['SOFT_PHONE', 'DESK_PHONE'],
      selectedPhone,
      speakerDeviceId: devices?.speakerDeviceId ?? '',
      microphoneDeviceId: devices?.microphoneDeviceId ?? '',
    });
  }

  /**
   * The selected phone goes to the service; the speaker and microphone (device ids of this browser)
   * stay with the softphone's settings. A device change alone does not ask the service (which
   * refuses phone changes during a call).
   */
  override async setAgentConfig(config: unknown): Promise<SetAgentConfigResult> {
    const c = (config ?? {}) as {
      selectedPhone?: { type?: string; number?: string };
      speakerDeviceId?: unknown;
      microphoneDeviceId?: unknown;
    };
    const selected = c.selectedPhone;
    if (selected?.type !== 'SOFT_PHONE' && selected?.type !== 'DESK_PHONE')
      throw new ServiceError(
        'CAN_NOT_SET_AGENT_CONFIG',
        'selectedPhone.type must be SOFT_PHONE or DESK_PHONE',
      );
    const devices = {
      ...(typeof c.speakerDeviceId === 'string' ? { speakerDeviceId: c.speakerDeviceId } : {}),
      ...(typeof c.microphoneDeviceId === 'string' ? { microphoneDeviceId: c.microphoneDeviceId } : {}),
    };
    const current = this.agentConfig;
    const samePhone =
      current?.phoneType === selected.type &&
      (selected.type === 'SOFT_PHONE' || !selected.number || selected.number === current.deskPhoneNumber);
    if (Object.keys(devices).length > 0) {
      this.rt.softphone?.configure(devices);
      if (samePhone) return new SetAgentConfigResult({ success: true });
    }
    const patch: ParamsOf<'setAgentConfig'> = { phoneType: selected.type };
    if (selected.type === 'DESK_PHONE' && selected.number) patch.deskPhoneNumber = selected.number;
    try {
      const { result } = await this.rt.request('setAgentConfig', patch, {
        callId: null,
        events: ['AGENT_CONFIG_UPDATED'],
      });
      this.remember(result);
    } catch (err) {
      if (err instanceof ServiceError && err.type === 'CAN_NOT_SET_AGENT_CONFIG' && patch.deskPhoneNumber)
        throw new ServiceError('CAN_NOT_UPDATE_PHONE_NUMBER', err.message);
      throw err;
    }
    return new SetAgentConfigResult({ success: true });
  }

  override async getVoiceCapabilities(): Promise<VoiceCapabilitiesResult> {
    const devices = this.rt.softphone !== null;
    return new VoiceCapabilitiesResult({
      hasMute: true,
      hasRecord: true,
      hasMerge: true,
      hasSwap: true,
      hasBlindTransfer: true,
      hasSignedRecordingUrl: true,
      supportsMos: true,
      hasSupervisorListenIn: true,
      hasSupervisorBargeIn: true,
      hasPhoneBook: true,
      hasGetExternalSpeakerDeviceSetting: devices,
      hasSetExternalSpeakerDeviceSetting: devices,
      hasGetExternalMicrophoneDeviceSetting: devices,
      hasSetExternalMicrophoneDeviceSetting: devices,
      canConsult: false,
    });
  }

  override async wrapUpCall(call?: CallRef): Promise<void> {
    // The base library does not wait for this promise: a failure is logged, never thrown.
    try {
      await this.rt.request('wrapUp', { callId: this.callIdOf(call) });
    } catch (err) {
      this.rt.log.add('ERROR', 'wrap-up failed', String(err));
    }
  }

  override async getSignedRecordingUrl(
    _recordingUrl: string,
    vendorCallKey: string,
    callId: string,
  ): Promise<SignedRecordingUrlResult> {
    const { result } = await this.rt.request('getSignedRecordingUrl', { callId: vendorCallKey });
    return new SignedRecordingUrlResult({
      success: true,
      url: new URL(result.path, `${this.rt.serviceUrl()}/`).href,
      ...(result.durationSeconds !== null ? { duration: result.durationSeconds } : {}),
      callId,
    });
  }

  override async superviseCall(call: CallRef): Promise<SuperviseCallResult> {
    const callId = this.callIdOf(call);
    const echo: EchoSpec = { callId, events: ['SUPERVISOR_CALL_CONNECTED', 'SUPERVISOR_CALL_STARTED'] };
    const { result } = await this.rt.request('superviseCall', { callId }, echo);
    this.supervisedCallId = callId;
    return new SuperviseCallResult({ call: phoneCallOf(result.call, this.rt.mapping) });
  }

  override async supervisorBargeIn(call: CallRef): Promise<SuperviseCallResult> {
    const callId = call?.callId ? this.callIdOf(call) : (this.supervisedCallId ?? this.callIdOf());
    const { result } = await this.rt.request(
      'bargeIn',
      { callId },
      { callId, events: ['SUPERVISOR_BARGED_IN'] },
    );
    return new SuperviseCallResult({ call: phoneCallOf(result.call, this.rt.mapping) });
  }

  /** Also called without a call by the base library, when a supervisor accepts a call of their own. */
  override async supervisorDisconnect(call?: CallRef): Promise<SupervisorHangupResult> {
    const callId = call?.callId ? this.callIdOf(call) : this.supervisedCallId;
    if (!callId) throw new ServiceError('CAN_NOT_DISCONNECT_SUPERVISOR', 'not supervising a call');
    const echo: EchoSpec = { callId, events: ['SUPERVISOR_HANGUP'] };
    const { result } = await this.rt.request('supervisorDisconnect', { callId }, echo);
    this.supervisedCallId = undefined;
    this.rt.calls.forget(callId);
    return new SupervisorHangupResult({
      calls: [phoneCallOf(result.call, this.rt.mapping, { reason: 'ended' })],
    });
  }

  /** The browser's audio devices (labels once the microphone was shared). */
  override async getAudioDevices(): Promise<AudioDevicesResult> {
    const media = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
    const devices = media?.enumerateDevices ? await media.enumerateDevices() : [];
    return new AudioDevicesResult({
      audioDevices: devices
        .filter((d) => d.kind === 'audioinput' || d.kind === 'audiooutput')
        .map((d) => ({ deviceId: d.deviceId, kind: d.kind, label: d.label, groupId: d.groupId })),
    });
  }
}

type ParticipantResultT = ReturnType<typeof participantResultOf>;
