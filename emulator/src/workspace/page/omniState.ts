/**
 * What Omni-Channel knows of the agent's work, updated from the connector's events: presence,
 * the ringing offer, the agent's lines and the parties they added, after-call work, supervision.
 */

/** A PhoneCall as the connector dispatches it (scv-connector-base's PhoneCall, serialised). */
export interface PhoneCall {
  callId: string;
  connectionId?: string;
  callType?: string;
  state?: string;
  phoneNumber?: string;
  reason?: string;
  agentStatus?: string;
  closeCallOnError?: boolean;
  isReplayedCall?: boolean;
  contact?: { id?: string; type?: string; name?: string; phoneNumber?: string };
  callInfo?: Record<string, unknown> & {
    isOnHold?: boolean;
    isMuted?: boolean;
    isRecordingPaused?: boolean;
    recordEnabled?: boolean;
    isSoftphoneCall?: boolean;
    removeParticipantVariant?: string;
    queueName?: string | null;
  };
  callAttributes?: Record<string, unknown> & {
    participantType?: string;
    isOnHold?: boolean;
    hasSupervisorBargedIn?: boolean;
  };
}

export interface Ringing {
  call: PhoneCall;
  queued: boolean;
  /** The agent accepted; a callback then starts dialing (CALL_STARTED) instead of connecting. */
  accepted: boolean;
  receivedAt: number;
}

export interface Notice {
  at: number;
  tone: 'error' | 'info' | 'warning' | 'success';
  text: string;
}

interface ChannelStats {
  packetsCount?: number;
  packetsLost?: number;
  jitterBufferMillis?: number;
  roundTripTimeMillis?: number;
}

export interface AudioDevice {
  deviceId: string;
  kind: string;
  label: string;
}

export interface AudioSample {
  inputChannelStats?: ChannelStats;
  outputChannelStats?: ChannelStats;
}

export class OmniState {
  statusId = '0';
  statusSince = Date.now();
  pendingStatusId: string | null = null;
  ready = false;
  login: { visible: boolean; height: number } = { visible: false, height: 0 };
  ringing: Ringing | null = null;
  /** The agent's own line per call. */
  readonly lines = new Map<string, PhoneCall>();
  /** Parties the agent added, by connection id. */
  readonly legs = new Map<string, PhoneCall>();
  muted = false;
  /** The browser's audio devices, as GET_AUDIO_DEVICES answered. */
  audioDevices: AudioDevice[] = [];
  /** The last AUDIO_STATS sample per call (what the base library forwards from UPDATE_AUDIO_STATS). */
  readonly audioStats = new Map<string, AudioSample>();
  /**
   * The Mean Opinion Score per call: the base library's G.107 score of the call's stats, sent with
   * UPDATE_AUDIO_STATS_COMPLETED; Salesforce stores it in the VoiceCall's Mean Opinion Score field.
   */
  readonly mos = new Map<string, number>();
  acw: { callId: string; since: number } | null = null;
  supervised: { call: PhoneCall; bargedIn: boolean } | null = null;
  bargedInBy: string | null = null;
  capabilities: Record<string, unknown> = {};
  agentConfig: { phones?: string[]; selectedPhone?: { type: string; number?: string } } = {};
  contacts: { list: Array<Record<string, unknown>>; contactTypes: unknown } = { list: [], contactTypes: [] };
  readonly notices: Notice[] = [];
  readonly messages: Array<{ at: number; message: unknown }> = [];
  recordingLinks = new Map<string, { url: string; duration?: number }>();

  notice(tone: Notice['tone'], text: string): void {
    this.notices.push({ at: Date.now(), tone, text });
    if (this.notices.length > 20) this.notices.shift();
  }

  setStatus(statusId: string): void {
    if (statusId !== this.statusId) this.statusSince = Date.now();
    this.statusId = statusId;
    this.pendingStatusId = null;
  }

  /** The agent has a call (ringing, connected or in after-call work). */
  busy(): boolean {
    return this.lines.size > 0 || this.ringing !== null || this.acw !== null;
  }

  upsertLine(call: PhoneCall): void {
    if (isLeg(call)) this.legs.set(call.connectionId, { ...this.legs.get(call.connectionId), ...call });
    else this.lines.set(call.callId, { ...this.lines.get(call.callId), ...call });
  }

  removeCall(call: PhoneCall): void {
    if (isLeg(call)) {
      this.legs.delete(call.connectionId);
      return;
    }
    this.lines.delete(call.callId);
    for (const [id, leg] of this.legs) if (leg.callId === call.callId) this.legs.delete(id);
    if (this.ringing?.call.callId === call.callId) this.ringing = null;
  }
}

/** A party the agent added: its own connection of the call (a line's connection id is its call id). */
export function isLeg(call: PhoneCall): call is PhoneCall & { connectionId: string } {
  return call.connectionId !== undefined && call.connectionId !== call.callId;
}

/** Lists of calls arrive as an array, a map or one call. */
export function callsOf(payload: unknown): PhoneCall[] {
  if (!payload) return [];
  if (Array.isArray(payload)) return payload as PhoneCall[];
  const p = payload as { callId?: string; calls?: unknown };
  if (p.calls) return callsOf(p.calls);
  if (typeof p.callId === 'string') return [payload as PhoneCall];
  return Object.values(payload as Record<string, PhoneCall>).filter(
    (c) => c && typeof c === 'object' && 'callId' in c,
  );
}

/** Calls the agent places: CALL_STARTED means dialing, not an offer. */
const DIALING_TYPES = new Set(['outbound', 'dialedcallback']);

/** Applies one connector event to the state. */
export function applyEvent(
  state: OmniState,
  type: string,
  payload: unknown,
  labels: (p: unknown) => string,
): void {
  const call = payload as PhoneCall;
  switch (type) {
    case 'SHOW_LOGIN':
      state.login = {
        visible: true,
        height: Number((payload as { loginFrameHeight?: number })?.loginFrameHeight ?? 350),
      };
      return;
    case 'LOGIN_RESULT':
      if ((payload as { success?: boolean })?.success) state.login = { visible: false, height: 0 };
      return;
    case 'LOGOUT_RESULT':
      state.ready = false;
      state.lines.clear();
      state.legs.clear();
      state.ringing = null;
      state.setStatus('0');
      state.login = {
        visible: true,
        height: Number((payload as { loginFrameHeight?: number })?.loginFrameHeight ?? 350),
      };
      state.notice('info', 'Logged out of the telephony system.');
      return;
    case 'QUEUED_CALL_STARTED':
      state.ringing = { call, queued: true, accepted: false, receivedAt: Date.now() };
      return;
    case 'CALL_STARTED': {
      const dialing = DIALING_TYPES.has((call.callType ?? '').toLowerCase());
      const accepted = state.ringing?.call.callId === call.callId && state.ringing.accepted;
      if (dialing || accepted || state.lines.has(call.callId)) {
        if (state.ringing?.call.callId === call.callId) state.ringing = null;
        state.acw = null;
        state.upsertLine(call);
      } else state.ringing = { call, queued: false, accepted: false, receivedAt: Date.now() };
      return;
    }
    case 'CALL_CONNECTED':
      if (state.ringing?.call.callId === call.callId) state.ringing = null;
      state.acw = null;
      state.upsertLine({ ...call, state: 'connected' });
      return;
    case 'CALL_UPDATED':
      if (state.lines.has(call.callId)) state.upsertLine(call);
      return;
    case 'CALL_FAILED':
      state.notice('error', 'The call could not be placed.');
      return;
    case 'HANGUP':
      for (const c of callsOf(payload)) {
        const missed = c.agentStatus ?? c.reason;
        if (state.ringing?.call.callId === c.callId && missed)
          state.notice('warning', `Call ${c.callId} withdrawn: ${missed}`);
        state.removeCall({ ...c, connectionId: c.callId });
        state.audioStats.delete(c.callId);
      }
      if (state.lines.size === 0) state.muted = false;
      return;
    case 'PARTICIPANT_ADDED':
    case 'PARTICIPANT_CONNECTED': {
      const leg = payload as PhoneCall & { connectionId?: string };
      if (!leg.connectionId) return;
      state.legs.set(leg.connectionId, {
        ...leg,
        callType: 'AddParticipant',
        state: type === 'PARTICIPANT_CONNECTED' ? 'transferred' : 'transferring',
      });
      return;
    }
    case 'PARTICIPANT_REMOVED':
      for (const c of callsOf(payload))
        if (isLeg(c) ? state.legs.has(c.connectionId) : true) state.removeCall(c);
      return;
    case 'AUDIO_STATS': {
      const a = (payload as { audioStats?: { callId?: string; stats?: AudioSample[] } })?.audioStats;
      const last = a?.stats?.[a.stats.length - 1];
      if (a?.callId && last) state.audioStats.set(a.callId, last);
      return;
    }
    case 'UPDATE_AUDIO_STATS_COMPLETED': {
      const p = payload as { callId?: string; mos?: number };
      if (p?.callId && typeof p.mos === 'number') state.mos.set(p.callId, p.mos);
      return;
    }
    case 'MUTE_TOGGLE':
      state.muted = Boolean((payload as { isMuted?: boolean })?.isMuted);
      return;
    case 'HOLD_TOGGLE':
    case 'PARTICIPANTS_SWAPPED':
    case 'PARTICIPANTS_CONFERENCED':
      for (const c of callsOf(payload)) {
        if (c.callType === 'AddParticipant' && c.connectionId)
          state.legs.set(c.connectionId, { ...state.legs.get(c.connectionId), ...c });
        else if (state.lines.has(c.callId)) state.upsertLine(c);
      }
      if ((payload as { isCallMerged?: boolean })?.isCallMerged)
        state.notice('info', 'Calls merged into a conference.');
      return;
    case 'RECORDING_TOGGLE': {
      const paused = Boolean((payload as { isRecordingPaused?: boolean })?.isRecordingPaused);
      for (const [id, line] of state.lines)
        state.lines.set(id, { ...line, callInfo: { ...line.callInfo, isRecordingPaused: paused } });
      return;
    }
    case 'SET_AGENT_STATUS': {
      const id = (payload as { statusId?: string })?.statusId;
      if (id) state.setStatus(id);
      return;
    }
    case 'GET_AGENT_STATUS_RESULT': {
      const id = (payload as { statusId?: string })?.statusId;
      if (id) state.setStatus(id);
      return;
    }
    case 'SET_AGENT_STATUS_RESULT':
      if (!(payload as { success?: boolean })?.success)
        state.notice('error', 'Omni-Channel could not change the status.');
      else if (state.pendingStatusId && !state.busy()) state.setStatus(state.pendingStatusId);
      return;
    case 'AFTER_CALL_WORK_STARTED':
      state.acw = { callId: (payload as { callId: string }).callId, since: Date.now() };
      return;
    case 'WRAP_UP_ENDED':
      state.acw = null;
      return;
    case 'GET_AUDIO_DEVICES':
      state.audioDevices = (payload as { audioDevices?: AudioDevice[] })?.audioDevices ?? [];
      return;
    case 'PHONE_CONTACTS': {
      const p = payload as { contacts?: Array<Record<string, unknown>>; contactTypes?: unknown };
      state.contacts = { list: p.contacts ?? [], contactTypes: p.contactTypes ?? [] };
      return;
    }
    case 'AGENT_CONFIG_UPDATED':
      state.notice('success', 'Phone settings saved.');
      return;
    case 'SUPERVISOR_CALL_STARTED':
    case 'SUPERVISOR_CALL_CONNECTED':
      state.supervised = { call, bargedIn: false };
      return;
    case 'SUPERVISOR_BARGED_IN':
      if (state.supervised) state.supervised.bargedIn = true;
      return;
    case 'SUPERVISOR_HANGUP':
      state.supervised = null;
      return;
    case 'CALL_BARGED_IN':
      state.bargedInBy = String((payload as { supervisorName?: string })?.supervisorName ?? 'A supervisor');
      state.notice('warning', `${state.bargedInBy} joined the call.`);
      return;
    case 'MESSAGE':
      state.messages.push({ at: Date.now(), message: payload });
      return;
    case 'SIGNED_RECORDING_URL': {
      const p = payload as { success?: boolean; url?: string; duration?: number; callId?: string };
      if (p.success && p.url && p.callId)
        state.recordingLinks.set(p.callId, { url: p.url, ...(p.duration ? { duration: p.duration } : {}) });
      else state.notice('error', 'The recording is not available.');
      return;
    }
    case 'ERROR':
      state.notice('error', labels(payload));
      return;
    case 'INFO':
      state.notice('info', String((payload as { message?: string })?.message ?? 'info'));
      return;
  }
}
