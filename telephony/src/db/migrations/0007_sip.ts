import type { Kysely } from 'kysely';

/*
 * SIP trunks (docs/sip.md): per contact center, the carrier's address, the sources it may send from,
 * the numbers it may deliver, and optional digest credentials (only their HA1 is stored).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sip_trunks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contact_center_id', 'text', (c) => c.notNull().references('contact_centers.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('port', 'integer', (c) => c.notNull())
    .addColumn('transport', 'text', (c) => c.notNull())
    .addColumn('allowed_sources_json', 'text', (c) => c.notNull())
    .addColumn('numbers_json', 'text', (c) => c.notNull())
    .addColumn('auth_username', 'text')
    .addColumn('auth_ha1', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sip_trunks_cc').on('sip_trunks').column('contact_center_id').execute();
}
