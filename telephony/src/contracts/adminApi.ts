/**
 * The admin API's JSON (docs/admin-api.md) as TypeBox schemas: requests are validated with them (Ajv,
 * through Fastify), answers are typed by them. The Apex classes of force-app/ send and parse the same
 * shapes (SwitchboardAdminApi.cls). Imports nothing of the engine or the database (eslint.config.js).
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Int, Text } from './bounds.ts';
import type { ErrorCode } from './errors.ts';
import { SALESFORCE_ID_PATTERN } from '../../../shared/salesforceIds.ts';

const closed = { additionalProperties: false } as const;
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
/** One of the strings (a plain JSON Schema enum: one clear error message). */
const StringEnum = <T extends string[]>(values: [...T]) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: values });
/** An optional request property: absent or null. */
const Optional = <T extends TSchema>(schema: T) => Type.Optional(Nullable(schema));

export const SalesforceId = Text({ pattern: SALESFORCE_ID_PATTERN });
export const SalesforceUserId = Text({ pattern: '^005[a-zA-Z0-9]{12}(?:[a-zA-Z0-9]{3})?$' });
/** One of our ids (`CC…`, `QU…`, `GR…`, `KY…`), or a Salesforce id where the path allows it. */
export const Ref = Text({ pattern: '^[A-Za-z0-9_-]{1,64}$' });
const Hostname = Text({ pattern: '^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$' });
const Url = Text({ minLength: 1, maxLength: 2048 });
const Name = Text({ minLength: 1, maxLength: 80 });
const IsoTime = Text({ format: 'date-time' });

// ---- paths and query strings

export const CcParams = Type.Object({ cc: Ref }, closed);
export type CcParams = Static<typeof CcParams>;
export const KeyParams = Type.Object({ cc: Ref, keyId: Ref }, closed);
export type KeyParams = Static<typeof KeyParams>;
export const QueueParams = Type.Object({ cc: Ref, queueId: Ref }, closed);
export type QueueParams = Static<typeof QueueParams>;
export const GroupParams = Type.Object({ cc: Ref, groupId: Ref }, closed);
export type GroupParams = Static<typeof GroupParams>;
export const UserParams = Type.Object({ cc: Ref, salesforceUserId: SalesforceUserId }, closed);
export type UserParams = Static<typeof UserParams>;
export const DestinationQuery = Type.Object(
  { destinationType: Type.Optional(StringEnum(['queue', 'flow'])) },
  closed,
);
export type DestinationQuery = Static<typeof DestinationQuery>;

// ---- connect, keys, org domain

export const ConnectBody = Type.Object(
  {
    orgId: SalesforceId,
    salesforceContactCenterId: Optional(SalesforceId),
    internalName: Optional(Text({ maxLength: 80 })),
    displayName: Optional(Text({ maxLength: 80 })),
    partnerContactCenterId: Optional(Text({ maxLength: 64 })),
    /** Not sent by the package yet: the telephony API URL and My Domain, when Salesforce gives them. */
    scrtUrl: Optional(Url),
    orgDomain: Optional(Hostname),
  },
  closed,
);
export type ConnectBody = Static<typeof ConnectBody>;

export const PartnerContactCenter = Type.Object({
  id: Text(),
  apiName: Text(),
  displayName: Text(),
});
export const ConnectAnswer = Type.Object({
  account: Type.Object({ orgId: Text(), name: Text() }),
  contactCenters: Type.Array(PartnerContactCenter),
  boundContactCenterId: Nullable(Text()),
});
export type ConnectAnswer = Static<typeof ConnectAnswer>;

export const KeyRotationBody = Type.Object({ salesforceContactCenterId: Optional(SalesforceId) }, closed);
export type KeyRotationBody = Static<typeof KeyRotationBody>;

export const PartnerKey = Type.Object({
  id: Text(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('active'), Type.Literal('retired')]),
  publicKeyPem: Text(),
  certificatePem: Text(),
  createdAt: IsoTime,
  expiresAt: IsoTime,
  activatedAt: Nullable(IsoTime),
});
export type PartnerKey = Static<typeof PartnerKey>;

export const OrgDomainBody = Type.Object({ orgDomain: Optional(Hostname), scrtUrl: Url }, closed);
export type OrgDomainBody = Static<typeof OrgDomainBody>;
export const OrgDomainAnswer = Type.Object({
  id: Text(),
  scrtUrl: Text(),
  orgDomain: Nullable(Text()),
});
export type OrgDomainAnswer = Static<typeof OrgDomainAnswer>;

// ---- users

export const UserAddBody = Type.Object(
  {
    users: Type.Array(
      Type.Object(
        {
          salesforceUserId: SalesforceUserId,
          firstName: Optional(Text({ maxLength: 40 })),
          lastName: Name,
          username: Name,
        },
        closed,
      ),
      { minItems: 1, maxItems: 200 },
    ),
  },
  closed,
);
export type UserAddBody = Static<typeof UserAddBody>;
export const UserAddAnswer = Type.Object({
  users: Type.Array(
    Type.Object({ salesforceUserId: Text(), partnerUserId: Text(), created: Type.Boolean() }),
  ),
});
export type UserAddAnswer = Static<typeof UserAddAnswer>;

export const UserRemoveBody = Type.Object(
  {
    users: Type.Array(Type.Object({ salesforceUserId: SalesforceUserId }, closed), {
      minItems: 1,
      maxItems: 200,
    }),
  },
  closed,
);
export type UserRemoveBody = Static<typeof UserRemoveBody>;

export const PasswordBody = Type.Object({ password: Text({ minLength: 10, maxLength: 200 }) }, closed);
export type PasswordBody = Static<typeof PasswordBody>;

export const AgentSettings = Type.Object(
  {
    autoAccept: Type.Boolean(),
    secondaryRing: Nullable(
      Type.Object(
        {
          phoneNumber: Text({ minLength: 1, maxLength: 40 }),
          delaySeconds: Int({ minimum: 0, maximum: 120 }),
        },
        closed,
      ),
    ),
    callerId: Nullable(Text({ minLength: 1, maxLength: 40 })),
    defaultOutboundQueueId: Nullable(Ref),
  },
  closed,
);
export type AgentSettings = Static<typeof AgentSettings>;
export const AgentSettingsView = Type.Object({
  settings: AgentSettings,
  options: Type.Object({
    callerIds: Type.Array(Type.Object({ phoneNumber: Text(), label: Nullable(Text()) })),
    queues: Type.Array(Type.Object({ id: Text(), name: Text() })),
  }),
});
export type AgentSettingsView = Static<typeof AgentSettingsView>;

// ---- queues and groups

export const QueueCreateBody = Type.Object(
  { name: Name, priority: Optional(Int({ minimum: 0, maximum: 100 })) },
  closed,
);
export type QueueCreateBody = Static<typeof QueueCreateBody>;
export const PartnerQueue = Type.Object({
  id: Text(),
  name: Text(),
  priority: Int(),
  memberCount: Int(),
});
export type PartnerQueue = Static<typeof PartnerQueue>;

export const QueueMembersBody = Type.Object(
  {
    salesforceUserIds: Type.Array(SalesforceUserId, { maxItems: 500 }),
    groupIds: Type.Array(Ref, { maxItems: 500 }),
  },
  closed,
);
export type QueueMembersBody = Static<typeof QueueMembersBody>;

export const GroupCreateBody = Type.Object(
  { name: Name, description: Optional(Text({ maxLength: 255 })) },
  closed,
);
export type GroupCreateBody = Static<typeof GroupCreateBody>;
export const PartnerGroup = Type.Object({
  id: Text(),
  name: Text(),
  description: Nullable(Text()),
  memberCount: Int(),
});
export type PartnerGroup = Static<typeof PartnerGroup>;

export const GroupMembersBody = Type.Object(
  {
    add: Optional(Type.Array(SalesforceUserId, { maxItems: 500 })),
    remove: Optional(Type.Array(SalesforceUserId, { maxItems: 500 })),
  },
  closed,
);
export type GroupMembersBody = Static<typeof GroupMembersBody>;

// ---- routing, recordings, intelligence

export const TransferDestination = Type.Object({
  destinationType: Type.Union([Type.Literal('queue'), Type.Literal('flow')]),
  id: Text(),
  name: Text(),
});
export type TransferDestination = Static<typeof TransferDestination>;

export const PartnerPhoneNumber = Type.Object({
  phoneNumber: Text(),
  countryCode: Nullable(Text()),
  numberType: Text(),
  label: Nullable(Text()),
  targetType: Type.Union([Type.Literal('queue'), Type.Literal('user'), Type.Literal('flow')]),
  targetId: Text(),
});
export type PartnerPhoneNumber = Static<typeof PartnerPhoneNumber>;

export const SignedUrlBody = Type.Object(
  {
    vendorCallKeys: Type.Array(Text({ minLength: 1, maxLength: 255 }), { minItems: 1, maxItems: 100 }),
    expiresInMinutes: Optional(Int({ minimum: 5, maximum: 1440 })),
  },
  closed,
);
export type SignedUrlBody = Static<typeof SignedUrlBody>;
export const SignedUrl = Type.Object({
  vendorCallKey: Text(),
  url: Nullable(Text()),
  expiresInMinutes: Nullable(Int()),
  errorCode: Nullable(Int()),
});
export type SignedUrl = Static<typeof SignedUrl>;
export const RecordingParams = Type.Object({ vendorCallKey: Text({ minLength: 1, maxLength: 255 }) }, closed);
export type RecordingParams = Static<typeof RecordingParams>;
/** A contact center's recording settings (docs/admin-api.md): what a PATCH may change. */
export const RecordingSettingsPatch = Type.Object(
  {
    recordingDefault: Type.Optional(Type.Boolean()),
    recordingRetentionDays: Type.Optional(Int({ minimum: 0, maximum: 3650 })),
  },
  { ...closed, minProperties: 1 },
);
export type RecordingSettingsPatch = Static<typeof RecordingSettingsPatch>;
export interface RecordingSettings {
  recordingDefault: boolean;
  recordingRetentionDays: number;
}

export const IntelligenceService = Type.Object({
  service: Text(),
  label: Text(),
  signalTypes: Type.Array(Text()),
});
export type IntelligenceService = Static<typeof IntelligenceService>;

export const Ok = Type.Object({ ok: Type.Literal(true) });
export type Ok = Static<typeof Ok>;

/** The admin API's error codes (of the service's one vocabulary, contracts/errors.ts). */
export type AdminErrorCode = Extract<
  ErrorCode,
  | 'INVALID_PARAMS'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'UNAVAILABLE'
  | 'GENERIC_ERROR'
>;

export type { ErrorDetails } from './errors.ts';
