import type { Kysely } from 'kysely';

/*
 * Recording storage (docs/media.md): one row per stored recording, naming the store that holds it
 * ('local' or 's3') and its object there, with the contact center that owns it. The signed links,
 * the admin API's signed URLs, retention and deletion go through these rows, never through a URL.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('recordings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('call_id', 'text', (c) => c.notNull())
    .addColumn('contact_center_id', 'text', (c) => c.notNull().references('contact_centers.id'))
    .addColumn('store', 'text', (c) => c.notNull())
    .addColumn('object_key', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('deleted_at', 'bigint')
    .execute();
  await db.schema.createIndex('recordings_call').on('recordings').column('call_id').execute();
  await db.schema
    .createIndex('recordings_retention')
    .on('recordings')
    .columns(['contact_center_id', 'created_at'])
    .execute();
}
