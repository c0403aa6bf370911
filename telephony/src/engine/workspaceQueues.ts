/**
 * The workspace's Queue and Skills (docs/workspace.md): the calls waiting in my queues, longest wait
 * first; picking one (when the contact center lets agents pull calls); my queues' counters.
 */
import type { CallView } from '../contracts/agentApi.ts';
import type { Skill, WaitingCall } from '../contracts/workspace.ts';
import type { UserTable } from '../db/schema.ts';
import { ForbiddenError, InvalidStateError, NotFoundError } from '../domain/errors.ts';
import { viewFor } from './callState.ts';
import { queueStats } from './contacts.ts';
import type { Tx } from './engine.ts';
import { loadUser } from './presence.ts';
import { offerDirect } from './routing.ts';
import { settings } from './settings.ts';

/** The queues a user works: every queue of the contact center for a supervisor, else her memberships. */
export async function myQueueIds(tx: Tx, user: UserTable): Promise<string[]> {
  if (user.role === 'supervisor') {
    const all = await tx.db
      .selectFrom('queues')
      .select('id')
      .where('contact_center_id', '=', tx.ccId)
      .execute();
    return all.map((q) => q.id);
  }
  const rows = await tx.db
    .selectFrom('queue_members')
    .select('queue_members.queue_id')
    .where('queue_members.member_type', '=', 'user')
    .where('queue_members.member_id', '=', user.id)
    .union(
      tx.db
        .selectFrom('queue_members')
        .innerJoin('group_members', 'group_members.group_id', 'queue_members.member_id')
        .select('queue_members.queue_id')
        .where('queue_members.member_type', '=', 'group')
        .where('group_members.user_id', '=', user.id),
    )
    .execute();
  return rows.map((r) => r.queue_id);
}

export async function waitingCalls(
  tx: Tx,
  userId: string,
): Promise<{ calls: WaitingCall[]; canPick: boolean }> {
  const me = await loadUser(tx, userId);
  const queueIds = await myQueueIds(tx, me);
  const canPick = (await settings(tx)).agentsMayPickCalls;
  if (queueIds.length === 0) return { calls: [], canPick };
  const rows = await tx.db
    .selectFrom('participants as p')
    .innerJoin('calls as c', 'c.id', 'p.call_id')
    .innerJoin('queues as q', 'q.id', 'p.queue_id')
    .select([
      'p.call_id',
      'p.queue_id',
      'p.queued_at',
      'p.view_type',
      'c.from_number',
      'c.caller_name',
      'c.to_number',
      'q.name as queue_name',
    ])
    .where('p.contact_center_id', '=', tx.ccId)
    .where('p.role', '=', 'agent')
    .where('p.state', 'in', ['queued', 'ringing'])
    .where('p.queue_id', 'in', queueIds)
    .where((eb) => eb.or([eb('p.not_before', 'is', null), eb('p.not_before', '<=', tx.now)]))
    .orderBy('p.queued_at')
    .orderBy('p.call_id')
    .execute();
  return {
    canPick,
    calls: rows.map((r) => ({
      callId: r.call_id,
      caller: r.from_number,
      callerName: r.caller_name,
      dialedNumber: r.to_number,
      queueId: r.queue_id as string,
      queueName: r.queue_name,
      waitingSince: r.queued_at ?? tx.now,
      callType: r.view_type ?? 'Inbound',
    })),
  };
}

/** Rings me with a call waiting in one of my queues (not one ringing someone else). */
export async function pickCall(tx: Tx, userId: string, callId: string): Promise<{ call: CallView }> {
  if (!(await settings(tx)).agentsMayPickCalls)
    throw new ForbiddenError('this contact center does not let agents pick calls');
  const me = await loadUser(tx, userId);
  const queueIds = await myQueueIds(tx, me);
  const leg = await tx.db
    .selectFrom('participants')
    .selectAll()
    .where('contact_center_id', '=', tx.ccId)
    .where('call_id', '=', callId)
    .where('role', '=', 'agent')
    .where('state', 'in', ['queued', 'ringing'])
    .executeTakeFirst();
  if (!leg?.queue_id || !queueIds.includes(leg.queue_id))
    throw new NotFoundError(`no call ${callId} waiting in your queues`);
  if (leg.state !== 'queued' || (leg.not_before !== null && leg.not_before > tx.now))
    throw new InvalidStateError('the call is not waiting for an agent');
  // Available or Busy (a status without calls pushed): picking is how a busy agent takes one on purpose.
  if (!['available', 'busy'].includes(me.presence_state) || me.offered_leg_id || me.active_call_id)
    throw new InvalidStateError(
      'you must be logged in, out of after-call work and without a call to pick one',
    );
  await offerDirect(tx, leg, me);
  return { call: await viewFor(tx, callId, userId) };
}

export async function mySkills(tx: Tx, userId: string): Promise<{ queues: Skill[] }> {
  const mine = new Set(await myQueueIds(tx, await loadUser(tx, userId)));
  const queues = (await queueStats(tx)).filter((q) => mine.has(q.queueId));
  return {
    queues: queues.map((q) => ({
      queueId: q.queueId,
      name: q.name,
      waiting: q.waiting,
      longestWaitSeconds: q.longestWaitSeconds,
      estimatedWaitSeconds: q.estimatedWaitSeconds,
      availableAgents: q.availableAgents,
    })),
  };
}
