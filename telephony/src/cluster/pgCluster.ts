/**
 * Several service nodes on one PostgreSQL database (docs/scaling.md). Each node is a full service;
 * what they share they coordinate through the database:
 *
 * - a contact center's commands run one at a time across nodes: each command's transaction first
 *   takes the contact center's advisory transaction lock (`lockContactCenter`);
 * - an agent's events reach its socket whichever node committed them: every appended event is
 *   announced with `pg_notify` inside its transaction (so only once committed, in commit order);
 *   the node holding the agent's socket reads the row and sends it, gaps filled from the table
 *   (`OrderedDelivery` in engine/events.ts), duplicates dropped by sequence number;
 * - caches (decrypted signing keys, tokens, the injected-failure gate) are told when another node
 *   changed what they hold.
 *
 * Timers (`jobs`) need nothing more: a job is deleted and run in one command under the contact
 * center's lock, so one node runs it and a node killed mid-way leaves it for the next poll. Outbox
 * rows are claimed with a lease (salesforce/outbox.ts `claim`).
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import type { Db } from '../db/database.ts';
import type { Trx } from '../engine/engine.ts';
import type { AgentEvent, EventHub } from '../engine/events.ts';
import type { InjectedFailureGate } from '../engine/injectedFailures.ts';
import type { DomainEvent, Tx } from '../engine/index.ts';
import type { KeyVault } from '../salesforce/keyVault.ts';

export const EVENTS_CHANNEL = 'switchboard_events';
export const CACHE_CHANNEL = 'switchboard_cache';
const RECONNECT_MS = 1000;

/** The contact center's lock across nodes, released when the command's transaction ends. */
export async function lockContactCenter(trx: Trx, ccId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${ccId}, 0))`.execute(trx);
}

type CacheKind = 'key' | 'failure';

export interface ClusterParts {
  db: Db;
  streams: EventHub;
  failures: InjectedFailureGate;
  vault: KeyVault | null;
}

export class PgCluster {
  /** This node's name in its notices and on the outbox rows it claims. */
  readonly nodeId: string;
  private client: pg.Client | null = null;
  private parts: ClusterParts | null = null;
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly databaseUrl: string,
    private readonly log: (line: string) => void = (line) => console.log(line),
    nodeId?: string,
  ) {
    this.nodeId = nodeId ?? randomUUID().slice(0, 8);
  }

  /** Inside a command's transaction: announces each appended agent event (delivered on commit). */
  readonly announce = async (tx: Tx, event: DomainEvent): Promise<void> => {
    if (event.type !== 'AgentEventAppended') return;
    await sql`select pg_notify(${EVENTS_CHANNEL}, ${`${this.nodeId} ${event.userId} ${event.event.seq}`})`.execute(
      tx.db,
    );
  };

  /** Listens for the other nodes' notices and tells them of this node's cache changes. */
  async start(parts: ClusterParts): Promise<void> {
    this.parts = parts;
    parts.failures.onInjected((ccId) => void this.tell('failure', ccId));
    parts.vault?.onChange((ccId) => void this.tell('key', ccId), { remoteToo: false });
    await this.listen();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    client.on('notification', (n) => this.received(n.channel, n.payload ?? ''));
    client.on('error', (err) => {
      this.log(`cluster: lost the notice connection (${err.message}); reconnecting`);
      this.reconnect(client);
    });
    client.on('end', () => this.reconnect(client));
    await client.connect();
    await client.query(`listen ${EVENTS_CHANNEL}`);
    await client.query(`listen ${CACHE_CHANNEL}`);
    this.client = client;
  }

  /** After a lost connection: listen again, then catch up every local socket and drop every cache. */
  private reconnect(client: pg.Client): void {
    if (this.stopped || this.client !== client) return;
    this.client = null;
    void client.end().catch(() => undefined);
    this.reconnectTimer = setTimeout(() => {
      this.listen()
        .then(() => this.catchUp())
        .catch((err: unknown) => {
          this.log(`cluster: cannot listen (${String(err)}); retrying`);
          this.client = client;
          this.reconnect(client);
        });
    }, RECONNECT_MS);
  }

  private async catchUp(): Promise<void> {
    const parts = this.parts;
    if (!parts) return;
    for (const userId of parts.streams.users()) {
      const latest = await parts.db
        .selectFrom('agent_streams')
        .select('event_seq')
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (latest) await this.deliver(userId, latest.event_seq);
    }
  }

  private async tell(kind: CacheKind, ccId: string): Promise<void> {
    if (!this.parts) return;
    await sql`select pg_notify(${CACHE_CHANNEL}, ${`${this.nodeId} ${kind} ${ccId}`})`
      .execute(this.parts.db)
      .catch((err: unknown) => this.log(`cluster: cannot announce a ${kind} change: ${String(err)}`));
  }

  private received(channel: string, payload: string): void {
    const [node, a, b] = payload.split(' ');
    if (node === this.nodeId || !a || !b || !this.parts) return;
    if (channel === EVENTS_CHANNEL) {
      const seq = Number(b);
      if (this.parts.streams.has(a) && Number.isSafeInteger(seq))
        this.deliver(a, seq).catch((err: unknown) => this.log(`cluster: event ${a}/${seq}: ${String(err)}`));
    } else if (channel === CACHE_CHANNEL) {
      if (a === 'failure') this.parts.failures.forget(b);
      else if (a === 'key') this.parts.vault?.forget(b);
    }
  }

  /** Reads the announced event and hands it to the user's sockets (which fill any gap before it). */
  private async deliver(userId: string, seq: number): Promise<void> {
    const parts = this.parts;
    if (!parts) return;
    const row = await parts.db
      .selectFrom('agent_events')
      .selectAll()
      .where('user_id', '=', userId)
      .where('seq', '=', seq)
      .executeTakeFirst();
    if (!row) return;
    const event: AgentEvent = {
      type: 'event',
      seq: row.seq,
      event: row.type,
      data: JSON.parse(row.data_json) as unknown,
      at: row.created_at,
    };
    parts.streams.deliverTo(userId, event);
  }
}
