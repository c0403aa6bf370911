/**
 * What the engine asks of the world outside it, given to it at the composition root (`server.ts`).
 * The engine imports nothing of `salesforce/`, `api/` or `admin/`; it calls these ports instead.
 */
import type { Tx } from './engine.ts';

/** Where a call from a dialed number goes: a queue, an agent (direct line) or an Omni-Channel flow. */
export interface RoutingTarget {
  type: 'queue' | 'user' | 'flow';
  id: string;
}

/** Routing that waits for the CRM: the leg or call is routed anyway after `holdMs` (service clock). */
export interface Hold {
  holdMs: number;
}

/**
 * The CRM side of routing (Salesforce's VoiceCall records and Omni-Channel flows). Both methods run
 * inside the command's transaction, so what they write commits with the call.
 */
export interface CrmPort {
  /**
   * An inbound call was recorded. A hold means its routing waits until the CRM has its record: the
   * CRM side then runs the engine's `routeRecordedCall` command (or the engine routes it after
   * `holdMs`). Null: route now.
   */
  inboundRecorded(tx: Tx, call: { callId: string; target: RoutingTarget }): Promise<Hold | null>;
  /**
   * A leg is to be routed by a flow. A hold means the flow was asked: its answer comes through the
   * engine's `routeFlowResult` command, else the leg goes to its fallback queue after `holdMs`.
   * Null: the fallback queue routes it now.
   */
  flowRequested(
    tx: Tx,
    request: { callId: string; legId: string; flowDevName: string; fallbackQueueId: string },
  ): Promise<Hold | null>;
}

/** No CRM: everything routes at once. */
export const noCrm: CrmPort = {
  inboundRecorded: async () => null,
  flowRequested: async () => null,
};

export interface EnginePorts {
  crm: CrmPort;
}
