/**
 * The command runner: every state change of a contact center runs here, one at a time per contact
 * center, inside one database transaction; the events it emits are delivered after commit.
 */
import { performance } from 'node:perf_hooks';
import type { Transaction } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { newId } from '../domain/ids.ts';
import type { AgentEventName, EventData } from '../contracts/agentApi.ts';
import { DomainEvents, type DomainEvent } from './domainEvents.ts';
import { noCrm, type EnginePorts } from './ports.ts';
import { ReadCache } from './readCache.ts';

export type Trx = Transaction<Database>;

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * What a command sees: the transaction, the time, the ports, and the ways to publish domain events,
 * append agent events and schedule jobs.
 */
export class Tx {
  /** The domain events published so far, delivered as one batch after commit. */
  readonly published: DomainEvent[] = [];
  /** Work to start once the transaction has committed, outside the lock (e.g. sending the outbox). */
  readonly committed: Array<() => void> = [];
  readonly db: Trx;
  /** Rows this command read, until it writes to their tables (readCache.ts). */
  readonly reads = new ReadCache();
  readonly ccId: string;
  readonly now: number;
  readonly ports: EnginePorts;
  private readonly events: DomainEvents;

  /** Without `ports` and `events` (a transaction outside the engine, e.g. seeding): no CRM, no subscribers. */
  constructor(
    db: Trx,
    ccId: string,
    now: number,
    ports: EnginePorts = { crm: noCrm },
    events: DomainEvents = new DomainEvents(),
  ) {
    this.db = db.withPlugin(this.reads);
    this.ccId = ccId;
    this.now = now;
    this.ports = ports;
    this.events = events;
  }

  /** Publishes a domain event: to the in-transaction subscribers now, to the others after commit. */
  async publish(event: DomainEvent): Promise<void> {
    this.published.push(event);
    await this.events.published(this, event);
  }

  /** Appends an event to the user's stream with the next sequence number. */
  async emit<E extends AgentEventName>(userId: string, event: E, data: EventData[E]): Promise<void> {
    const row = await this.db
      .updateTable('agent_streams')
      .set((eb) => ({ event_seq: eb('event_seq', '+', 1) }))
      .where('user_id', '=', userId)
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
    await this.publish({
      type: 'AgentEventAppended',
      contactCenterId: this.ccId,
      userId,
      event: { type: 'event', seq: row.event_seq, event, data, at: this.now },
    });
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

  afterCommit(fn: () => void): void {
    this.committed.push(fn);
  }

  async cancelJobs(refId: string, kinds: string[]): Promise<void> {
    await this.db.deleteFrom('jobs').where('ref_id', '=', refId).where('kind', 'in', kinds).execute();
  }
}

export interface EngineOptions {
  clock?: Clock;
  ports?: Partial<EnginePorts>;
  /**
   * Serializes a contact center's commands across processes: called first in each command's
   * transaction (several nodes on PostgreSQL take an advisory transaction lock, docs/scaling.md).
   * Within one process the engine queues a contact center's commands itself.
   */
  lock?: (trx: Trx, ccId: string) => Promise<void>;
}

export class Engine {
  readonly db: Db;
  /** The domain events of committed commands (see domainEvents.ts). */
  readonly events = new DomainEvents();
  readonly clock: Clock;
  private readonly ports: EnginePorts;
  private readonly lock: ((trx: Trx, ccId: string) => Promise<void>) | undefined;
  private readonly tails = new Map<string, Promise<unknown>>();
  /** Per contact center, when each command still waiting for its turn was submitted (oldest first). */
  private readonly waiting = new Map<string, number[]>();
  private waitingTotal = 0;

  constructor(db: Db, options: EngineOptions = {}) {
    this.db = db;
    this.clock = options.clock ?? systemClock;
    this.ports = { crm: options.ports?.crm ?? noCrm };
    this.lock = options.lock;
  }

  /** Runs `fn` under the contact center's lock in a transaction; delivers its events after commit. */
  async command<T>(ccId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
    const previous = this.tails.get(ccId) ?? Promise.resolve();
    const queue = this.waiting.get(ccId) ?? [];
    if (queue.length === 0) this.waiting.set(ccId, queue);
    queue.push(performance.now());
    this.waitingTotal++;
    const start = () => {
      queue.shift();
      this.waitingTotal--;
      if (queue.length === 0 && this.waiting.get(ccId) === queue) this.waiting.delete(ccId);
      return this.runInTransaction(ccId, fn);
    };
    const run = previous.then(start, start);
    const tail = run.catch(() => undefined);
    this.tails.set(ccId, tail);
    void tail.then(() => {
      if (this.tails.get(ccId) === tail) this.tails.delete(ccId);
    });
    return run;
  }

  /**
   * The contact center's commands waiting for their turn on this node, and how long the oldest has
   * waited (ms): what admission control reads (admission.ts).
   */
  backlog(ccId: string): { waiting: number; oldestWaitMs: number } {
    const queue = this.waiting.get(ccId);
    const oldest = queue?.[0];
    return {
      waiting: queue?.length ?? 0,
      oldestWaitMs: oldest === undefined ? 0 : performance.now() - oldest,
    };
  }

  /** Commands of every contact center waiting for their turn on this node. */
  waitingCommands(): number {
    return this.waitingTotal;
  }

  private async runInTransaction<T>(ccId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
    let tx: Tx | undefined;
    const result = await this.db.transaction().execute(async (trx) => {
      if (this.lock) await this.lock(trx, ccId);
      tx = new Tx(trx, ccId, this.clock.now(), this.ports, this.events);
      return fn(tx);
    });
    if (tx) {
      this.events.committed(tx.published);
      for (const fn of tx.committed) fn();
    }
    return result;
  }
}
