/**
 * The workspace's contract (docs/workspace.md): the operations the Lightning components ask through the
 * connector's `workspace { op, params }` request, their params schemas and their answers. Imports
 * nothing of the engine or the database.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { CallView } from './agentApi.ts';
import { Int, Text, Timestamp } from './bounds.ts';

const Id = Text({ minLength: 1, maxLength: 64 });
const Empty = Type.Object({}, { additionalProperties: false });
const CallRef = Type.Object({ callId: Id }, { additionalProperties: false });

export const Direction = Type.Union([
  Type.Literal('inbound'),
  Type.Literal('outbound'),
  Type.Literal('internal'),
  Type.Literal('callback'),
]);
export type Direction = Static<typeof Direction>;

/** How far ahead a callback may be scheduled. */
export const MAX_CALLBACK_AHEAD_MS = 30 * 24 * 3600_000;

/** Every workspace operation and the schema of its params. */
export const WorkspaceParams = {
  'queue.list': Empty,
  'queue.pick': CallRef,
  'skills.list': Empty,
  'history.list': Type.Object(
    {
      search: Type.Optional(Text({ minLength: 1, maxLength: 100 })),
      direction: Type.Optional(Direction),
      from: Type.Optional(Timestamp()),
      to: Type.Optional(Timestamp()),
      cursor: Type.Optional(Text({ minLength: 1, maxLength: 200 })),
      limit: Type.Optional(Int({ minimum: 1, maximum: 100 })),
    },
    { additionalProperties: false },
  ),
  'history.callBack': CallRef,
  'callbacks.list': Type.Object(
    { scope: Type.Union([Type.Literal('mine'), Type.Literal('queues')]) },
    { additionalProperties: false },
  ),
  'callbacks.schedule': Type.Object(
    {
      phoneNumber: Text({ minLength: 1, maxLength: 32 }),
      dueAt: Timestamp(),
      queueId: Type.Optional(Id),
      forMe: Type.Optional(Type.Literal(true)),
    },
    { additionalProperties: false },
  ),
  'stats.get': Type.Object(
    { period: Type.Union([Type.Literal('today'), Type.Literal('week')]) },
    { additionalProperties: false },
  ),
  'wallboard.snapshot': Empty,
  'wallboard.subscribe': Empty,
  'wallboard.unsubscribe': Empty,
  'wallboard.listenIn': CallRef,
  'wallboard.bargeIn': CallRef,
} satisfies Record<string, TSchema>;

export type WorkspaceOp = keyof typeof WorkspaceParams;
export type WorkspaceParamsOf<O extends WorkspaceOp> = Static<(typeof WorkspaceParams)[O]>;

export interface WaitingCall {
  callId: string;
  caller: string;
  callerName: string | null;
  dialedNumber: string;
  queueId: string;
  queueName: string;
  waitingSince: number;
  callType: string;
}

export interface Skill {
  queueId: string;
  name: string;
  waiting: number;
  longestWaitSeconds: number;
  estimatedWaitSeconds: number;
  availableAgents: number;
}

export interface HistoryItem {
  callId: string;
  direction: Direction;
  phoneNumber: string;
  callerName: string | null;
  queueName: string | null;
  startedAt: number;
  connectedAt: number | null;
  endedAt: number | null;
  talkSeconds: number;
  holdSeconds: number;
  answered: boolean;
  disposition: string | null;
  recorded: boolean;
}

export interface Callback {
  callbackId: string;
  phoneNumber: string;
  dueAt: number;
  queueId: string | null;
  queueName: string | null;
  forUserId: string | null;
  state: 'scheduled' | 'waiting' | 'ringing';
  createdAt: number;
}

export interface StatsBucket {
  start: number;
  label: string;
  handled: number;
  missed: number;
}

export interface AgentStats {
  period: 'today' | 'week';
  from: number;
  to: number;
  handled: number;
  missed: number;
  avgTalkSeconds: number;
  avgHoldSeconds: number;
  avgWrapUpSeconds: number;
  avgHandleSeconds: number;
  occupancy: number;
  series: StatsBucket[];
}

export interface WallboardQueue {
  queueId: string;
  name: string;
  waiting: number;
  longestWaitSeconds: number;
  answered: number;
  abandoned: number;
  serviceLevel: number | null;
}

export interface WallboardAgent {
  userId: string;
  name: string;
  state: string;
  reason: string | null;
  since: number;
  callId: string | null;
}

export interface WallboardCall {
  callId: string;
  state: string;
  direction: string;
  from: string;
  to: string;
  queueName: string | null;
  agentIds: string[];
  startedAt: number;
  connectedAt: number | null;
}

export interface Wallboard {
  at: number;
  queues: WallboardQueue[];
  agents: WallboardAgent[];
  calls: WallboardCall[];
}

/** A wallboard push: the fresh rows of what changed, and the calls that ended. */
export interface WallboardDelta extends Wallboard {
  removedCallIds: string[];
}

/** What each operation answers (`data` of the reply). */
export interface WorkspaceResults {
  'queue.list': { calls: WaitingCall[]; canPick: boolean };
  'queue.pick': { call: CallView };
  'skills.list': { queues: Skill[] };
  'history.list': { items: HistoryItem[]; nextCursor: string | null };
  'history.callBack': { call: CallView };
  'callbacks.list': { callbacks: Callback[] };
  'callbacks.schedule': { callback: Callback };
  'stats.get': AgentStats;
  'wallboard.snapshot': Wallboard;
  'wallboard.subscribe': { subscribed: boolean };
  'wallboard.unsubscribe': { subscribed: boolean };
  'wallboard.listenIn': { call: CallView };
  'wallboard.bargeIn': { call: CallView };
}

/** The payloads the connector publishes as `MESSAGE` for the components. */
export type WorkspaceMessage =
  | { switchboard: 'workspace.reply'; id: string; ok: true; data: unknown }
  | { switchboard: 'workspace.reply'; id: string; ok: false; error: { code: string; message: string } }
  | { switchboard: 'workspace.event'; topic: 'wallboard'; data: WallboardDelta };
