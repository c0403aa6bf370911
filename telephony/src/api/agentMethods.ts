/** Dispatches a validated agent request to the engine, under the user's contact center lock. */
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { TSchema } from '@sinclair/typebox';
import { ConnectorError } from '../domain/errors.ts';
import { RequestParams, type Method, type MethodResults, type ParamsOf } from '../contracts/agentApi.ts';
import { agentConfig, setAgentConfig } from '../engine/agentConfig.ts';
import { recordAgentMessage } from '../engine/agentMessages.ts';
import { takeInjectedFailure, type InjectedFailureGate } from '../engine/injectedFailures.ts';
import { setAgentStatus, setPresenceStatuses, setUserStatusAsSupervisor } from '../engine/agentPresence.ts';
import { settings } from '../engine/settings.ts';
import * as calls from '../engine/calls.ts';
import { callIdOfVendorKey } from '../engine/callState.ts';
import { phoneContacts, queueStats } from '../engine/contacts.ts';
import type { Engine, Tx } from '../engine/engine.ts';
import { signedRecordingLink } from '../engine/recordingLinks.ts';
import { agentStatus, loadUser } from '../engine/presence.ts';
import * as supervisor from '../engine/supervisor.ts';
import type { ConnectorContext } from './connectorContext.ts';
import { runWorkspaceOp } from './workspace.ts';

const checks = Object.fromEntries(
  Object.entries(RequestParams).map(([m, schema]) => [m, TypeCompiler.Compile(schema as TSchema)]),
) as Record<Method, TypeCheck<TSchema>>;

export function isMethod(m: string): m is Method {
  return Object.hasOwn(RequestParams, m);
}

/** Validates params against the method's schema, or throws INVALID_PARAMS naming the first problem. */
export function validateParams<M extends Method>(method: M, params: unknown): ParamsOf<M> {
  const value = params ?? {};
  const check = checks[method];
  if (!check.Check(value)) {
    const first = check.Errors(value).First();
    throw new ConnectorError(
      'INVALID_PARAMS',
      `${method}: ${first?.path || '(params)'} ${first?.message ?? 'is invalid'}`,
    );
  }
  return value as ParamsOf<M>;
}

type Handler<M extends Method> = (
  tx: Tx,
  userId: string,
  p: ParamsOf<M>,
  connector: ConnectorContext,
) => Promise<MethodResults[M]>;

/** Every method but `workspace`, which runWorkspaceOp dispatches (its reads take no lock). */
const handlers: { [M in Exclude<Method, 'workspace'>]: Handler<M> } = {
  getAgentStatus: async (tx, u) => agentStatus(tx, await loadUser(tx, u)),
  setAgentStatus: (tx, u, p) => setAgentStatus(tx, u, p),
  setPresenceStatuses: (tx, _u, p) =>
    setPresenceStatuses(
      tx,
      p.statuses.map((s) => ({
        statusId: s.statusId,
        name: s.statusName,
        hasChannels: s.hasChannels,
        isOffline: s.isOffline,
      })),
    ),
  getActiveCalls: async (tx, u) => ({ calls: await calls.activeCallsOf(tx, u) }),
  acceptCall: (tx, u, p) => calls.acceptCall(tx, u, p.callId),
  declineCall: (tx, u, p) => calls.declineCall(tx, u, p.callId),
  endCall: (tx, u, p) => calls.endCall(tx, u, p.callId),
  removeParticipant: (tx, u, p) => calls.removeParticipant(tx, u, p.callId, p.participantId),
  mute: (tx, u, p) => calls.setMuted(tx, u, p.callId, true),
  unmute: (tx, u, p) => calls.setMuted(tx, u, p.callId, false),
  hold: (tx, u, p) => calls.setHold(tx, u, p.callId, p.participantId, true),
  resume: (tx, u, p) => calls.setHold(tx, u, p.callId, p.participantId, false),
  dial: (tx, u, p) => calls.dial(tx, u, p.destination, p.callback),
  sendDigits: (tx, u, p) => calls.sendDigits(tx, u, p.callId, p.digits),
  addParticipant: (tx, u, p) => calls.addParticipant(tx, u, p.callId, p.destination, p.blind),
  swap: (tx, u, p) => calls.swap(tx, u, p.callId),
  conference: (tx, u, p) => calls.conference(tx, u, p.callId),
  pauseRecording: (tx, u, p) => calls.setRecordingPaused(tx, u, p.callId, true),
  resumeRecording: (tx, u, p) => calls.setRecordingPaused(tx, u, p.callId, false),
  wrapUp: (tx, u, p) => calls.wrapUp(tx, u, p.callId, p.disposition),
  getAgentConfig: async (tx, u) => agentConfig(await loadUser(tx, u)),
  setAgentConfig: (tx, u, p) => setAgentConfig(tx, u, p),
  getPhoneContacts: (tx, u, p) => phoneContacts(tx, u, p),
  getQueueStats: async (tx) => ({ queues: await queueStats(tx) }),
  getSettings: async (tx) => {
    const s = await settings(tx);
    return {
      ringTimeoutSeconds: s.ringTimeoutSeconds,
      wrapUpSeconds: s.wrapUpSeconds,
      recordingDefault: s.recordingDefault,
      hiddenCallControls: s.hiddenCallControls,
      removeParticipantVariant: s.removeParticipantVariant,
      customErrorLabels: s.customErrorLabels,
    };
  },
  listActiveCalls: async (tx, u) => ({ calls: await supervisor.listActiveCalls(tx, u) }),
  superviseCall: async (tx, u, p) => supervisor.superviseCall(tx, u, await callIdOfVendorKey(tx, p.callId)),
  bargeIn: (tx, u, p) => supervisor.bargeIn(tx, u, p.callId),
  supervisorDisconnect: (tx, u, p) => supervisor.supervisorDisconnect(tx, u, p.callId),
  setUserStatus: (tx, u, p) => setUserStatusAsSupervisor(tx, u, p),
  sendMessage: async (tx, u, p) => {
    await recordAgentMessage(tx, u, p.message);
    return { ok: true };
  },
  getSignedRecordingUrl: async (tx, _u, p, connector) =>
    signedRecordingLink(tx, connector.recordingSecret, await callIdOfVendorKey(tx, p.callId)),
};

export interface Caller {
  userId: string;
  contactCenterId: string;
}

/** Runs one request; a refusal is a ConnectorError and leaves the database as it was. */
/** What agent methods run against: the engine and the connector's shared context. */
export interface AgentApiDeps {
  engine: Engine;
  connector: ConnectorContext;
  failures: InjectedFailureGate;
}

export async function runMethod(
  deps: AgentApiDeps,
  caller: Caller,
  method: string,
  params: unknown,
): Promise<unknown> {
  if (!isMethod(method)) throw new ConnectorError('INVALID_PARAMS', `unknown method ${method}`);
  const { engine, connector, failures } = deps;
  const valid = validateParams(method, params);
  if (await failures.mayHave(caller.contactCenterId)) {
    const injected = await engine.command(caller.contactCenterId, (tx) =>
      takeInjectedFailure(tx, caller.userId, method),
    );
    if (injected) {
      failures.taken(caller.contactCenterId);
      throw injected;
    }
  }
  if (method === 'workspace') {
    const request = valid as ParamsOf<'workspace'>;
    return runWorkspaceOp(engine, caller, request.op, request.params);
  }
  const handler = handlers[method] as Handler<typeof method>;
  return engine.command(caller.contactCenterId, (tx) => handler(tx, caller.userId, valid, connector));
}
