import type { Kysely } from 'kysely';

/*
 * Sign-in throttling in the database (docs/security.md, "Logins"), so every node of a cluster sees
 * the same failures, locks and buckets (docs/scaling.md). `login_throttle` holds one row per account
 * (failures in a row, locked until; forgotten after `expires_at`); `rate_buckets` the per-source
 * buckets of sign-ins and the admin API's per-account buckets (engine/rateBuckets.ts: a theoretical
 * arrival time `tat`, service clock in ms). `login_devices` holds the
 * device tokens of successful sign-ins (SHA-256, as the session tokens), each with its own failures.
 * `agent_messages` is the agents' Lightning message inbox (engine/agentMessages.ts), per node in
 * memory before: the last 50 per agent, `seq` counting per agent.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('login_throttle')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('locked_until', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('rate_buckets')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('tat', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rate_buckets_tat').on('rate_buckets').column('tat').execute();
  await db.schema.createIndex('login_throttle_expires').on('login_throttle').column('expires_at').execute();
  await db.schema
    .createTable('login_devices')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('login_devices_account')
    .on('login_devices')
    .columns(['account', 'created_at'])
    .execute();
  await db.schema.createIndex('login_devices_expires').on('login_devices').column('expires_at').execute();
  await db.schema
    .createTable('agent_messages')
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('message_json', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('agent_messages_pk', ['user_id', 'seq'])
    .execute();
}
