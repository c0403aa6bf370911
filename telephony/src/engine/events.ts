/**
 * Per-agent event streams. Events are appended to `agent_events` inside the command's transaction
 * (with the user's next sequence number, `Tx.emit`) and published as `AgentEventAppended` domain
 * events; the `EventHub`, subscribed at the composition root, pushes them to that user's open
 * sockets after commit.
 */
import type { Db } from '../db/database.ts';
import type { DomainEvent } from './domainEvents.ts';

export interface AgentEvent {
  type: 'event';
  seq: number;
  event: string;
  data: unknown;
  at: number;
}

export interface EventSink {
  send(event: AgentEvent): void;
}

/** How long and how many events a user's stream keeps for reconnecting clients. */
export const EVENT_RETENTION_MS = 24 * 3600_000;
export const EVENT_RETENTION_COUNT = 5000;

export class EventHub {
  private readonly sinks = new Map<string, Set<EventSink>>();

  subscribe(userId: string, sink: EventSink): () => void {
    let set = this.sinks.get(userId);
    if (!set) {
      set = new Set();
      this.sinks.set(userId, set);
    }
    set.add(sink);
    return () => {
      set.delete(sink);
      if (set.size === 0) this.sinks.delete(userId);
    };
  }

  /** Pushes a committed batch's agent events to their users' open sockets. */
  deliver(batch: readonly DomainEvent[]): void {
    for (const e of batch) {
      if (e.type !== 'AgentEventAppended') continue;
      const set = this.sinks.get(e.userId);
      if (set) for (const sink of set) sink.send(e.event);
    }
  }

  /** Pushes one event to the user's open sockets (an event another node committed, docs/scaling.md). */
  deliverTo(userId: string, event: AgentEvent): void {
    for (const sink of this.sinks.get(userId) ?? []) sink.send(event);
  }

  has(userId: string): boolean {
    return this.sinks.has(userId);
  }

  /** The users with an open socket on this node. */
  users(): string[] {
    return [...this.sinks.keys()];
  }

  connectedUsers(): number {
    return this.sinks.size;
  }
}

/**
 * Events after `lastSeq`, or null when part of that range was pruned or `lastSeq` is ahead of the
 * stream (the client must reload). The user's counter is read first: every event up to it exists
 * unless pruned, and events committed meanwhile only add to the answer.
 */
export async function eventsSince(db: Db, userId: string, lastSeq: number): Promise<AgentEvent[] | null> {
  const user = await db
    .selectFrom('agent_streams')
    .select('event_seq')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!user || lastSeq > user.event_seq) return null;
  const rows = await db
    .selectFrom('agent_events')
    .selectAll()
    .where('user_id', '=', userId)
    .where('seq', '>', lastSeq)
    .orderBy('seq')
    .execute();
  const first = rows[0];
  if (user.event_seq > lastSeq && first?.seq !== lastSeq + 1) return null;
  return rows.map((r) => ({
    type: 'event',
    seq: r.seq,
    event: r.type,
    data: JSON.parse(r.data_json) as unknown,
    at: r.created_at,
  }));
}

/** Drops events past the retention window (time, then count per user); returns how many were removed. */
export async function pruneEvents(db: Db, now: number): Promise<number> {
  const old = await db
    .deleteFrom('agent_events')
    .where('created_at', '<', now - EVENT_RETENTION_MS)
    .executeTakeFirst();
  let removed = Number(old.numDeletedRows);
  const busy = await db
    .selectFrom('agent_streams')
    .select(['user_id as id', 'event_seq'])
    .where('event_seq', '>', EVENT_RETENTION_COUNT)
    .execute();
  for (const user of busy) {
    const extra = await db
      .deleteFrom('agent_events')
      .where('user_id', '=', user.id)
      .where('seq', '<=', user.event_seq - EVENT_RETENTION_COUNT)
      .executeTakeFirst();
    removed += Number(extra.numDeletedRows);
  }
  return removed;
}

/**
 * One socket's live stream: each event sent once, in sequence order, none skipped. In a cluster
 * (docs/scaling.md) an event can arrive before earlier ones that another node committed (their
 * notice is still on its way): the gap is filled by reading the missing rows from `agent_events`.
 * On one node events arrive in order and no row is read.
 */
export class OrderedDelivery {
  private target = 0;
  private filling = false;

  constructor(
    private readonly db: Db,
    private readonly userId: string,
    private lastSent: number,
    private readonly out: { send(event: AgentEvent): void; lost(): void },
  ) {}

  offer(event: AgentEvent): void {
    if (event.seq <= this.lastSent) return;
    if (event.seq === this.lastSent + 1 && !this.filling) {
      this.lastSent = event.seq;
      this.out.send(event);
      return;
    }
    this.target = Math.max(this.target, event.seq);
    if (!this.filling) void this.fill();
  }

  private async fill(): Promise<void> {
    this.filling = true;
    try {
      while (this.lastSent < this.target) {
        const rows = await eventsSince(this.db, this.userId, this.lastSent);
        // Pruned meanwhile, or nothing new to read (never for a committed event): the client resyncs.
        if (!rows || !rows.some((event) => event.seq > this.lastSent)) {
          this.out.lost();
          return;
        }
        for (const event of rows) {
          if (event.seq > this.lastSent) {
            this.lastSent = event.seq;
            this.out.send(event);
          }
        }
      }
    } catch {
      this.out.lost();
    } finally {
      this.filling = false;
    }
  }
}
