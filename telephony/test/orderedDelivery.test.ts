/**
 * A socket's live stream in a cluster (docs/scaling.md): events can arrive out of order or twice
 * (another node's notice, this node's own delivery). `OrderedDelivery` sends each once, in sequence
 * order, reading a gap's events from the table; a gap it cannot fill (pruned) makes the client resync.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../src/db/migrate.ts';
import { Engine } from '../src/engine/engine.ts';
import { OrderedDelivery, eventsSince, type AgentEvent } from '../src/engine/events.ts';
import { createTenant, testDatabase, type DatabaseHandle, type Tenant } from './harness.ts';

let dbh: DatabaseHandle;
let engine: Engine;
let tenant: Tenant;
let userId: string;

beforeEach(async () => {
  dbh = testDatabase();
  await migrateToLatest(dbh.db);
  tenant = await createTenant(dbh.db, { agents: 1 });
  userId = tenant.agents[0]!.id;
  engine = new Engine(dbh.db);
});

afterEach(async () => {
  await dbh.destroy();
});

async function append(n: number): Promise<AgentEvent[]> {
  const from = (await eventsSince(dbh.db, userId, 0))?.length ?? 0;
  for (let i = 0; i < n; i++)
    await engine.command(tenant.ccId, (tx) => tx.emit(userId, 'MESSAGE', { message: `m${from + i + 1}` }));
  return ((await eventsSince(dbh.db, userId, 0)) ?? []).slice(from);
}

function collector(lastSent: number) {
  const sent: number[] = [];
  let lost = 0;
  const delivery = new OrderedDelivery(dbh.db, userId, lastSent, {
    send: (e) => sent.push(e.seq),
    lost: () => lost++,
  });
  return { delivery, sent, lost: () => lost };
}

const settle = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
};

describe('ordered delivery', () => {
  it('fills a gap from the table, drops duplicates, goes on live', async () => {
    const events = await append(4);
    const { delivery, sent, lost } = collector(0);
    delivery.offer(events[2]!); // seq 3 first: 1 and 2 are still on their way
    delivery.offer(events[2]!);
    await settle(() => sent.length >= 3);
    delivery.offer(events[1]!); // the late notice of seq 2
    delivery.offer(events[0]!);
    delivery.offer(events[3]!);
    await settle(() => sent.length >= 4);
    expect(sent).toEqual([1, 2, 3, 4]);
    expect(lost()).toBe(0);
  });

  it('a gap whose events were pruned: the client is told to resync, nothing sent out of order', async () => {
    const events = await append(3);
    await dbh.db.deleteFrom('agent_events').where('user_id', '=', userId).where('seq', '<=', 2).execute();
    const { delivery, sent, lost } = collector(0);
    delivery.offer(events[2]!);
    await settle(() => lost() > 0);
    expect(lost()).toBe(1);
    expect(sent).toEqual([]);
  });
});
