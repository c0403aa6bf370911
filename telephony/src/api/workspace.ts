/**
 * The workspace's operations (docs/workspace.md) behind the agent API's `workspace { op, params }`:
 * validated with their own schemas (INVALID_PARAMS naming the field, nothing changed), run as the
 * socket's user in her contact center. Reads run in a read transaction outside the contact center's
 * command lock; the operations that change something run as commands.
 */
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { TSchema } from '@sinclair/typebox';
import {
  WorkspaceParams,
  type WorkspaceOp,
  type WorkspaceParamsOf,
  type WorkspaceResults,
} from '../contracts/workspace.ts';
import { ConnectorError } from '../domain/errors.ts';
import { agentStats } from '../engine/agentStats.ts';
import { callIdOfVendorKey } from '../engine/callState.ts';
import { bargeIn, superviseCall } from '../engine/supervisor.ts';
import { listCallbacks, scheduleCallback } from '../engine/callbacks.ts';
import { Tx, type Engine } from '../engine/engine.ts';
import { callBack, history } from '../engine/history.ts';
import { subscribeWallboard, wallboardSnapshot } from '../engine/wallboard.ts';
import { mySkills, pickCall, waitingCalls } from '../engine/workspaceQueues.ts';

const checks = Object.fromEntries(
  Object.entries(WorkspaceParams).map(([op, schema]) => [op, TypeCompiler.Compile(schema as TSchema)]),
) as Record<WorkspaceOp, TypeCheck<TSchema>>;

type Handler<O extends WorkspaceOp> = (
  tx: Tx,
  userId: string,
  p: WorkspaceParamsOf<O>,
) => Promise<WorkspaceResults[O]>;

/** `write`: runs as a command under the contact center's lock; otherwise a plain read. */
const ops: { [O in WorkspaceOp]: { write: boolean; run: Handler<O> } } = {
  'queue.list': { write: false, run: (tx, u) => waitingCalls(tx, u) },
  'queue.pick': { write: true, run: (tx, u, p) => pickCall(tx, u, p.callId) },
  'skills.list': { write: false, run: (tx, u) => mySkills(tx, u) },
  'history.list': { write: false, run: (tx, u, p) => history(tx, u, p) },
  'history.callBack': { write: true, run: (tx, u, p) => callBack(tx, u, p.callId) },
  'callbacks.list': { write: false, run: (tx, u, p) => listCallbacks(tx, u, p.scope) },
  'callbacks.schedule': { write: true, run: (tx, u, p) => scheduleCallback(tx, u, p) },
  'stats.get': { write: false, run: (tx, u, p) => agentStats(tx, u, p.period) },
  'wallboard.snapshot': { write: false, run: (tx, u) => wallboardSnapshot(tx, u) },
  'wallboard.subscribe': { write: true, run: (tx, u) => subscribeWallboard(tx, u, true) },
  'wallboard.unsubscribe': { write: true, run: (tx, u) => subscribeWallboard(tx, u, false) },
  // The supervisor flow Omni-Channel's panel uses (superviseCall, bargeIn): its events reach the connector.
  'wallboard.listenIn': {
    write: true,
    run: async (tx, u, p) => superviseCall(tx, u, await callIdOfVendorKey(tx, p.callId)),
  },
  'wallboard.bargeIn': { write: true, run: (tx, u, p) => bargeIn(tx, u, p.callId) },
};

function isOp(op: string): op is WorkspaceOp {
  return Object.hasOwn(WorkspaceParams, op);
}

/** The operation's params, checked against its schema; INVALID_PARAMS names the first problem. */
export function checkParams<O extends WorkspaceOp>(op: O, params: unknown): WorkspaceParamsOf<O> {
  const value = params ?? {};
  const check = checks[op];
  if (!check.Check(value)) {
    const first = check.Errors(value).First();
    throw new ConnectorError(
      'INVALID_PARAMS',
      `${op}: ${first?.path || '(params)'} ${first?.message ?? 'is invalid'}`,
    );
  }
  return value as WorkspaceParamsOf<O>;
}

/** Runs a read in its own transaction, outside the contact center's command lock. */
export function readIn<T>(engine: Engine, ccId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return engine.db.transaction().execute((trx) => fn(new Tx(trx, ccId, engine.clock.now())));
}

/** Runs one workspace operation for `userId` of `ccId`; a refusal throws and changes nothing. */
export async function runWorkspaceOp(
  engine: Engine,
  caller: { userId: string; contactCenterId: string },
  op: string,
  params: unknown,
): Promise<unknown> {
  if (!isOp(op)) throw new ConnectorError('INVALID_PARAMS', `unknown workspace op ${op}`);
  const valid = checkParams(op, params);
  const { write, run } = ops[op] as { write: boolean; run: Handler<WorkspaceOp> };
  if (write) return engine.command(caller.contactCenterId, (tx) => run(tx, caller.userId, valid));
  return readIn(engine, caller.contactCenterId, (tx) => run(tx, caller.userId, valid));
}
