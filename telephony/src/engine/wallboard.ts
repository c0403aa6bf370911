/**
 * The supervisors' wallboard (docs/workspace.md): the contact center's queues (waiting, longest wait,
 * answered, abandoned and service level today), agents (state, time in state, current call) and live
 * calls; a delta with the fresh rows of what a committed change touched; the subscriptions to it.
 */
import type {
  Wallboard,
  WallboardAgent,
  WallboardCall,
  WallboardDelta,
  WallboardQueue,
} from '../contracts/workspace.ts';
import { ForbiddenError } from '../domain/errors.ts';
import { queueStats } from './contacts.ts';
import type { Tx } from './engine.ts';
import { loadUser } from './presence.ts';

/** Answered within this many seconds counts for the service level. */
export const SERVICE_LEVEL_SECONDS = 20;
/** How long a subscription lasts without being renewed. */
export const SUBSCRIPTION_MS = 12 * 3600_000;
const DAY = 24 * 3600_000;
const LIVE_CALL_STATES = ['queued', 'ringing', 'dialing', 'connected', 'voicemail'] as const;

export async function requireSupervisor(tx: Tx, userId: string): Promise<void> {
  if ((await loadUser(tx, userId)).role !== 'supervisor')
    throw new ForbiddenError('the wallboard is for supervisors only');
}

async function queues(tx: Tx): Promise<WallboardQueue[]> {
  const since = Math.floor(tx.now / DAY) * DAY;
  const stats = await queueStats(tx);
  if (stats.length === 0) return [];
  const ids = stats.map((q) => q.queueId);
  // Counted in SQL over the indexes (queue_id, queued_at) and (queue_id, created_at): today's rows only.
  const answered = await tx.db
    .selectFrom('participants')
    .select((eb) => [
      'queue_id',
      eb.fn.countAll<number | string>().as('n'),
      eb.fn
        .sum<number | string>(
          eb
            .case()
            .when(eb('joined_at', '<=', eb('queued_at', '+', SERVICE_LEVEL_SECONDS * 1000)))
            .then(1)
            .else(0)
            .end(),
        )
        .as('quick'),
    ])
    .where('queue_id', 'in', ids)
    .where('queued_at', '>=', since)
    .where('role', '=', 'agent')
    .where('joined_at', 'is not', null)
    .groupBy('queue_id')
    .execute();
  const abandoned = await tx.db
    .selectFrom('calls')
    .select(['queue_id', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('queue_id', 'in', ids)
    .where('created_at', '>=', since)
    .where('end_reason', '=', 'abandoned')
    .groupBy('queue_id')
    .execute();
  return stats.map((q) => {
    const mine = answered.find((a) => a.queue_id === q.queueId);
    const count = Number(mine?.n ?? 0);
    const quick = Number(mine?.quick ?? 0);
    const lost = Number(abandoned.find((a) => a.queue_id === q.queueId)?.n ?? 0);
    const offered = count + lost;
    return {
      queueId: q.queueId,
      name: q.name,
      waiting: q.waiting,
      longestWaitSeconds: q.longestWaitSeconds,
      answered: count,
      abandoned: lost,
      serviceLevel: offered === 0 ? null : Math.round((quick / offered) * 1000) / 1000,
    };
  });
}

async function agents(tx: Tx, userIds?: string[]): Promise<WallboardAgent[]> {
  if (userIds?.length === 0) return [];
  let query = tx.db
    .selectFrom('users')
    .select(['id', 'display_name', 'presence_state', 'presence_reason', 'presence_since', 'active_call_id'])
    .where('contact_center_id', '=', tx.ccId)
    .where('removed_at', 'is', null);
  if (userIds) query = query.where('id', 'in', userIds);
  const rows = await query.orderBy('display_name').execute();
  return rows.map((u) => ({
    userId: u.id,
    name: u.display_name,
    state: u.presence_state,
    reason: u.presence_reason,
    since: u.presence_since,
    callId: u.active_call_id,
  }));
}

async function calls(tx: Tx, callIds?: string[]): Promise<WallboardCall[]> {
  if (callIds?.length === 0) return [];
  let query = tx.db
    .selectFrom('calls as c')
    .leftJoin('queues as q', 'q.id', 'c.queue_id')
    .select([
      'c.id',
      'c.state',
      'c.kind',
      'c.from_number',
      'c.to_number',
      'c.created_at',
      'c.connected_at',
      'q.name',
    ])
    .where('c.contact_center_id', '=', tx.ccId)
    // Listed rather than `!= 'ended'`: the index (contact_center_id, state) then skips the ended calls.
    .where('c.state', 'in', LIVE_CALL_STATES);
  if (callIds) query = query.where('c.id', 'in', callIds);
  const rows = await query.orderBy('c.created_at').execute();
  if (rows.length === 0) return [];
  const legs = await tx.db
    .selectFrom('participants')
    .select(['call_id', 'user_id'])
    .where(
      'call_id',
      'in',
      rows.map((r) => r.id),
    )
    .where('user_id', 'is not', null)
    .where('role', 'in', ['agent', 'initial_caller'])
    .where('state', 'in', ['ringing', 'connected', 'held', 'dialing'])
    .execute();
  return rows.map((r) => ({
    callId: r.id,
    state: r.state,
    direction: r.kind,
    from: r.from_number,
    to: r.to_number,
    queueName: r.name,
    agentIds: legs.filter((l) => l.call_id === r.id).map((l) => l.user_id as string),
    startedAt: r.created_at,
    connectedAt: r.connected_at,
  }));
}

/** The whole wallboard of the command's contact center (the admin API's; agents go through wallboardSnapshot). */
export async function wallboard(tx: Tx): Promise<Wallboard> {
  return { at: tx.now, queues: await queues(tx), agents: await agents(tx), calls: await calls(tx) };
}

export async function wallboardSnapshot(tx: Tx, userId: string): Promise<Wallboard> {
  await requireSupervisor(tx, userId);
  return wallboard(tx);
}

/** The fresh rows of the calls and agents a change touched (ended calls by id), and every queue. */
export async function wallboardDelta(tx: Tx, callIds: string[], userIds: string[]): Promise<WallboardDelta> {
  const live = await calls(tx, callIds);
  const liveIds = new Set(live.map((c) => c.callId));
  return {
    at: tx.now,
    queues: await queues(tx),
    agents: await agents(tx, userIds),
    calls: live,
    removedCallIds: callIds.filter((id) => !liveIds.has(id)),
  };
}

export async function subscribeWallboard(
  tx: Tx,
  userId: string,
  on: boolean,
): Promise<{ subscribed: boolean }> {
  await requireSupervisor(tx, userId);
  await tx.db.deleteFrom('wallboard_subscribers').where('user_id', '=', userId).execute();
  if (on)
    await tx.db
      .insertInto('wallboard_subscribers')
      .values({ user_id: userId, contact_center_id: tx.ccId, expires_at: tx.now + SUBSCRIPTION_MS })
      .execute();
  return { subscribed: on };
}

/** The supervisors of the command's contact center who get the wallboard's pushes now. */
export async function wallboardSubscribers(tx: Tx): Promise<string[]> {
  const rows = await tx.db
    .selectFrom('wallboard_subscribers')
    .select('user_id')
    .where('contact_center_id', '=', tx.ccId)
    .where('expires_at', '>', tx.now)
    .execute();
  return rows.map((r) => r.user_id);
}
