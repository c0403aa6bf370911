/**
 * Presence changes: from Salesforce (`setAgentStatus`, subscriber mapping), and from our side
 * (a supervisor, a scheduled break), which are pushed back as SET_AGENT_STATUS. After a missed call
 * the org's "Update Status on Push Time-Out" sets the status in Omni-Channel, not the service.
 */
import type { UserTable } from '../db/schema.ts';
import { refuse } from '../domain/errors.ts';
import type { SalesforceStatus } from '../domain/presenceRules.ts';
import { endWrapUp } from './callState.ts';
import { JOB_BREAK_START } from './jobKinds.ts';
import { failOffer, routeWaiting } from './routing.ts';
import type { Tx } from './engine.ts';
import {
  agentStatus,
  loadUser,
  mapSalesforceStatus,
  setNextState,
  setPresence,
  type AgentStatus,
  type NextState,
} from './presence.ts';

export const BREAK_REASON = 'Break';

/** Applies a state now, or — during a call or an offer — when that ends. */
async function applyState(tx: Tx, user: UserTable, next: NextState): Promise<UserTable> {
  if (user.active_call_id) {
    await setNextState(tx, user, next);
    return { ...user, next_state_json: JSON.stringify(next) };
  }
  if (user.offered_leg_id && next.state !== 'available') {
    const leg = await tx.db
      .selectFrom('participants')
      .selectAll()
      .where('id', '=', user.offered_leg_id)
      .executeTakeFirst();
    if (leg) await failOffer(tx, leg, 'FailedConnectAgent');
    user = await loadUser(tx, user.id);
  }
  if (user.wrap_up_call_id) {
    await setNextState(tx, user, next);
    user = await endWrapUp(tx, { ...user, next_state_json: JSON.stringify(next) });
  } else {
    if (user.next_state_json) await setNextState(tx, user, null);
    user = await setPresence(tx, { ...user, next_state_json: null }, next.state, next.reason, next.push);
  }
  await routeWaiting(tx);
  return user;
}

/** The agent logged out of telephony: offline now (a ringing offer goes to the next agent), or after the current call. */
export async function logOutOfRouting(tx: Tx, userId: string): Promise<void> {
  await applyState(tx, await loadUser(tx, userId), { state: 'offline', reason: null, push: false });
}

/** The agent picked a status in Omni-Channel (`setAgentStatus`, with `enqueueNextState`). */
export async function setAgentStatus(
  tx: Tx,
  userId: string,
  params: { statusId: string; statusName?: string | undefined; enqueueNextState?: boolean | undefined },
): Promise<AgentStatus> {
  const user = await loadUser(tx, userId);
  const mapped = await mapSalesforceStatus(tx, user, params.statusId, params.statusName);
  const next: NextState = { ...mapped, push: false };
  if (params.enqueueNextState && (user.active_call_id || user.wrap_up_call_id || user.offered_leg_id)) {
    await setNextState(tx, user, next);
    return agentStatus(tx, await loadUser(tx, userId));
  }
  return agentStatus(tx, await applyState(tx, user, next));
}

/** A change made on our side (supervisor, scheduled break): applied and pushed to Salesforce. */
export async function setStateFromOurSide(
  tx: Tx,
  userId: string,
  state: 'offline' | 'available' | 'busy',
  reason: string | null,
): Promise<AgentStatus> {
  const user = await loadUser(tx, userId);
  return agentStatus(
    tx,
    await applyState(tx, user, { state, reason: state === 'busy' ? reason : null, push: true }),
  );
}

export async function setUserStatusAsSupervisor(
  tx: Tx,
  supervisorId: string,
  params: { userId: string; state: 'offline' | 'available' | 'busy'; reason?: string | undefined },
): Promise<AgentStatus> {
  const supervisor = await loadUser(tx, supervisorId);
  if (supervisor.role !== 'supervisor')
    refuse('CAN_NOT_SET_AGENT_STATUS', "only supervisors change another agent's status");
  const target = await tx.db
    .selectFrom('users')
    .select('id')
    .where('id', '=', params.userId)
    .where('contact_center_id', '=', tx.ccId)
    .executeTakeFirst();
  if (!target) refuse('INVALID_PARAMS', `no user ${params.userId}`);
  return setStateFromOurSide(tx, params.userId, params.state, params.reason ?? null);
}

/** Stores the contact center's Salesforce presence statuses (the connector config's `userPresenceStatuses`). */
export async function setPresenceStatuses(tx: Tx, statuses: SalesforceStatus[]): Promise<{ count: number }> {
  const ids = new Set(statuses.map((s) => s.statusId));
  if (ids.size !== statuses.length) refuse('INVALID_PARAMS', 'duplicate statusId');
  await tx.db.deleteFrom('presence_statuses').where('contact_center_id', '=', tx.ccId).execute();
  if (statuses.length > 0) {
    await tx.db
      .insertInto('presence_statuses')
      .values(
        statuses.map((s, position) => ({
          contact_center_id: tx.ccId,
          status_id: s.statusId,
          name: s.name,
          has_channels: s.hasChannels ? 1 : 0,
          is_offline: s.isOffline ? 1 : 0,
          position,
        })),
      )
      .execute();
  }
  return { count: statuses.length };
}

/** Schedules a break: busy "Break" at `at` for `minutes`, then back to available. */
export async function scheduleBreak(
  tx: Tx,
  userId: string,
  at: number,
  minutes: number,
  reason: string,
): Promise<void> {
  await loadUser(tx, userId);
  await tx.schedule(JOB_BREAK_START, userId, at, { minutes, reason });
}
