import type { Kysely } from 'kysely';

/*
 * SIP desk phones (docs/sip.md, "Desk phones"): the per-agent SIP credentials the admin API issues
 * (only HA1 = MD5(username:realm:password) is stored, never the password) and the phone's registered
 * contact (one binding per agent, the latest REGISTER wins), with its expiry, so that any node can
 * find where to send the agent's INVITE.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sip_phone_credentials')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id'))
    .addColumn('contact_center_id', 'text', (c) => c.notNull().references('contact_centers.id'))
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('ha1', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('sip_phone_bindings')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id'))
    .addColumn('contact_uri', 'text', (c) => c.notNull())
    .addColumn('source_address', 'text', (c) => c.notNull())
    .addColumn('source_port', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('sip_phone_bindings_expires')
    .on('sip_phone_bindings')
    .column('expires_at')
    .execute();
}
