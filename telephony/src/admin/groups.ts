/**
 * Group management (`GroupSetup`): the contact center's groups (teams) listed, created, removed, and
 * their members changed from Salesforce (what was added and what was removed).
 */
import type { ContactCenterTable } from '../db/schema.ts';
import { routeWaiting } from '../engine/routing.ts';
import type { Engine, Trx } from '../engine/engine.ts';
import { createGroup } from '../engine/tenants.ts';
import { conflict, invalidParams, notFound } from './errors.ts';
import type { GroupCreateBody, GroupMembersBody, Ok, PartnerGroup } from '../contracts/adminApi.ts';
import { canonicalSalesforceId } from '../../../shared/salesforceIds.ts';

async function groupRows(db: Trx | Engine['db'], ccId: string, groupId?: string): Promise<PartnerGroup[]> {
  let query = db
    .selectFrom('groups')
    .leftJoin('group_members', 'group_members.group_id', 'groups.id')
    .select((eb) => [
      'groups.id',
      'groups.name',
      'groups.description',
      eb.fn.count<number>('group_members.user_id').as('memberCount'),
    ])
    .where('groups.contact_center_id', '=', ccId)
    .groupBy(['groups.id', 'groups.name', 'groups.description'])
    .orderBy('groups.name')
    .orderBy('groups.id');
  if (groupId !== undefined) query = query.where('groups.id', '=', groupId);
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    description: r.description,
    memberCount: Number(r.memberCount),
  }));
}

async function groupOf(db: Trx, ccId: string, groupId: string): Promise<PartnerGroup> {
  const [group] = await groupRows(db, ccId, groupId);
  if (!group) throw notFound(`no group ${groupId}`, { groupId });
  return group;
}

export function listGroups(engine: Engine, cc: ContactCenterTable): Promise<PartnerGroup[]> {
  return groupRows(engine.db, cc.id);
}

export async function addGroup(
  engine: Engine,
  cc: ContactCenterTable,
  body: GroupCreateBody,
): Promise<PartnerGroup> {
  return engine.command(cc.id, async (tx) => {
    const name = body.name.trim();
    const taken = await tx.db
      .selectFrom('groups')
      .select('id')
      .where('contact_center_id', '=', cc.id)
      .where((eb) => eb(eb.fn<string>('lower', ['name']), '=', name.toLowerCase()))
      .executeTakeFirst();
    if (taken) throw conflict(`a group named ${name} exists`, { groupId: taken.id });
    const id = await createGroup(tx.db, { contactCenterId: cc.id, name });
    const description = body.description?.trim() || null;
    if (description !== null)
      await tx.db.updateTable('groups').set({ description }).where('id', '=', id).execute();
    return groupOf(tx.db, cc.id, id);
  });
}

/** Removes a group; its queue memberships go with it. */
export async function removeGroup(engine: Engine, cc: ContactCenterTable, groupId: string): Promise<Ok> {
  return engine.command(cc.id, async (tx) => {
    await groupOf(tx.db, cc.id, groupId);
    await tx.db
      .deleteFrom('queue_members')
      .where('member_type', '=', 'group')
      .where('member_id', '=', groupId)
      .execute();
    await tx.db.deleteFrom('group_members').where('group_id', '=', groupId).execute();
    await tx.db.deleteFrom('groups').where('id', '=', groupId).execute();
    return { ok: true as const };
  });
}

/** Applies Salesforce's change to a group's members: adding a member or removing a non-member is a no-op. */
export async function changeGroupMembers(
  engine: Engine,
  cc: ContactCenterTable,
  groupId: string,
  body: GroupMembersBody,
): Promise<PartnerGroup> {
  return engine.command(cc.id, async (tx) => {
    await groupOf(tx.db, cc.id, groupId);
    const add = new Map((body.add ?? []).map((id) => [canonicalSalesforceId(id), id]));
    const remove = new Map((body.remove ?? []).map((id) => [canonicalSalesforceId(id), id]));
    for (const [id, given] of add)
      if (remove.has(id))
        throw invalidParams(`user ${given} is both added and removed`, { salesforceUserId: given });
    const named = [...add.keys(), ...remove.keys()];
    const users =
      named.length === 0
        ? []
        : await tx.db
            .selectFrom('users')
            .select(['id', 'salesforce_user_id'])
            .where('contact_center_id', '=', cc.id)
            .where('salesforce_user_id', 'in', named)
            .where('removed_at', 'is', null)
            .execute();
    const userId = new Map(users.map((u) => [u.salesforce_user_id, u.id]));
    for (const [id, given] of [...add, ...remove])
      if (!userId.has(id))
        throw notFound(`no user ${given} in this contact center`, { salesforceUserId: given });

    const current = new Set(
      (
        await tx.db.selectFrom('group_members').select('user_id').where('group_id', '=', groupId).execute()
      ).map((m) => m.user_id),
    );
    for (const id of add.keys()) {
      const user = userId.get(id)!;
      if (!current.has(user))
        await tx.db.insertInto('group_members').values({ group_id: groupId, user_id: user }).execute();
    }
    for (const id of remove.keys()) {
      const user = userId.get(id)!;
      if (current.has(user))
        await tx.db
          .deleteFrom('group_members')
          .where('group_id', '=', groupId)
          .where('user_id', '=', user)
          .execute();
    }
    await routeWaiting(tx);
    return groupOf(tx.db, cc.id, groupId);
  });
}
