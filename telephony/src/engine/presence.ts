/**
 * Agent presence: our states, time in state, the enqueued next state, and the two-way mapping to
 * Salesforce presence statuses (publisher/subscriber rules per contact center, group or user).
 */
import type { PresenceState, UserTable } from '../db/schema.ts';
import { ConnectorError } from '../domain/errors.ts';
import {
  toOurState,
  toSalesforceStatusId,
  type MappedState,
  type PresenceRule,
  type SalesforceStatus,
} from '../domain/presenceRules.ts';
import type { AgentStatus } from '../contracts/agentApi.ts';
import type { Tx } from './engine.ts';

export type { AgentStatus } from '../contracts/agentApi.ts';

/** A state to apply when the current call or after-call work ends. `push`: tell Salesforce. */
export interface NextState {
  state: 'offline' | 'available' | 'busy';
  reason: string | null;
  push: boolean;
}

export async function loadUser(tx: Tx, userId: string): Promise<UserTable> {
  const user = await tx.reads.get(`user:${userId}`, ['users'], () =>
    tx.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', userId)
      .where('contact_center_id', '=', tx.ccId)
      .executeTakeFirst(),
  );
  if (!user) throw new ConnectorError('INVALID_PARAMS', `unknown user ${userId}`);
  return user;
}

export async function salesforceStatuses(tx: Tx): Promise<SalesforceStatus[]> {
  const rows = await tx.reads.get('presenceStatuses', ['presence_statuses'], () =>
    tx.db
      .selectFrom('presence_statuses')
      .selectAll()
      .where('contact_center_id', '=', tx.ccId)
      .orderBy('position')
      .execute(),
  );
  return rows.map((r) => ({
    statusId: r.status_id,
    name: r.name,
    hasChannels: r.has_channels === 1,
    isOffline: r.is_offline === 1,
  }));
}

/** The rule in force: the user's own, else its first group's (by name) that has one, else the contact center's. */
export function ruleFor(tx: Tx, user: UserTable): Promise<PresenceRule | null> {
  return tx.reads.get(
    `presenceRule:${user.id}:${user.presence_rule_id ?? ''}`,
    ['group_members', 'groups', 'contact_centers', 'presence_rules'],
    () => readRule(tx, user),
  );
}

async function readRule(tx: Tx, user: UserTable): Promise<PresenceRule | null> {
  let ruleId = user.presence_rule_id;
  if (!ruleId) {
    const group = await tx.db
      .selectFrom('group_members')
      .innerJoin('groups', 'groups.id', 'group_members.group_id')
      .select('groups.presence_rule_id')
      .where('group_members.user_id', '=', user.id)
      .where('groups.presence_rule_id', 'is not', null)
      .orderBy('groups.name')
      .executeTakeFirst();
    ruleId = group?.presence_rule_id ?? null;
  }
  if (!ruleId) {
    const cc = await tx.db
      .selectFrom('contact_centers')
      .select('presence_rule_id')
      .where('id', '=', tx.ccId)
      .executeTakeFirst();
    ruleId = cc?.presence_rule_id ?? null;
  }
  if (!ruleId) return null;
  const rule = await tx.db
    .selectFrom('presence_rules')
    .selectAll()
    .where('id', '=', ruleId)
    .executeTakeFirst();
  if (!rule) return null;
  return {
    publisher: JSON.parse(rule.publisher_json) as PresenceRule['publisher'],
    subscriber: JSON.parse(rule.subscriber_json) as PresenceRule['subscriber'],
  };
}

export async function agentStatus(tx: Tx, user: UserTable): Promise<AgentStatus> {
  const next = user.next_state_json ? (JSON.parse(user.next_state_json) as NextState) : null;
  return {
    state: user.presence_state,
    reason: user.presence_reason,
    since: user.presence_since,
    salesforceStatusId: toSalesforceStatusId(
      await ruleFor(tx, user),
      await salesforceStatuses(tx),
      user.presence_state,
      user.presence_reason,
    ),
    nextState: next ? { state: next.state, reason: next.reason } : null,
  };
}

/** Subscriber mapping of a Salesforce status, or INVALID_AGENT_STATUS. */
export async function mapSalesforceStatus(
  tx: Tx,
  user: UserTable,
  statusId: string,
  statusName?: string,
): Promise<MappedState> {
  const mapped = toOurState(await ruleFor(tx, user), await salesforceStatuses(tx), statusId, statusName);
  if (!mapped) throw new ConnectorError('INVALID_AGENT_STATUS', `unknown presence status ${statusId}`);
  return mapped;
}

/**
 * Sets the user's presence. `push` sends SET_AGENT_STATUS with the mapped Salesforce status (a change
 * made on our side). Becoming available starts the idle clock used by longest-idle routing.
 */
/** The agent's routing state that changes together with presence (one update of the row). */
export type RoutingStateChange = Partial<
  Pick<UserTable, 'active_call_id' | 'offered_leg_id' | 'wrap_up_call_id' | 'next_state_json'>
>;

export async function setPresence(
  tx: Tx,
  user: UserTable,
  state: PresenceState,
  reason: string | null,
  push: boolean,
  also: RoutingStateChange = {},
): Promise<UserTable> {
  const changed = user.presence_state !== state || user.presence_reason !== reason;
  const updated: UserTable = {
    ...user,
    ...also,
    presence_state: state,
    presence_reason: state === 'busy' ? reason : null,
    presence_since: changed ? tx.now : user.presence_since,
    idle_since: state === 'available' && user.presence_state !== 'available' ? tx.now : user.idle_since,
  };
  await tx.db
    .updateTable('users')
    .set({
      ...also,
      presence_state: updated.presence_state,
      presence_reason: updated.presence_reason,
      presence_since: updated.presence_since,
      idle_since: updated.idle_since,
    })
    .where('id', '=', user.id)
    .execute();
  if (changed)
    await tx.publish({
      type: 'AgentPresenceChanged',
      contactCenterId: tx.ccId,
      userId: user.id,
      state: updated.presence_state,
      reason: updated.presence_reason,
    });
  if (push) await tx.emit(user.id, 'SET_AGENT_STATUS', { status: await agentStatus(tx, updated) });
  return updated;
}

export async function setNextState(tx: Tx, user: UserTable, next: NextState | null): Promise<void> {
  await tx.db
    .updateTable('users')
    .set({ next_state_json: next ? JSON.stringify(next) : null })
    .where('id', '=', user.id)
    .execute();
}
