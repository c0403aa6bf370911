/**
 * The command runner: every state change of a contact center runs here, one at a time per contact
 * center, inside one database transaction; the events it emits are delivered after commit.
 */
import type { Transaction } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { newId } from '../domain/ids.ts';
import { EventHub, type StoredEvent } from './events.ts';

export type Trx = Transaction<Database>;

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** What a command sees: the transaction, the time, and the ways to emit events and schedule jobs. */
export class Tx {
  readonly emitted: StoredEvent[] = [];
  /** Work to start once the transaction has committed, outside the lock (e.g. sending the outbox). */
  readonly committed: Array<(engine: Engine) => void> = [];
  readonly db: Trx;
  readonly ccId: string;
  readonly now: number;

  constructor(db: Trx, ccId: string, now: number) {
    this.db = db;
    this.ccId = ccId;
    this.now = now;
  }

  /** Appends an event to the user's stream with the next sequence number. */
  async emit(userId: string, event: string, data: unknown): Promise<void> {
    const row = await this.db
      .updateTable('users')
      .set((eb) => ({ event_seq: eb('event_seq', '+', 1) }))
      .where('id', '=', userId)
      .returning('event_seq')
      .executeTakeFirstOrThrow();
    await this.db
      .insertInto('agent_events')
      .values({
        user_id: userId,
        seq: row.event_seq,
        type: event,
        data_json: JSON.stringify(data),
        created_at: this.now,
      })
      .execute();
    this.emitted.push({ userId, event: { type: 'event', seq: row.event_seq, event, data, at: this.now } });
  }

  async schedule(kind: string, refId: string, dueAt: number, payload?: unknown): Promise<void> {
    await this.db
      .insertInto('jobs')
      .values({
        id: newId('JB'),
        contact_center_id: this.ccId,
        kind,
        ref_id: refId,
        payload_json: payload === undefined ? null : JSON.stringify(payload),
        due_at: dueAt,
      })
      .execute();
  }

  afterCommit(fn: (engine: Engine) => void): void {
    this.committed.push(fn);
  }

  async cancelJobs(refId: string, kinds: string[]): Promise<void> {
    await this.db.deleteFrom('jobs').where('ref_id', '=', refId).where('kind', 'in', kinds).execute();
  }
}

export class Engine {
  readonly db: Db;
  readonly hub = new EventHub();
  readonly clock: Clock;
  private readonly tails = new Map<string, Promise<unknown>>();

  constructor(db: Db, clock: Clock = systemClock) {
    this.db = db;
    this.clock = clock;
  }

  /** Runs `fn` under the contact center's lock in a transaction; delivers its events after commit. */
  async command<T>(ccId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
    const previous = this.tails.get(ccId) ?? Promise.resolve();
    const run = previous.then(
      () => this.runInTransaction(ccId, fn),
      () => this.runInTransaction(ccId, fn),
    );
    const tail = run.catch(() => undefined);
    this.tails.set(ccId, tail);
    void tail.then(() => {
      if (this.tails.get(ccId) === tail) this.tails.delete(ccId);
    });
    return run;
  }

  private async runInTransaction<T>(ccId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
    let tx: Tx | undefined;
    const result = await this.db.transaction().execute(async (trx) => {
      tx = new Tx(trx, ccId, this.clock.now());
      return fn(tx);
    });
    if (tx) {
      this.hub.deliver(tx.emitted);
      for (const fn of tx.committed) fn(this);
    }
    return result;
  }
}
