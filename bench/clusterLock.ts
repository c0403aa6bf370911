/**
 * `npx tsx bench/clusterLock.ts`: what the cross-node lock of a contact center costs on PostgreSQL
 * (docs/scaling.md), per command-sized transaction: none, the advisory transaction lock the cluster
 * takes (`pg_advisory_xact_lock`), and a row lock on the contact center (`select … for no key update`).
 * Each transaction takes the lock, then bumps one counter row (as `Tx.emit` does); run serially
 * (the cost on the latency of one command) and from LOCK_WORKERS connections at once on one contact
 * center (contention). BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/test), LOCK_TXS (2000).
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';

const url = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const TXS = Number(process.env.LOCK_TXS ?? 2000);
const WORKERS = Number(process.env.LOCK_WORKERS ?? 4);
const schema = `lockbench_${Date.now().toString(36)}`;

const locks: Record<string, string | null> = {
  none: null,
  advisory: `select pg_advisory_xact_lock(hashtextextended($1, 0))`,
  row: `select id from ${schema}.centers where id = $1 for no key update`,
};

const admin = new pg.Client({ connectionString: url });
await admin.connect();
await admin.query(`create schema ${schema}`);
await admin.query(`create table ${schema}.centers (id text primary key)`);
await admin.query(`create table ${schema}.streams (id text primary key, seq bigint not null)`);
await admin.query(`insert into ${schema}.centers values ('CC1')`);
await admin.query(`insert into ${schema}.streams values ('U1', 0)`);

async function run(lock: string | null, workers: number): Promise<number> {
  const clients = await Promise.all(
    Array.from({ length: workers }, async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      return c;
    }),
  );
  const start = performance.now();
  await Promise.all(
    clients.map(async (c) => {
      for (let i = 0; i < TXS / workers; i++) {
        await c.query('begin');
        if (lock) await c.query(lock, ['CC1']);
        await c.query(`update ${schema}.streams set seq = seq + 1 where id = 'U1'`);
        await c.query('commit');
      }
    }),
  );
  const ms = performance.now() - start;
  await Promise.all(clients.map((c) => c.end()));
  return (ms * 1000) / TXS;
}

try {
  for (const workers of [1, WORKERS]) {
    for (const [name, lock] of Object.entries(locks)) {
      await run(lock, workers); // warm-up
      const us = await run(lock, workers);
      console.log(`${workers} connection(s), lock ${name.padEnd(8)}: ${Math.round(us)} µs per transaction`);
    }
  }
} finally {
  await admin.query(`drop schema ${schema} cascade`);
  await admin.end();
}
