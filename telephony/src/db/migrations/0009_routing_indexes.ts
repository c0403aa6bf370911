import type { Kysely } from 'kysely';

/*
 * Routing without scanning (bench/README.md, issue 17): a queue's member priorities read level by
 * level (`min(priority) … where queue_id = ? and priority > ?` in one index probe), and a leg's or
 * agent's timers cancelled by their reference (`delete from jobs where ref_id = ? and kind in (…)`,
 * several per call) instead of reading every pending job.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('queue_members_level')
    .on('queue_members')
    .columns(['queue_id', 'priority'])
    .execute();
  await db.schema.createIndex('jobs_ref').on('jobs').columns(['ref_id', 'kind']).execute();
}
