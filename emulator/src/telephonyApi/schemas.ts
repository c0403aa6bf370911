/** Request body schemas of the emulated API (TypeBox; Fastify validates them with Ajv). */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

const Text = (maxLength = 255) => Type.String({ minLength: 1, maxLength });
const DateTime = Type.String({ format: 'date-time' });
const EpochMs = Type.Integer({ minimum: 0 });
const Seconds = Type.Integer({ minimum: 0 });
const oneOf = (values: string[]) => Type.Union(values.map((v) => Type.Literal(v)));
const strict = <T extends Record<string, TSchema>>(props: T, options: { minProperties?: number } = {}) =>
  Type.Object(props, { additionalProperties: false, ...options });

/** A JSON object serialized as a string (documented) or the object itself (the developer guide's example). */
const CallAttributes = Type.Union([
  Type.String({ maxLength: 32_000 }),
  Type.Record(Type.String(), Type.Unknown()),
]);
const CallOrigin = oneOf(['Preview', 'Progressive', 'Voicemail']);

export const CreateVoiceCallBody = strict({
  callCenterApiName: Text(),
  vendorCallKey: Text(),
  to: Text(),
  from: Text(),
  initiationMethod: oneOf(['Inbound', 'Transfer']),
  startTime: DateTime,
  participants: Type.Array(strict({ participantKey: Text(), type: Type.Literal('END_USER') }), {
    minItems: 1,
    maxItems: 10,
  }),
  parentVoiceCallId: Type.Optional(Text()),
  queue: Type.Optional(Text()),
  callOrigin: Type.Optional(CallOrigin),
  callSubtype: Type.Optional(oneOf(['PSTN', 'WebRTC', 'webRTC'])),
  callAttributes: Type.Optional(CallAttributes),
});
export type CreateVoiceCallBody = Static<typeof CreateVoiceCallBody>;

export const UpdateVoiceCallBody = strict(
  {
    startTime: Type.Optional(DateTime),
    endTime: Type.Optional(DateTime),
    enqueueTime: Type.Optional(DateTime),
    acceptTime: Type.Optional(DateTime),
    fromNumber: Type.Optional(Text()),
    totalHoldDuration: Type.Optional(Seconds),
    longestHoldDuration: Type.Optional(Seconds),
    numberOfHolds: Type.Optional(Seconds),
    queue: Type.Optional(Text()),
    agent: Type.Optional(Text()),
    agentInteractionDuration: Type.Optional(Seconds),
    callOrigin: Type.Optional(CallOrigin),
    recordingLocation: Type.Optional(Text(1000)),
    totalRecordingDuration: Type.Optional(Seconds),
    callAttributes: Type.Optional(CallAttributes),
    isActiveCall: Type.Optional(Type.Boolean()),
    disconnectReason: Type.Optional(strict({ value: Text(), isError: Type.Boolean() })),
  },
  { minProperties: 1 },
);
export type UpdateVoiceCallBody = Static<typeof UpdateVoiceCallBody>;

export const SENDER_TYPES = ['END_USER', 'EXTERNAL_USER', 'HUMAN_AGENT', 'SUPERVISOR', 'VIRTUAL_AGENT'];

export const TranscriptMessage = strict({
  messageId: Text(),
  content: Text(10_000),
  senderType: oneOf(SENDER_TYPES),
  participantId: Text(),
  startTime: EpochMs,
  endTime: EpochMs,
});
export type TranscriptMessage = Static<typeof TranscriptMessage>;

export const BulkTranscriptsBody = strict({
  entries: Type.Array(
    strict({ vendorCallKey: Text(), messages: Type.Array(TranscriptMessage, { minItems: 1, maxItems: 5 }) }),
    { minItems: 1, maxItems: 5 },
  ),
});
export type BulkTranscriptsBody = Static<typeof BulkTranscriptsBody>;

export const OmniFlowBody = strict({
  dialedNumber: Type.Optional(Text()),
  flowDevName: Type.Optional(Text()),
  fallbackQueue: Type.Optional(Text()),
  flowInputParameters: Type.Optional(CallAttributes),
});
export type OmniFlowBody = Static<typeof OmniFlowBody>;

export const ConversationEventsBody = strict({
  service: Text(),
  persist: Type.Optional(Type.Boolean()),
  events: Type.Array(
    strict({
      type: oneOf(['IntelligenceSignal__Category', 'IntelligenceSignal__Sentiment']),
      value: Text(1000),
      startTime: EpochMs,
      score: Type.Optional(Type.Union([Type.Number(), Text(32)])),
      participant: Type.Optional(oneOf(['AGENT', 'CUSTOMER'])),
    }),
    { minItems: 1, maxItems: 100 },
  ),
});
export type ConversationEventsBody = Static<typeof ConversationEventsBody>;
