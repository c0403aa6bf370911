import type { Kysely } from 'kysely';

/*
 * The agent's and supervisor's workspace (docs/workspace.md): indexes for history and stats per agent
 * and per queue, the presence log (wrap-up time, occupancy), the offers an agent did not answer, and
 * the supervisors subscribed to their contact center's wallboard.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('participants_user_created')
    .on('participants')
    .columns(['user_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('participants_queue_queued')
    .on('participants')
    .columns(['queue_id', 'queued_at'])
    .execute();
  await db.schema
    .createIndex('calls_queue_created')
    .on('calls')
    .columns(['queue_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('agent_state_log')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('since', 'bigint', (c) => c.notNull())
    .addColumn('until', 'bigint')
    .execute();
  await db.schema
    .createIndex('agent_state_log_user')
    .on('agent_state_log')
    .columns(['user_id', 'since'])
    .execute();

  await db.schema
    .createTable('agent_missed_offers')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('call_id', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('agent_missed_offers_user')
    .on('agent_missed_offers')
    .columns(['user_id', 'at'])
    .execute();

  await db.schema
    .createTable('wallboard_subscribers')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id'))
    .addColumn('contact_center_id', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('wallboard_subscribers_cc')
    .on('wallboard_subscribers')
    .column('contact_center_id')
    .execute();
}
