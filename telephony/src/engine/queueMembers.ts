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
