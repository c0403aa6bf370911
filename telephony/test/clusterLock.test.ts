/**
 * The contact center's lock across nodes (docs/scaling.md): two engines with their own connection
 * pools on one PostgreSQL schema stand for two nodes. Each command reads a counter, waits, and writes
 * it back plus one: without a lock across processes updates would be lost; with the cluster's lock
 * none is. Runs only on PostgreSQL (TEST_DATABASE_URL).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockContactCenter } from '../src/cluster/pgCluster.ts';
import type { Db } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { Engine } from '../src/engine/engine.ts';
import { createTenant, testDatabase, type DatabaseHandle, type Tenant } from './harness.ts';

let dbh: DatabaseHandle;
let other: Db;
let tenant: Tenant;

beforeEach(async () => {
  dbh = testDatabase();
  other = dbh.reopen();
  await migrateToLatest(dbh.db);
  tenant = await createTenant(dbh.db, { agents: 1 });
});

afterEach(async () => {
  await other.destroy();
  await dbh.destroy();
});

async function increments(engines: Engine[], each: number): Promise<number> {
  const userId = tenant.agents[0]!.id;
  const bump = (engine: Engine) =>
    engine.command(tenant.ccId, async (tx) => {
      const row = await tx.db
        .selectFrom('agent_streams')
        .select('event_seq')
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow();
      await new Promise((resolve) => setTimeout(resolve, 5));
      await tx.db
        .updateTable('agent_streams')
        .set({ event_seq: row.event_seq + 1 })
        .where('user_id', '=', userId)
        .execute();
    });
  const before = await dbh.db
    .selectFrom('agent_streams')
    .select('event_seq')
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  await Promise.all(engines.flatMap((e) => Array.from({ length: each }, () => bump(e))));
  const after = await dbh.db
    .selectFrom('agent_streams')
    .select('event_seq')
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return after.event_seq - before.event_seq;
}

describe.skipIf(!process.env.TEST_DATABASE_URL)('the contact center lock across nodes', () => {
  it('serializes two nodes’ commands: no lost update', async () => {
    const nodes = [
      new Engine(dbh.db, { lock: lockContactCenter }),
      new Engine(other, { lock: lockContactCenter }),
    ];
    expect(await increments(nodes, 10)).toBe(20);
  });

  it('without it, two processes interleave (what the lock prevents)', async () => {
    expect(await increments([new Engine(dbh.db), new Engine(other)], 10)).toBeLessThan(20);
  });
});
