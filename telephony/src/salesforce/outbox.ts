/**
 * The durable outbox: every telephony API request is a row, written in the same transaction as the
 * call state it reports, sent later by the worker in `seq` order within its conversation (the call's
 * first VoiceCall), retried with backoff until it succeeds or is refused for good.
 */
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { SalesforceOutboxTable } from '../db/schema.ts';
import { newId } from '../domain/ids.ts';
import type { Tx } from '../engine/index.ts';

export type Op = 'create' | 'update' | 'transcript' | 'omniFlow' | 'clearRouting';

export interface NewEntry {
  conversationKey: string;
  op: Op;
  vendorCallKey: string;
  body: unknown;
  routeLegId?: string | null;
  /** Not sent before this many ms (the inbound create is first tried at once, outside the outbox). */
  delayMs?: number;
}

export async function enqueue(tx: Tx, e: NewEntry): Promise<string> {
  const last = await tx.db
    .selectFrom('salesforce_outbox')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('conversation_key', '=', e.conversationKey)
    .executeTakeFirst();
  const id = newId('OB');
  await tx.db
    .insertInto('salesforce_outbox')
    .values({
      id,
      contact_center_id: tx.ccId,
      conversation_key: e.conversationKey,
      seq: Number(last?.seq ?? 0) + 1,
      op: e.op,
      vendor_call_key: e.vendorCallKey,
      body_json: JSON.stringify(e.body),
      route_leg_id: e.routeLegId ?? null,
      idempotency_key: id,
      state: 'pending',
      attempts: 0,
      next_attempt_at: tx.now + (e.delayMs ?? 0),
      last_error: null,
      batch_key: null,
      created_at: tx.now,
      claimed_by: null,
      claimed_until: null,
    })
    .execute();
  return id;
}

/** The first pending request of each conversation that is due (nothing earlier in its conversation waits). */
export function dueHeads(db: Db, now: number, limit: number): Promise<SalesforceOutboxTable[]> {
  return db
    .selectFrom('salesforce_outbox as o')
    .selectAll()
    .where('o.state', '=', 'pending')
    .where('o.next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('o.claimed_until', 'is', null), eb('o.claimed_until', '<=', now)]))
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('salesforce_outbox as p')
            .select('p.id')
            .where('p.state', '=', 'pending')
            .whereRef('p.conversation_key', '=', 'o.conversation_key')
            .whereRef('p.seq', '<', 'o.seq'),
        ),
      ),
    )
    .orderBy('o.next_attempt_at')
    .orderBy('o.seq')
    .limit(limit)
    .execute();
}

/** The pending requests of a conversation from `seq` on, in order. */
export function conversationFrom(db: Db, conversationKey: string, seq: number, limit: number) {
  return db
    .selectFrom('salesforce_outbox')
    .selectAll()
    .where('conversation_key', '=', conversationKey)
    .where('state', '=', 'pending')
    .where('seq', '>=', seq)
    .orderBy('seq')
    .limit(limit)
    .execute();
}

/**
 * Claims rows for this node until `until` (several nodes share the outbox, docs/scaling.md): all of
 * them or none. A row another node holds (its claim not yet expired) is not taken; a dead node's
 * claim expires and the row is taken over.
 */
export async function claim(
  db: Db,
  ids: string[],
  node: string,
  now: number,
  until: number,
): Promise<boolean> {
  if (ids.length === 0) return true;
  const taken = await db
    .updateTable('salesforce_outbox')
    .set({ claimed_by: node, claimed_until: until })
    .where('id', 'in', ids)
    .where('state', '=', 'pending')
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', now)]))
    .executeTakeFirst();
  if (Number(taken.numUpdatedRows) === ids.length) return true;
  await release(db, ids, node);
  return false;
}

/** Gives back this node's claim on rows it did not send. */
export async function release(db: Db, ids: string[], node: string): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('salesforce_outbox')
    .set({ claimed_by: null, claimed_until: null })
    .where('id', 'in', ids)
    .where('claimed_by', '=', node)
    .execute();
}

export async function complete(db: Db, ids: string[]): Promise<void> {
  if (ids.length > 0) await db.deleteFrom('salesforce_outbox').where('id', 'in', ids).execute();
}

/** Exponential backoff with a cap: base, 2·base, 4·base … ≤ cap. */
export function backoffMs(attempts: number, baseMs: number, capMs: number): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, Math.min(attempts - 1, 30)));
}

export async function retryLater(
  db: Db,
  ids: string[],
  now: number,
  error: string,
  backoff: (attempts: number) => number,
): Promise<void> {
  for (const id of ids) {
    const row = await db
      .selectFrom('salesforce_outbox')
      .select('attempts')
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) continue;
    const attempts = row.attempts + 1;
    await db
      .updateTable('salesforce_outbox')
      .set({
        attempts,
        next_attempt_at: now + backoff(attempts),
        last_error: error.slice(0, 1000),
        claimed_by: null,
        claimed_until: null,
      })
      .where('id', '=', id)
      .execute();
  }
}

/** Refused for good (a request Salesforce will never accept): kept, visible, no longer blocking. */
export async function giveUp(db: Db, ids: string[], error: string): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('salesforce_outbox')
    .set((eb) => ({
      state: 'failed',
      attempts: eb('attempts', '+', 1),
      last_error: error.slice(0, 1000),
      claimed_by: null,
      claimed_until: null,
    }))
    .where('id', 'in', ids)
    .execute();
}

export interface Backlog {
  contactCenterId: string;
  pending: number;
  /** Pending after at least one failed attempt (what an outage leaves behind). */
  retrying: number;
  failed: number;
  oldestCreatedAt: number | null;
}

/** Pending and failed requests per contact center, with the oldest pending one's age. */
export async function backlog(db: Db): Promise<Backlog[]> {
  const rows = await db
    .selectFrom('salesforce_outbox')
    .select([
      'contact_center_id as cc',
      sql<number>`sum(case when state = 'pending' then 1 else 0 end)`.as('pending'),
      sql<number>`sum(case when state = 'pending' and attempts > 0 then 1 else 0 end)`.as('retrying'),
      sql<number>`sum(case when state = 'failed' then 1 else 0 end)`.as('failed'),
      sql<number | null>`min(case when state = 'pending' then created_at end)`.as('oldest'),
    ])
    .groupBy('contact_center_id')
    .execute();
  return rows.map((r) => ({
    contactCenterId: r.cc,
    pending: Number(r.pending),
    retrying: Number(r.retrying),
    failed: Number(r.failed),
    oldestCreatedAt: r.oldest === null ? null : Number(r.oldest),
  }));
}
