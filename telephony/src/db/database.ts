import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;

export interface DatabaseOptions {
  /** `postgres://…` selects PostgreSQL; otherwise SQLite at `sqlitePath` (`:memory:` allowed). */
  databaseUrl?: string | undefined;
  sqlitePath: string;
  /** PostgreSQL only: use (and create) this schema, so that tests can share one database. */
  pgSchema?: string | undefined;
}

export interface OpenedDatabase {
  db: Db;
  engine: 'sqlite' | 'postgres';
}

// PostgreSQL returns int8 as strings; every bigint of ours is a millisecond time or a counter.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export function openDatabase(options: DatabaseOptions): OpenedDatabase {
  if (options.databaseUrl && /^postgres(ql)?:\/\//.test(options.databaseUrl)) {
    const schema = options.pgSchema;
    if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema))
      throw new Error(`bad schema name ${schema}`);
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: 10,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    // A failure here shows in the connection's next query; a pool ended meanwhile (shutdown) has none.
    if (schema)
      pool.on('connect', (client) => {
        client.query(`create schema if not exists ${schema}`).catch(() => undefined);
      });
    return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), engine: 'postgres' };
  }
  if (options.sqlitePath !== ':memory:') {
    fs.mkdirSync(path.dirname(options.sqlitePath), { recursive: true });
    // Readable by the service's user only, like master.key (SQLite gives -wal and -shm the same mode).
    fs.closeSync(fs.openSync(options.sqlitePath, 'a', 0o600));
    fs.chmodSync(options.sqlitePath, 0o600);
  }
  const sqlite = new SQLite(options.sqlitePath);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  return {
    db: new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) }),
    engine: 'sqlite',
  };
}

/** How many prepared statements the SQLite connection keeps (the service uses about a hundred). */
const STATEMENT_CACHE_SIZE = 1000;

/**
 * Kysely's SQLite driver prepares every query anew; preparing was ~15% of the service's CPU in
 * `npm run bench:routing`. This reuses prepared statements by their SQL text (least recently used
 * out first). Safe because the driver runs one statement at a time and never keeps a cursor open.
 */
export function withStatementCache(sqlite: SQLite.Database): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare: (source: string) => {
      let statement = cache.get(source);
      if (statement) cache.delete(source);
      else statement = sqlite.prepare(source);
      cache.set(source, statement);
      if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      return statement;
    },
  };
}
