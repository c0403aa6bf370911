/**
 * Several nodes share the Salesforce outbox (docs/scaling.md): a row is sent by the node that
 * claimed it; another node cannot claim it until the claim expires (a dead node's rows are then
 * taken over); claims are all or none; a claimed row is not a due head for anyone else.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../src/db/migrate.ts';
import { Tx } from '../src/engine/engine.ts';
import { claim, dueHeads, enqueue, release } from '../src/salesforce/outbox.ts';
import { createTenant, testDatabase, type DatabaseHandle } from './harness.ts';

let dbh: DatabaseHandle;
let ids: string[];
const NOW = 1_000_000;

beforeEach(async () => {
  dbh = testDatabase();
  await migrateToLatest(dbh.db);
  const tenant = await createTenant(dbh.db);
  ids = await dbh.db.transaction().execute(async (trx) => {
    const tx = new Tx(trx, tenant.ccId, NOW);
    return [
      await enqueue(tx, { conversationKey: 'C1', op: 'create', vendorCallKey: 'C1', body: {} }),
      await enqueue(tx, { conversationKey: 'C2', op: 'create', vendorCallKey: 'C2', body: {} }),
    ];
  });
});

afterEach(async () => {
  await dbh.destroy();
});

describe('outbox claims', () => {
  it('one node at a time; an expired claim is taken over; a claimed row is nobody else’s due head', async () => {
    const [a, b] = ids as [string, string];
    const db = dbh.db;
    expect(await claim(db, [a], 'node1', NOW, NOW + 30_000)).toBe(true);
    expect(await claim(db, [a], 'node2', NOW + 29_999, NOW + 60_000)).toBe(false);
    expect((await dueHeads(db, NOW + 29_999, 10)).map((r) => r.id)).toEqual([b]);

    // node1 died: its claim expires and node2 takes the row over.
    expect((await dueHeads(db, NOW + 30_000, 10)).map((r) => r.id).sort()).toEqual([a, b].sort());
    expect(await claim(db, [a], 'node2', NOW + 30_000, NOW + 60_000)).toBe(true);
    // node1's late release does not free node2's claim.
    await release(db, [a], 'node1');
    expect(await claim(db, [a], 'node3', NOW + 30_001, NOW + 60_000)).toBe(false);
  });

  it('is all or none: a set with one row held elsewhere claims nothing', async () => {
    const [a, b] = ids as [string, string];
    const db = dbh.db;
    expect(await claim(db, [b], 'node1', NOW, NOW + 30_000)).toBe(true);
    expect(await claim(db, [a, b], 'node2', NOW, NOW + 30_000)).toBe(false);
    const row = await db
      .selectFrom('salesforce_outbox')
      .selectAll()
      .where('id', '=', a)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ claimed_by: null, claimed_until: null });
    await release(db, [b], 'node1');
    expect(await claim(db, [a, b], 'node2', NOW, NOW + 30_000)).toBe(true);
  });
});
