/**
 * Queue management (`QueueSetup`): the contact center's queues listed, created and removed, and their
 * members (users and groups) set from Salesforce. A membership change routes waiting calls at once.
 */
import type { ContactCenterTable } from '../db/schema.ts';
import { routeWaiting } from '../engine/routing.ts';
import type { Engine, Trx } from '../engine/engine.ts';
import { addQueueMember, createQueue } from '../engine/tenants.ts';
import { conflict, notFound } from './errors.ts';
import type { Ok, PartnerQueue, QueueCreateBody, QueueMembersBody } from '../contracts/adminApi.ts';
import { canonicalSalesforceId } from '../../../shared/salesforceIds.ts';

async function queueRows(db: Trx | Engine['db'], ccId: string, queueId?: string): Promise<PartnerQueue[]> {
  let query = db
    .selectFrom('queues')
    .leftJoin('queue_members', 'queue_members.queue_id', 'queues.id')
    .select((eb) => [
      'queues.id',
      'queues.name',
      'queues.priority',
      eb.fn.count<number>('queue_members.member_id').as('memberCount'),
    ])
    .where('queues.contact_center_id', '=', ccId)
    .groupBy(['queues.id', 'queues.name', 'queues.priority'])
    .orderBy('queues.name')
    .orderBy('queues.id');
  if (queueId !== undefined) query = query.where('queues.id', '=', queueId);
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    priority: r.priority,
    memberCount: Number(r.memberCount),
  }));
}

async function queueOf(db: Trx, ccId: string, queueId: string): Promise<PartnerQueue> {
  const [queue] = await queueRows(db, ccId, queueId);
  if (!queue) throw notFound(`no queue ${queueId}`, { queueId });
  return queue;
}

export function listQueues(engine: Engine, cc: ContactCenterTable): Promise<PartnerQueue[]> {
  return queueRows(engine.db, cc.id);
}

export async function addQueue(
  engine: Engine,
  cc: ContactCenterTable,
  body: QueueCreateBody,
): Promise<PartnerQueue> {
  return engine.command(cc.id, async (tx) => {
    const name = body.name.trim();
    const taken = await tx.db
      .selectFrom('queues')
      .select('id')
      .where('contact_center_id', '=', cc.id)
      .where((eb) => eb(eb.fn<string>('lower', ['name']), '=', name.toLowerCase()))
      .executeTakeFirst();
    if (taken) throw conflict(`a queue named ${name} exists`, { queueId: taken.id });
    const id = await createQueue(tx.db, { contactCenterId: cc.id, name, priority: body.priority ?? 0 });
    return queueOf(tx.db, cc.id, id);
  });
}

/** Removes a queue nothing uses: no number routes to it, no flow falls back to it, no call waits in it. */
export async function removeQueue(engine: Engine, cc: ContactCenterTable, queueId: string): Promise<Ok> {
  return engine.command(cc.id, async (tx) => {
    await queueOf(tx.db, cc.id, queueId);
    const number = await tx.db
      .selectFrom('phone_numbers')
      .select('number')
      .where('contact_center_id', '=', cc.id)
      .where('target_type', '=', 'queue')
      .where('target_id', '=', queueId)
      .executeTakeFirst();
    if (number)
      throw conflict(`the number ${number.number} routes to this queue`, { phoneNumber: number.number });
    const flow = await tx.db
      .selectFrom('flows')
      .select(['id', 'dev_name'])
      .where('fallback_queue_id', '=', queueId)
      .executeTakeFirst();
    if (flow) throw conflict(`the flow ${flow.dev_name} falls back to this queue`, { flowId: flow.id });
    const waiting = await tx.db
      .selectFrom('participants')
      .select('call_id')
      .where('contact_center_id', '=', cc.id)
      .where('queue_id', '=', queueId)
      .where('state', 'in', ['queued', 'ringing'])
      .executeTakeFirst();
    if (waiting)
      throw conflict(`call ${waiting.call_id} is waiting in this queue`, { callId: waiting.call_id });
    await tx.db.deleteFrom('queue_members').where('queue_id', '=', queueId).execute();
    await tx.db
      .updateTable('users')
      .set({ default_outbound_queue_id: null })
      .where('contact_center_id', '=', cc.id)
      .where('default_outbound_queue_id', '=', queueId)
      .execute();
    await tx.db.deleteFrom('queues').where('id', '=', queueId).execute();
    return { ok: true as const };
  });
}

/** Sets a queue's members; those who stay keep their member priority, new ones get 1. */
export async function setQueueMembers(
  engine: Engine,
  cc: ContactCenterTable,
  queueId: string,
  body: QueueMembersBody,
): Promise<PartnerQueue> {
  return engine.command(cc.id, async (tx) => {
    await queueOf(tx.db, cc.id, queueId);
    const wanted = new Map(body.salesforceUserIds.map((id) => [canonicalSalesforceId(id), id]));
    const users =
      wanted.size === 0
        ? []
        : await tx.db
            .selectFrom('users')
            .select(['id', 'salesforce_user_id'])
            .where('contact_center_id', '=', cc.id)
            .where('salesforce_user_id', 'in', [...wanted.keys()])
            .where('removed_at', 'is', null)
            .execute();
    const found = new Set(users.map((u) => u.salesforce_user_id));
    for (const [id, given] of wanted)
      if (!found.has(id))
        throw notFound(`no user ${given} in this contact center`, { salesforceUserId: given });
    const groupIds = [...new Set(body.groupIds)];
    const groups =
      groupIds.length === 0
        ? []
        : await tx.db
            .selectFrom('groups')
            .select('id')
            .where('contact_center_id', '=', cc.id)
            .where('id', 'in', groupIds)
            .execute();
    for (const id of groupIds)
      if (!groups.some((g) => g.id === id)) throw notFound(`no group ${id}`, { groupId: id });

    const members = [
      ...users.map((u) => ({ memberType: 'user' as const, memberId: u.id })),
      ...groupIds.map((id) => ({ memberType: 'group' as const, memberId: id })),
    ];
    const current = await tx.db
      .selectFrom('queue_members')
      .selectAll()
      .where('queue_id', '=', queueId)
      .execute();
    const key = (type: string, id: string) => `${type}:${id}`;
    const keep = new Set(members.map((m) => key(m.memberType, m.memberId)));
    const had = new Set(current.map((m) => key(m.member_type, m.member_id)));
    for (const m of current)
      if (!keep.has(key(m.member_type, m.member_id)))
        await tx.db
          .deleteFrom('queue_members')
          .where('queue_id', '=', queueId)
          .where('member_type', '=', m.member_type)
          .where('member_id', '=', m.member_id)
          .execute();
    for (const m of members)
      if (!had.has(key(m.memberType, m.memberId)))
        await addQueueMember(tx.db, { queueId, ...m, priority: 1 });
    await routeWaiting(tx);
    return queueOf(tx.db, cc.id, queueId);
  });
}
