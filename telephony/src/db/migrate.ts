import { Migrator, PostgresAdapter, sql, type Migration, type MigrationProvider } from 'kysely';
import type { Db } from './database.ts';
import * as m0001 from './migrations/0001_initial.ts';
import * as m0002 from './migrations/0002_salesforce.ts';
import * as m0003 from './migrations/0003_admin.ts';
import * as m0004 from './migrations/0004_user_concerns.ts';
import * as m0005 from './migrations/0005_cluster.ts';
import * as m0006 from './migrations/0006_recording_storage.ts';
import * as m0007 from './migrations/0007_sip.ts';
import * as m0008 from './migrations/0008_workspace.ts';
import * as m0009 from './migrations/0009_routing_indexes.ts';
import * as m0010 from './migrations/0010_login_throttle.ts';
import * as m0011 from './migrations/0011_sip_phones.ts';

/** Numbered migrations, applied in order at start-up. Add a file and a line here; never edit a shipped one. */
const migrations: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_salesforce': m0002,
  '0003_admin': m0003,
  '0004_user_concerns': m0004,
  '0005_cluster': m0005,
  '0006_recording_storage': m0006,
  '0007_sip': m0007,
  '0008_workspace': m0008,
  '0009_routing_indexes': m0009,
  '0010_login_throttle': m0010,
  '0011_sip_phones': m0011,
};

class StaticProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

/**
 * What PostgreSQL answers when a schema, table or column vanishes while a query reads the catalog:
 * invalid_schema_name, undefined_table, undefined_column, and "cache lookup failed".
 */
const VANISHED_OBJECT = new Set(['3F000', '42P01', '42703', 'XX000']);

/**
 * Applies the pending migrations. On PostgreSQL, Kysely's migrator inspects every table of every
 * schema of the database (to find its own tables): one dropped meanwhile by another client (test runs
 * sharing a database drop their schemas) fails that query, which is then retried.
 */
export async function migrateToLatest(db: Db): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await migrateOnce(db);
    } catch (err) {
      if (attempt >= 10 || !VANISHED_OBJECT.has(String((err as { code?: unknown }).code))) throw err;
      await new Promise((resolve) => setTimeout(resolve, 10 * attempt));
    }
  }
}

async function migrateOnce(db: Db): Promise<string[]> {
  // On PostgreSQL the migration tables live in the connection's schema (tests use one schema each).
  const schema =
    db.getExecutor().adapter instanceof PostgresAdapter
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
      : undefined;
  const migrator = new Migrator({
    db,
    provider: new StaticProvider(),
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
