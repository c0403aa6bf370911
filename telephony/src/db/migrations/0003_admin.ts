import type { Kysely } from 'kysely';

/*
 * The admin API (docs/admin-api.md): OAuth clients of an account (an org) and their access tokens,
 * the binding of a contact center to its Salesforce contact center and its My Domain, group
 * descriptions, and per user: removal (the row stays for the call history) and the partner settings
 * that are not devices (caller ID, default outbound queue).
 * SQLite takes one column per ALTER TABLE, hence one statement per column.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('admin_clients')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('admin_clients_org').on('admin_clients').column('org_id').execute();

  await db.schema
    .createTable('admin_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull().references('admin_clients.id'))
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('admin_tokens_client').on('admin_tokens').column('client_id').execute();
  await db.schema.createIndex('admin_tokens_expiry').on('admin_tokens').column('expires_at').execute();

  await db.schema.alterTable('contact_centers').addColumn('salesforce_contact_center_id', 'text').execute();
  await db.schema.alterTable('contact_centers').addColumn('org_domain', 'text').execute();
  await db.schema
    .createIndex('contact_centers_salesforce')
    .on('contact_centers')
    .columns(['org_id', 'salesforce_contact_center_id'])
    .execute();

  await db.schema.alterTable('groups').addColumn('description', 'text').execute();

  await db.schema.alterTable('users').addColumn('removed_at', 'bigint').execute();
  await db.schema.alterTable('users').addColumn('caller_id', 'text').execute();
  await db.schema.alterTable('users').addColumn('default_outbound_queue_id', 'text').execute();
  await db.schema
    .createIndex('users_salesforce')
    .on('users')
    .columns(['contact_center_id', 'salesforce_user_id'])
    .execute();
}
