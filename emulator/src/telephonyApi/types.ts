/** The emulator's public types (docs/salesforce-telephony-api.md, "The emulator"). */

export interface ContactCenterRegistration {
  /** Salesforce org id (15 or 18 chars): the JWT `iss`. */
  orgId: string;
  /** The contact center API name: the JWT `sub`. */
  callCenterApiName: string;
  /** Accepted verification keys, PEM: SPKI public key or X.509 certificate; any one may verify. */
  keys: string[];
}

export type FlowRoute = { type: 'agent'; userId: string } | { type: 'queue'; queueId: string };

export interface FlowRule {
  flowDevName?: string;
  dialedNumber?: string;
  route: FlowRoute;
}

export type CallDisposition = 'new' | 'in-progress' | 'completed';

export interface EmulatedParticipant {
  participantKey: string;
  type: string;
}

export interface EmulatedUpdate {
  at: number;
  body: Record<string, unknown>;
}

export interface EmulatedTranscript {
  receivedAt: number;
  messageId: string;
  content: string;
  senderType: string;
  /** As Salesforce stores it: `{conversationKey}{senderType}` for END_USER, SUPERVISOR, VIRTUAL_AGENT. */
  participantId: string;
  /** As the client sent it. */
  sentParticipantId: string;
  startTime: number;
  endTime: number;
}

export type FlowMatch = 'dialedNumber' | 'flowDevName' | 'fallbackQueue';

export interface EmulatedFlowExecution {
  at: number;
  request: Record<string, unknown>;
  route: FlowRoute;
  matchedBy: FlowMatch;
}

export interface EmulatedConversationEvents {
  receivedAt: number;
  service: string;
  events: Record<string, unknown>[];
}

export interface EmulatedVoiceCall {
  voiceCallId: string;
  orgId: string;
  callCenterApiName: string;
  vendorCallKey: string;
  /** The vendor call key of the conversation's first record (transcripts and events use it). */
  conversationKey: string;
  parentVoiceCallId: string | null;
  previousCallId: string | null;
  nextCallId: string | null;
  createdAt: number;
  /** Every create and update field's current value; `callAttributes` parsed into an object. */
  fields: Record<string, unknown>;
  participants: EmulatedParticipant[];
  callDisposition: CallDisposition;
  updates: EmulatedUpdate[];
  /** Kept on the conversation's first record. */
  transcripts: EmulatedTranscript[];
  flowExecutions: EmulatedFlowExecution[];
  pendingRouting: { route: FlowRoute; createdAt: number } | null;
  routingClears: number[];
  /** Kept on the conversation's first record. */
  conversationEvents: EmulatedConversationEvents[];
}

export interface ApiRequestLog {
  at: number;
  method: string;
  path: string;
  /** 0 until the answer is sent. */
  status: number;
  body: unknown;
  claims: { iss: string; sub: string } | null;
  idempotencyKey: string | null;
}
