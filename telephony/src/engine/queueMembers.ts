import { sql, type RawBuilder } from 'kysely';
import type { Trx } from './engine.ts';

/** The users who are members of a queue, directly or through a group (a subquery of `user_id`). */
export function queueMemberIds(db: Trx, queueId: string) {
  return db
    .selectFrom('queue_members')
    .select('queue_members.member_id as user_id')
    .where('queue_members.queue_id', '=', queueId)
    .where('queue_members.member_type', '=', 'user')
    .union(
      db
        .selectFrom('queue_members')
        .innerJoin('group_members', 'group_members.group_id', 'queue_members.member_id')
        .select('group_members.user_id as user_id')
        .where('queue_members.queue_id', '=', queueId)
        .where('queue_members.member_type', '=', 'group'),
    );
}

/**
 * A condition on the row `u` of `users`: the user is a member of the queue, directly or through a
 * group, at member priority `level` when given. Written as index probes per user (the queue members'
 * primary key, `group_members_user`), so a query walking users in index order stops at its limit
 * instead of reading every member of the queue.
 */
export function isQueueMember(queueId: string, level?: number): RawBuilder<boolean> {
  const atLevel = level === undefined ? sql`` : sql`and qm.priority = ${level}`;
  return sql<boolean>`(
    exists (select 1 from queue_members qm
            where qm.queue_id = ${queueId} and qm.member_type = 'user' and qm.member_id = u.id ${atLevel})
    or exists (select 1 from group_members gm
               join queue_members qm on qm.member_id = gm.group_id and qm.member_type = 'group'
               where gm.user_id = u.id and qm.queue_id = ${queueId} ${atLevel}))`;
}
