import type { Kysely } from 'kysely';

/*
 * The user's concerns apart (docs/service-design.md): the password hash (read at login only), the
 * agent's event stream counter (bumped by every event) and the simulator's injected failures (looked
 * up only when a contact center has some) leave the `users` row, which keeps identity, presence,
 * routing state and devices (what routing reads).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('user_credentials')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id'))
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .execute();
  await db
    .insertInto('user_credentials')
    .columns(['user_id', 'password_hash'])
    .expression((eb) => eb.selectFrom('users').select(['id', 'password_hash']))
    .execute();

  await db.schema
    .createTable('agent_streams')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id'))
    .addColumn('event_seq', 'bigint', (c) => c.notNull())
    .execute();
  await db
    .insertInto('agent_streams')
    .columns(['user_id', 'event_seq'])
    .expression((eb) => eb.selectFrom('users').select(['id', 'event_seq']))
    .execute();

  await db.schema
    .createTable('injected_failures')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id'))
    .addColumn('contact_center_id', 'text', (c) => c.notNull())
    .addColumn('failure_json', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('injected_failures_cc')
    .on('injected_failures')
    .column('contact_center_id')
    .execute();
  await db
    .insertInto('injected_failures')
    .columns(['user_id', 'contact_center_id', 'failure_json'])
    .expression((eb) =>
      eb
        .selectFrom('users')
        .select(['id', 'contact_center_id', 'fail_next_json'])
        .where('fail_next_json', 'is not', null),
    )
    .execute();

  for (const column of ['password_hash', 'event_seq', 'fail_next_json'])
    await db.schema.alterTable('users').dropColumn(column).execute();
}
