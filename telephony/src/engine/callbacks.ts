/**
 * The workspace's Callbacks (docs/workspace.md): the existing callback concept — a `callback` call
 * with a queued agent leg held back until its time (`not_before`) — scheduled by an agent, for one of
 * her queues (routed at its time by `callback_due`) or for herself (`personal_callback_due` rings her
 * alone, again every 30 s while she is not free).
 */
import type { Callback, WorkspaceParamsOf } from '../contracts/workspace.ts';
import { MAX_CALLBACK_AHEAD_MS } from '../contracts/workspace.ts';
import { ConnectorError, NotFoundError } from '../domain/errors.ts';
import { toE164 } from '../domain/phoneNumbers.ts';
import { addLeg, insertCall } from './callState.ts';
import type { Tx } from './engine.ts';
import { JOB_CALLBACK_DUE, JOB_PERSONAL_CALLBACK_DUE } from './jobKinds.ts';
import { loadUser } from './presence.ts';
import { offerDirect } from './routing.ts';
import { settings } from './settings.ts';
import { myQueueIds } from './workspaceQueues.ts';

/** How long a personal callback waits before ringing again when its agent is not free. */
export const PERSONAL_CALLBACK_RETRY_MS = 30_000;

export async function listCallbacks(
  tx: Tx,
  userId: string,
  scope: 'mine' | 'queues',
): Promise<{ callbacks: Callback[] }> {
  let query = tx.db
    .selectFrom('participants as p')
    .innerJoin('calls as c', 'c.id', 'p.call_id')
    .leftJoin('queues as q', 'q.id', 'p.queue_id')
    .select([
      'c.id',
      'c.callback_number',
      'c.created_at',
      'p.not_before',
      'p.queued_at',
      'p.queue_id',
      'p.target_user_id',
      'p.state',
      'q.name as queue_name',
    ])
    .where('c.contact_center_id', '=', tx.ccId)
    .where('c.kind', '=', 'callback')
    .where('c.state', 'in', ['queued', 'ringing'])
    .where('p.role', '=', 'agent')
    .where('p.state', 'in', ['queued', 'ringing']);
  if (scope === 'mine') query = query.where('p.target_user_id', '=', userId);
  else {
    const queueIds = await myQueueIds(tx, await loadUser(tx, userId));
    if (queueIds.length === 0) return { callbacks: [] };
    query = query.where('p.queue_id', 'in', queueIds);
  }
  const rows = await query.execute();
  const callbacks = rows.map((r): Callback => ({
    callbackId: r.id,
    phoneNumber: r.callback_number ?? '',
    dueAt: r.not_before ?? r.queued_at ?? r.created_at,
    queueId: r.queue_id,
    queueName: r.queue_name,
    forUserId: r.target_user_id,
    state: r.state === 'ringing' ? 'ringing' : (r.not_before ?? 0) > tx.now ? 'scheduled' : 'waiting',
    createdAt: r.created_at,
  }));
  return {
    callbacks: callbacks.sort((a, b) => a.dueAt - b.dueAt || a.callbackId.localeCompare(b.callbackId)),
  };
}

export async function scheduleCallback(
  tx: Tx,
  userId: string,
  p: WorkspaceParamsOf<'callbacks.schedule'>,
): Promise<{ callback: Callback }> {
  if ((p.queueId === undefined) === (p.forMe === undefined))
    throw new ConnectorError('INVALID_PARAMS', 'callbacks.schedule: give exactly one of queueId and forMe');
  if (p.dueAt <= tx.now || p.dueAt > tx.now + MAX_CALLBACK_AHEAD_MS)
    throw new ConnectorError('INVALID_PARAMS', 'callbacks.schedule: dueAt must be in the next 30 days');
  const phoneNumber = toE164(p.phoneNumber, (await settings(tx)).defaultCountry);
  const me = await loadUser(tx, userId);
  let queue: { id: string; name: string; priority: number } | null = null;
  if (p.queueId !== undefined) {
    if (!(await myQueueIds(tx, me)).includes(p.queueId))
      throw new NotFoundError(`no queue ${p.queueId} of yours`);
    queue = await tx.db
      .selectFrom('queues')
      .select(['id', 'name', 'priority'])
      .where('id', '=', p.queueId)
      .executeTakeFirstOrThrow();
  }
  const callId = await insertCall(tx, {
    kind: 'callback',
    state: 'queued',
    from_number: phoneNumber,
    to_number: me.caller_id ?? '',
    queue_id: queue?.id ?? null,
    callback_number: phoneNumber,
  });
  const leg = await addLeg(tx, callId, {
    role: 'agent',
    state: 'queued',
    viewType: 'Callback',
    queueId: queue?.id ?? null,
    priority: queue?.priority ?? 0,
    queuedAt: p.dueAt,
    notBefore: p.dueAt,
  });
  if (queue) await tx.schedule(JOB_CALLBACK_DUE, callId, p.dueAt);
  else {
    await tx.db
      .updateTable('participants')
      .set({ target_user_id: userId })
      .where('id', '=', leg.id)
      .execute();
    await tx.schedule(JOB_PERSONAL_CALLBACK_DUE, leg.id, p.dueAt);
  }
  return {
    callback: {
      callbackId: callId,
      phoneNumber,
      dueAt: p.dueAt,
      queueId: queue?.id ?? null,
      queueName: queue?.name ?? null,
      forUserId: queue ? null : userId,
      state: 'scheduled',
      createdAt: tx.now,
    },
  };
}

/** A personal callback is due: it rings its agent if she is Available and free, else waits 30 s more. */
export async function ringPersonalCallback(tx: Tx, legId: string): Promise<void> {
  const leg = await tx.db.selectFrom('participants').selectAll().where('id', '=', legId).executeTakeFirst();
  if (!leg || leg.state !== 'queued' || !leg.target_user_id) return;
  const user = await loadUser(tx, leg.target_user_id);
  if (user.presence_state !== 'available' || user.offered_leg_id || user.active_call_id) {
    await tx.schedule(JOB_PERSONAL_CALLBACK_DUE, legId, tx.now + PERSONAL_CALLBACK_RETRY_MS);
    return;
  }
  await offerDirect(tx, leg, user);
}
