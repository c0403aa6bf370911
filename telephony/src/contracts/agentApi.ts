/**
 * The agent API's contract (the connector's WebSocket and login over HTTP): the one source of truth
 * for the connector ↔ service protocol. The service validates every frame with these schemas and
 * maps its rows to these types at the edge; the connector imports the types only. Imports nothing of
 * the engine or the database (eslint.config.js). Described for people in docs/agent-api.md.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Int, Text } from './bounds.ts';
import type { ErrorBody } from './errors.ts';

export type { ErrorBody, ErrorCode } from './errors.ts';

export type PresenceState = 'offline' | 'available' | 'busy' | 'on_call' | 'after_call_work';
export type ParticipantRole = 'initial_caller' | 'agent' | 'third_party' | 'supervisor';
export type ParticipantState = 'queued' | 'ringing' | 'dialing' | 'connected' | 'held' | 'ended';

/** A participant of a call as an agent sees it. */
export interface ParticipantView {
  id: string;
  role: ParticipantRole;
  type: string;
  userId: string | null;
  name: string | null;
  phoneNumber: string | null;
  state: ParticipantState;
  muted: boolean;
  onHold: boolean;
  isConsult: boolean;
}

/** A call as one agent sees it (`me` is that agent's participant id). */
export interface CallView {
  callId: string;
  /**
   * The vendor call key of the viewer's VoiceCall: the leg's id for an agent leg another agent added
   * (a transfer or consult: the Salesforce sync creates its own VoiceCall under that key), else `callId`.
   */
  vendorCallKey: string;
  callType: string;
  origin: string | null;
  state: string;
  from: string;
  to: string;
  callerName: string | null;
  attributes: Record<string, unknown>;
  queue: { id: string; name: string } | null;
  queuedAt: number | null;
  offerExpiresAt: number | null;
  initialCallId: string | null;
  parentCallId: string | null;
  isDeskPhone: boolean;
  /** `active`: audio is being recorded now (enabled, not paused, connected, the customer not on hold). */
  recording: { enabled: boolean; paused: boolean; active: boolean };
  startedAt: number;
  connectedAt: number | null;
  endedAt: number | null;
  me: string | null;
  participantType: string | null;
  participants: ParticipantView[];
}

/** An agent's presence: our state, time in state, the Salesforce status it maps to, the enqueued next state. */
export interface AgentStatus {
  state: PresenceState;
  reason: string | null;
  since: number;
  salesforceStatusId: string | null;
  nextState: { state: PresenceState; reason: string | null } | null;
}

/** The agent's devices and answering settings. */
export interface AgentConfig {
  phoneType: 'SOFT_PHONE' | 'DESK_PHONE';
  deskPhoneNumber: string | null;
  autoAccept: boolean;
  secondaryRing: { phoneNumber: string; delaySeconds: number } | null;
}

export type ContactType = 'Agent' | 'Queue' | 'PhoneBook' | 'Flow';

/** An entry of the phone book (`getPhoneContacts`). */
export interface PhoneContact {
  id: string;
  type: ContactType;
  name: string;
  phoneNumber?: string;
  availability?: 'AVAILABLE' | 'BUSY' | 'OFFLINE';
  queueWaitTime?: string;
}

/** A queue's statistics (`getQueueStats`; the simulator's `GET /queues`). */
export interface QueueStats {
  queueId: string;
  name: string;
  waiting: number;
  longestWaitSeconds: number;
  estimatedWaitSeconds: number;
  availableAgents: number;
  calls: Array<{ callId: string; from: string; queuedAt: number; waitSeconds: number; callType: string }>;
}

/** The logged-in user (`login`, `welcome`). */
export interface PublicUser {
  id: string;
  username: string;
  displayName: string;
  role: 'agent' | 'supervisor';
  salesforceUserId: string | null;
  contactCenterId: string;
}

const Id = Text({ minLength: 1, maxLength: 64 });
const CallRef = Type.Object({ callId: Id }, { additionalProperties: false });
const Empty = Type.Object({}, { additionalProperties: false });

export const Destination = Type.Union([
  Type.Object(
    { type: Type.Literal('phoneNumber'), phoneNumber: Text({ minLength: 1, maxLength: 32 }) },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('agent'), userId: Id }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('queue'), queueId: Id }, { additionalProperties: false }),
  Type.Object(
    { type: Type.Literal('flow'), flowName: Text({ minLength: 1, maxLength: 80 }) },
    { additionalProperties: false },
  ),
]);
export type Destination = Static<typeof Destination>;

const OurSettableState = Type.Union([
  Type.Literal('offline'),
  Type.Literal('available'),
  Type.Literal('busy'),
]);

export const AgentConfigPatch = Type.Object(
  {
    phoneType: Type.Optional(Type.Union([Type.Literal('SOFT_PHONE'), Type.Literal('DESK_PHONE')])),
    deskPhoneNumber: Type.Optional(Type.Union([Text({ maxLength: 32 }), Type.Null()])),
    autoAccept: Type.Optional(Type.Boolean()),
    secondaryRing: Type.Optional(
      Type.Union([
        Type.Object(
          {
            phoneNumber: Text({ minLength: 1, maxLength: 32 }),
            delaySeconds: Int({ minimum: 0, maximum: 120 }),
          },
          { additionalProperties: false },
        ),
        Type.Null(),
      ]),
    ),
  },
  { additionalProperties: false },
);

/** Every request method and the schema of its params. */
export const RequestParams = {
  getAgentStatus: Empty,
  setAgentStatus: Type.Object(
    {
      statusId: Text({ minLength: 1, maxLength: 64 }),
      statusName: Type.Optional(Text({ maxLength: 255 })),
      enqueueNextState: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false },
  ),
  setPresenceStatuses: Type.Object(
    {
      statuses: Type.Array(
        Type.Object(
          {
            statusId: Text({ minLength: 1, maxLength: 64 }),
            statusName: Text({ minLength: 1, maxLength: 255 }),
            hasChannels: Type.Boolean(),
            isOffline: Type.Boolean(),
          },
          { additionalProperties: false },
        ),
        { maxItems: 200 },
      ),
    },
    { additionalProperties: false },
  ),
  getActiveCalls: Empty,
  acceptCall: CallRef,
  declineCall: CallRef,
  endCall: CallRef,
  removeParticipant: Type.Object({ callId: Id, participantId: Id }, { additionalProperties: false }),
  mute: CallRef,
  unmute: CallRef,
  hold: Type.Object({ callId: Id, participantId: Id }, { additionalProperties: false }),
  resume: Type.Object({ callId: Id, participantId: Id }, { additionalProperties: false }),
  dial: Type.Object(
    {
      destination: Destination,
      callback: Type.Optional(Type.Object({ initialCallId: Id }, { additionalProperties: false })),
    },
    { additionalProperties: false },
  ),
  sendDigits: Type.Object(
    { callId: Id, digits: Text({ minLength: 1, maxLength: 64 }) },
    { additionalProperties: false },
  ),
  addParticipant: Type.Object(
    { callId: Id, destination: Destination, blind: Type.Boolean() },
    { additionalProperties: false },
  ),
  swap: CallRef,
  conference: CallRef,
  pauseRecording: CallRef,
  resumeRecording: CallRef,
  wrapUp: Type.Object(
    { callId: Id, disposition: Type.Optional(Text({ minLength: 1, maxLength: 80 })) },
    { additionalProperties: false },
  ),
  getAgentConfig: Empty,
  setAgentConfig: AgentConfigPatch,
  getPhoneContacts: Type.Object(
    {
      contains: Type.Optional(Text({ maxLength: 100 })),
      limit: Type.Optional(Int({ minimum: 1, maximum: 500 })),
      offset: Type.Optional(Int({ minimum: 0 })),
      types: Type.Optional(
        Type.Array(
          Type.Union([
            Type.Literal('Agent'),
            Type.Literal('Queue'),
            Type.Literal('PhoneBook'),
            Type.Literal('Flow'),
          ]),
          { maxItems: 4 },
        ),
      ),
    },
    { additionalProperties: false },
  ),
  getQueueStats: Empty,
  getSettings: Empty,
  listActiveCalls: Empty,
  superviseCall: CallRef,
  bargeIn: CallRef,
  supervisorDisconnect: CallRef,
  setUserStatus: Type.Object(
    { userId: Id, state: OurSettableState, reason: Type.Optional(Text({ maxLength: 80 })) },
    { additionalProperties: false },
  ),
  sendMessage: Type.Object({ message: Type.Unknown() }, { additionalProperties: false }),
  getSignedRecordingUrl: CallRef,
  /** A workspace operation of the Lightning components (docs/workspace.md, contracts/workspace.ts). */
  workspace: Type.Object(
    { op: Text({ minLength: 1, maxLength: 40 }), params: Type.Optional(Type.Unknown()) },
    { additionalProperties: false },
  ),
} satisfies Record<string, TSchema>;

export type Method = keyof typeof RequestParams;
export type ParamsOf<M extends Method> = Static<(typeof RequestParams)[M]>;

export const Hello = Type.Object(
  {
    type: Type.Literal('hello'),
    token: Text({ minLength: 1, maxLength: 200 }),
    lastSeq: Type.Optional(Int({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
  },
  { additionalProperties: false },
);
export type Hello = Static<typeof Hello>;

export const RequestFrame = Type.Object(
  {
    type: Type.Literal('request'),
    id: Text({ minLength: 1, maxLength: 64 }),
    method: Text(),
    params: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false },
);
export type RequestFrame = Static<typeof RequestFrame>;

export const LoginBody = Type.Object(
  {
    orgId: Text({ minLength: 15, maxLength: 18 }),
    contactCenter: Text({ minLength: 1, maxLength: 80 }),
    username: Text({ minLength: 1, maxLength: 80 }),
    password: Text({ minLength: 1, maxLength: 200 }),
    /** The device token an earlier successful sign-in of this user gave (docs/security.md). */
    deviceToken: Type.Optional(Text({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

/** What each method answers (`response.result`). */
export interface MethodResults {
  getAgentStatus: AgentStatus;
  setAgentStatus: AgentStatus;
  setPresenceStatuses: { count: number };
  getActiveCalls: { calls: CallView[] };
  acceptCall: { call: CallView };
  declineCall: { call: CallView };
  endCall: { call: CallView };
  removeParticipant: { call: CallView };
  mute: { call: CallView };
  unmute: { call: CallView };
  hold: { call: CallView };
  resume: { call: CallView };
  dial: { call: CallView };
  sendDigits: { ok: true };
  addParticipant: { call: CallView; participantId: string };
  swap: { call: CallView };
  conference: { call: CallView };
  pauseRecording: { call: CallView };
  resumeRecording: { call: CallView };
  wrapUp: AgentStatus;
  getAgentConfig: AgentConfig;
  setAgentConfig: AgentConfig;
  getPhoneContacts: { contacts: PhoneContact[]; total: number };
  getQueueStats: { queues: QueueStats[] };
  listActiveCalls: { calls: CallView[] };
  setUserStatus: AgentStatus;
  getSettings: AgentSettings;
  superviseCall: { call: CallView };
  bargeIn: { call: CallView };
  supervisorDisconnect: { call: CallView };
  sendMessage: { ok: true };
  getSignedRecordingUrl: SignedRecordingLink;
  /** The operation's answer (`WorkspaceResults` in contracts/workspace.ts). */
  workspace: unknown;
}

/** The contact center settings an agent's connector applies (`getSettings`). */
export interface AgentSettings {
  ringTimeoutSeconds: number;
  wrapUpSeconds: number;
  recordingDefault: boolean;
  hiddenCallControls: Record<string, boolean>;
  removeParticipantVariant: 'ALWAYS' | 'NEVER' | 'ALWAYS_EXCEPT_ON_HOLD';
  customErrorLabels: Record<string, string>;
}

/** A recording link: `path` is relative to the service's URL and expires at `expiresAt`. */
export interface SignedRecordingLink {
  path: string;
  expiresAt: number;
  durationSeconds: number | null;
}

/** The data of each event an agent receives (`event.data`). */
export interface EventData {
  CALL_STARTED: { call: CallView };
  QUEUED_CALL_STARTED: { call: CallView };
  CALL_CONNECTED: { call: CallView };
  CALL_UPDATED: { call: CallView };
  HANGUP: {
    call: CallView;
    reason: 'ended' | 'error';
    agentStatus?: string;
    closeCallOnError?: boolean;
  };
  PARTICIPANT_ADDED: { call: CallView; participantId: string; blind: boolean };
  PARTICIPANT_CONNECTED: { call: CallView; participantId: string };
  PARTICIPANT_REMOVED: { call: CallView; participantId: string; reason?: string };
  MUTE_TOGGLE: { call: CallView; participantId: string; muted: boolean };
  HOLD_TOGGLE: { call: CallView; participantId: string; onHold: boolean };
  RECORDING_TOGGLE: { call: CallView; paused: boolean };
  PARTICIPANTS_SWAPPED: { call: CallView; heldParticipantId: string; resumedParticipantId: string };
  PARTICIPANTS_CONFERENCED: { call: CallView };
  SET_AGENT_STATUS: { status: AgentStatus };
  AFTER_CALL_WORK_STARTED: { callId: string; vendorCallKey: string };
  WRAP_UP_ENDED: { callId: string; vendorCallKey: string };
  AGENT_CONFIG_UPDATED: { config: AgentConfig };
  UPDATE_AUDIO_STATS: { callId: string; vendorCallKey: string; stats: Array<Record<string, unknown>> };
  SUPERVISOR_CALL_STARTED: { call: CallView };
  SUPERVISOR_CALL_CONNECTED: { call: CallView };
  SUPERVISOR_BARGED_IN: { call: CallView };
  SUPERVISOR_HANGUP: { call: CallView };
  CALL_BARGED_IN: { call: CallView; supervisorName: string | null };
  MESSAGE: { message: unknown };
}

export type AgentEventName = keyof EventData;
/** The events whose data is `{ call, … }`: the call as the receiving agent sees it, and more. */
export type CallEventName = {
  [E in AgentEventName]: EventData[E] extends { call: CallView } ? E : never;
}[AgentEventName];

export type ServerFrame =
  | { type: 'welcome'; user: PublicUser; seq: number; resumed: boolean }
  | { type: 'response'; id: string | null; ok: true; result: unknown }
  | { type: 'response'; id: string | null; ok: false; error: ErrorBody }
  | { type: 'event'; seq: number; event: string; data: unknown; at: number }
  | { type: 'sessionEnded'; reason: 'takenOver' | 'expired' | 'loggedOut' | 'invalid' };
