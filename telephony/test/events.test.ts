import { afterEach, beforeEach, expect, it } from 'vitest';
import { migrateToLatest } from '../src/db/migrate.ts';
import { EVENT_RETENTION_COUNT, EVENT_RETENTION_MS, eventsSince, pruneEvents } from '../src/engine/events.ts';
import { createTenant, testDatabase, type DatabaseHandle } from './harness.ts';

let dbh: DatabaseHandle;
beforeEach(async () => {
  dbh = testDatabase();
  await migrateToLatest(dbh.db);
});
afterEach(() => dbh.destroy());

async function addEvents(userId: string, count: number, at: number): Promise<void> {
  const rows = Array.from({ length: count }, (_, i) => ({
    user_id: userId,
    seq: i + 1,
    type: 'X',
    data_json: '{}',
    created_at: at,
  }));
  for (let i = 0; i < rows.length; i += 500)
    await dbh.db
      .insertInto('agent_events')
      .values(rows.slice(i, i + 500))
      .execute();
  await dbh.db.updateTable('agent_streams').set({ event_seq: count }).where('user_id', '=', userId).execute();
}

it('keeps at most the retention count per user and tells a client asking for pruned events to reload', async () => {
  const tenant = await createTenant(dbh.db, { agents: 2 });
  const [busy, quiet] = [tenant.agents[0]!.id, tenant.agents[1]!.id];
  const now = Date.now();
  await addEvents(busy, EVENT_RETENTION_COUNT + 25, now);
  await addEvents(quiet, 10, now);
  expect(await pruneEvents(dbh.db, now)).toBe(25);
  expect((await eventsSince(dbh.db, busy, 25))?.map((e) => e.seq)).toHaveLength(EVENT_RETENTION_COUNT);
  expect(await eventsSince(dbh.db, busy, 10)).toBeNull();
  expect((await eventsSince(dbh.db, quiet, 0))?.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  expect(await pruneEvents(dbh.db, now + EVENT_RETENTION_MS + 1)).toBe(EVENT_RETENTION_COUNT + 10);
  expect(await eventsSince(dbh.db, quiet, 5)).toBeNull();
  expect(await eventsSince(dbh.db, quiet, 10)).toEqual([]);
});
