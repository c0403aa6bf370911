import type { Kysely } from 'kysely';

/*
 * The Salesforce telephony API client: which contact centers are connected, their key pairs, the
 * VoiceCall records we know of, and the durable outbox of API requests (docs/salesforce-sync.md).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('salesforce_connections')
    .addColumn('contact_center_id', 'text', (c) => c.primaryKey().references('contact_centers.id'))
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('voice_call_record_type_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('salesforce_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contact_center_id', 'text', (c) => c.notNull().references('contact_centers.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('public_key_pem', 'text', (c) => c.notNull())
    .addColumn('certificate_pem', 'text', (c) => c.notNull())
    .addColumn('private_key_enc', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('not_after', 'bigint', (c) => c.notNull())
    .addColumn('activated_at', 'bigint')
    .addColumn('retired_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('salesforce_keys_cc')
    .on('salesforce_keys')
    .columns(['contact_center_id', 'status'])
    .execute();

  await db.schema
    .createTable('salesforce_voice_calls')
    .addColumn('vendor_call_key', 'text', (c) => c.primaryKey())
    .addColumn('contact_center_id', 'text', (c) => c.notNull())
    .addColumn('call_id', 'text', (c) => c.notNull())
    .addColumn('leg_id', 'text')
    .addColumn('voice_call_id', 'text')
    .addColumn('flow_executed', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('salesforce_voice_calls_call')
    .on('salesforce_voice_calls')
    .column('call_id')
    .execute();

  await db.schema
    .createTable('salesforce_outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contact_center_id', 'text', (c) => c.notNull())
    .addColumn('conversation_key', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('op', 'text', (c) => c.notNull())
    .addColumn('vendor_call_key', 'text', (c) => c.notNull())
    .addColumn('body_json', 'text', (c) => c.notNull())
    .addColumn('route_leg_id', 'text')
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('batch_key', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('salesforce_outbox_order', ['conversation_key', 'seq'])
    .execute();
  await db.schema
    .createIndex('salesforce_outbox_due')
    .on('salesforce_outbox')
    .columns(['state', 'next_attempt_at'])
    .execute();
}
