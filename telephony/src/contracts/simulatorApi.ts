/**
 * The simulator API's contract (docs/simulator-api.md): the phone network, callers and desk phones,
 * the directory and the controls, over HTTP at `/sim/v1`. The request schemas validate the bodies
 * (TypeBox, through Fastify's Ajv); the answer types are what the routes send and what the Voice Call
 * Simulator page reads. Imports nothing of the engine or the database (eslint.config.js).
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Int, Prose, RECORDING_URL_PATTERN, Text, Timestamp } from './bounds.ts';
import { ContactCenterSettings } from '../domain/settings.ts';
import type { AgentConfig, AgentStatus, ParticipantRole, QueueStats } from './agentApi.ts';
import { CONNECTOR_ERROR_CODES } from './errors.ts';

export type { ErrorBody, ErrorCode } from './errors.ts';

// ---------------------------------------------------------------------------------------------------
// Requests

const Phone = Text({ minLength: 1, maxLength: 32 });
/** Where a recording is stored: https only (docs/security.md, "Recording links"). */
const RecordingUrl = Text({ format: 'uri', pattern: RECORDING_URL_PATTERN, maxLength: 2000 });

export const InboundBody = Type.Object(
  {
    from: Phone,
    to: Phone,
    callerName: Type.Optional(Text({ maxLength: 120 })),
    attributes: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);
export type InboundBody = Static<typeof InboundBody>;

/** DTMF digits a caller or an external third party keys (checked by the engine: 0-9, *, #, A-D, ≤ 64). */
export const DigitsBody = Type.Object(
  { digits: Text({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);
export type DigitsBody = Static<typeof DigitsBody>;

export const TranscriptBody = Type.Object(
  {
    participantId: Type.Optional(Text()),
    speaker: Type.Union(
      ['END_USER', 'HUMAN_AGENT', 'VIRTUAL_AGENT', 'SUPERVISOR'].map((s) => Type.Literal(s)),
    ),
    text: Prose({ minLength: 1, maxLength: 10_000 }),
    startTime: Type.Optional(Timestamp()),
    endTime: Type.Optional(Timestamp()),
  },
  { additionalProperties: false },
);
export type TranscriptBody = Static<typeof TranscriptBody>;

export const RecordingBody = Type.Object(
  { url: RecordingUrl, durationSeconds: Int({ minimum: 0 }) },
  { additionalProperties: false },
);
export type RecordingBody = Static<typeof RecordingBody>;

export const VoicemailBody = Type.Object(
  {
    url: RecordingUrl,
    durationSeconds: Int({ minimum: 0 }),
    transcript: Type.Optional(Prose({ maxLength: 10_000 })),
  },
  { additionalProperties: false },
);
export type VoicemailBody = Static<typeof VoicemailBody>;

export const CallbackBody = Type.Object(
  { phoneNumber: Type.Optional(Phone), at: Type.Optional(Timestamp()) },
  { additionalProperties: false },
);
export type CallbackBody = Static<typeof CallbackBody>;

export const AudioStatsBody = Type.Object(
  { stats: Type.Array(Type.Record(Type.String(), Type.Unknown()), { maxItems: 100 }) },
  { additionalProperties: false },
);
export type AudioStatsBody = Static<typeof AudioStatsBody>;

export const DialerBody = Type.Object(
  { to: Phone, queueId: Text({ minLength: 1 }), from: Type.Optional(Phone) },
  { additionalProperties: false },
);
export type DialerBody = Static<typeof DialerBody>;

export const DeskPhoneBody = Type.Object(
  { callId: Text({ minLength: 1 }), participantId: Type.Optional(Text()) },
  { additionalProperties: false },
);
export type DeskPhoneBody = Static<typeof DeskPhoneBody>;

export const DESK_PHONE_ACTIONS = ['answer', 'hold', 'resume', 'mute', 'unmute', 'hangup'] as const;
export type DeskPhoneAction = (typeof DESK_PHONE_ACTIONS)[number];
export const DeskPhoneParams = Type.Object({
  userId: Text(),
  action: Type.Union(DESK_PHONE_ACTIONS.map((a) => Type.Literal(a))),
});

export const FailNextBody = Type.Object(
  {
    code: Type.Optional(Type.Union(CONNECTOR_ERROR_CODES.map((c) => Type.Literal(c)))),
    customErrorLabel: Type.Optional(Text({ minLength: 1, maxLength: 80 })),
    method: Type.Optional(Text({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
export type FailNextBody = Static<typeof FailNextBody>;

export const BreakBody = Type.Object(
  {
    at: Type.Optional(Timestamp()),
    minutes: Type.Number({ exclusiveMinimum: 0, maximum: 480 }),
    reason: Type.Optional(Text({ minLength: 1, maxLength: 80 })),
  },
  { additionalProperties: false },
);
export type BreakBody = Static<typeof BreakBody>;

export const MessageBody = Type.Object({ message: Type.Unknown() }, { additionalProperties: false });
export type MessageBody = Static<typeof MessageBody>;

/**
 * A JSON schema where nothing is required and nothing has a default (Ajv would otherwise fill in every
 * setting a patch leaves out); the merged settings are checked and completed by `parseSettings`.
 */
function patchSchema(schema: TSchema): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema), (key, value: unknown) =>
    key === 'default' || key === 'required' ? undefined : value,
  ) as Record<string, unknown>;
}

/** Any settings; a nested object (hiddenCallControls, labels) replaces the stored one, completed with defaults. */
export const SettingsPatch = patchSchema(
  Type.Partial(ContactCenterSettings, { additionalProperties: false }),
);
export type SettingsPatch = Partial<ContactCenterSettings>;

export const AgentConfigBody = Type.Object(
  {
    phoneType: Type.Optional(Type.Union([Type.Literal('SOFT_PHONE'), Type.Literal('DESK_PHONE')])),
    deskPhoneNumber: Type.Optional(Type.Union([Text({ maxLength: 32 }), Type.Null()])),
    autoAccept: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type AgentConfigBody = Static<typeof AgentConfigBody>;

/** Agent methods the simulator may run on an agent's behalf (their phone or the phone system's side). */
export const PHONE_METHODS = [
  'dial',
  'addParticipant',
  'sendDigits',
  'swap',
  'conference',
  'pauseRecording',
  'resumeRecording',
] as const;
export const PhoneRequest = Type.Object(
  {
    method: Type.Union(PHONE_METHODS.map((m) => Type.Literal(m))),
    params: Type.Record(Type.String(), Type.Unknown()),
  },
  { additionalProperties: false },
);
export type PhoneRequest = Static<typeof PhoneRequest>;

// ---------------------------------------------------------------------------------------------------
// Answers

/** `GET /calls/:callId`: a call with every participant and its transcript. */
export interface CallDetail {
  callId: string;
  contactCenterId: string;
  kind: string;
  origin: string | null;
  state: string;
  from: string;
  to: string;
  queueId: string | null;
  initialCallId: string | null;
  recording: {
    enabled: boolean;
    paused: boolean;
    active: boolean;
    url: string | null;
    durationSeconds: number | null;
  };
  voicemailUrl: string | null;
  dtmf: string;
  isDeskPhone: boolean;
  holdMs: number;
  agentInteractionMs: number;
  disposition: string | null;
  createdAt: number;
  connectedAt: number | null;
  endedAt: number | null;
  endReason: string | null;
  participants: Array<{
    id: string;
    role: ParticipantRole;
    userId: string | null;
    name: string | null;
    phoneNumber: string | null;
    state: string;
    muted: boolean;
    device: string | null;
    holdMs: number;
    queueId: string | null;
    leaveReason: string | null;
  }>;
  transcript: Array<{
    id: string;
    participantId: string | null;
    speaker: string;
    text: string;
    startTime: number;
    endTime: number;
  }>;
}

export type AgentStatusView = Omit<AgentStatus, 'nextState'> & Partial<Pick<AgentStatus, 'nextState'>>;

/** An agent of the directory (`GET /contact-centers`). */
export interface DirectoryAgent {
  id: string;
  username: string;
  displayName: string;
  role: 'agent' | 'supervisor';
  salesforceUserId: string | null;
  loggedIn: boolean;
  status: AgentStatusView;
  config: AgentConfig;
  activeCallId: string | null;
}

/** A contact center of the directory (`GET /contact-centers`). */
export interface ContactCenterView {
  id: string;
  orgId: string;
  apiName: string;
  displayName: string;
  settings: Partial<ContactCenterSettings>;
  numbers: Array<{ number: string; label: string | null; targetType: string; targetId: string }>;
  queues: Array<{ id: string; name: string }>;
  flows: Array<{ id: string; devName: string }>;
  agents: DirectoryAgent[];
}

export interface ActiveCallParticipant {
  id: string;
  role: ParticipantRole;
  userId: string | null;
  name: string | null;
  phoneNumber: string | null;
  state: string;
  muted: boolean;
  onHold: boolean;
  device: string | null;
}

/** A call not ended yet (`GET /calls`). */
export interface ActiveCall {
  callId: string;
  contactCenterId: string;
  kind: string;
  origin: string | null;
  state: string;
  from: string;
  to: string;
  callerName: string | null;
  queueId: string | null;
  isDeskPhone: boolean;
  recording: { enabled: boolean; paused: boolean; active: boolean };
  createdAt: number;
  connectedAt: number | null;
  participants: ActiveCallParticipant[];
}

/** A queue's statistics (`GET /queues`): as the agent API's `getQueueStats` gives them. */
export type QueueStatsView = QueueStats;

/** A desk phone or secondary device that rings now (`GET /devices`). */
export interface RingingDevice {
  userId: string;
  callId: string;
  participantId: string;
  device: string;
  phoneNumber: string | null;
}

/** A message an agent sent (`GET /agents/:userId/messages`). */
export interface AgentMessageView {
  message: unknown;
  at: number;
}
