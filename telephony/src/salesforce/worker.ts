/**
 * Sends the outbox: the due head of each conversation (so a conversation's requests go out in
 * order), pending transcripts of several calls together through the bulk endpoint, retries with
 * exponential backoff on the service clock, and a log line when the backlog grows or drains.
 */
import type { SalesforceOutboxTable } from '../db/schema.ts';
import { newId } from '../domain/ids.ts';
import { routeFlowResult, type Engine, type FlowRoute } from '../engine/index.ts';
import {
  backlog,
  backoffMs,
  claim,
  complete,
  conversationFrom,
  dueHeads,
  enqueue,
  giveUp,
  release,
  retryLater,
  type Op,
} from './outbox.ts';
import * as requests from './requests.ts';
import type { CreateBody } from './requests.ts';
import type { ApiOutcome, ApiRequest, ApiTarget, TelephonyApiClient } from './telephonyApi.ts';
import { isRetryable } from './telephonyApi.ts';

export interface WorkerOptions {
  /** Real-time poll period (entries become due on the service clock). */
  pollMs: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  /** Requests in flight at once. */
  concurrency: number;
  /**
   * While requests wait after failures, one of them is sent this often (service clock) whatever its
   * backoff says: once Salesforce answers it, every waiting request of its contact center is due now.
   */
  probeMs: number;
  /** Send pending transcripts of up to 5 calls × 5 utterances in one bulk request. */
  bulkTranscripts: boolean;
  log: (line: string) => void;
  /** This node's name on the rows it claims (several nodes share the outbox, docs/scaling.md). */
  nodeId: string;
  /** How long a claim holds (service clock): past it, a dead node's rows are taken over. */
  claimLeaseMs: number;
}

/**
 * A transcript answered 404 is retried this long (service clock, from when it was written): outbound,
 * internal and callback records are created by Salesforce from the connector's events, maybe later.
 */
export const MISSING_RECORD_WAIT_MS = 120_000;

const BULK_CALLS = 5;

/** `last_error` of a create Salesforce may have applied (sent, no answer recorded). */
const MAY_EXIST = 'may exist: ';
const mayExist = (error: string | null): boolean => error?.startsWith(MAY_EXIST) ?? false;
const BULK_MESSAGES = 5;

/** One request to make: a single outbox row, or a bulk batch of transcript rows. */
interface Job {
  ccId: string;
  rows: SalesforceOutboxTable[];
  bulk: boolean;
}

export class OutboxWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private again = false;
  private loggedBacklog = 0;
  /** Requests refused for good since the backlog was last reported (the drained line says so). */
  private refused = 0;
  private lastProbe = -Infinity;
  /** Field errors in create answers, per contact center (for /metrics). */
  readonly createFieldErrors = new Map<string, number>();
  /** Rows being sent outside the worker (the inbound create): not sent again meanwhile. */
  /** The delay before the next attempt of a request that failed `attempts` times. */
  readonly backoff: (attempts: number) => number;

  constructor(
    private readonly engine: Engine,
    private readonly client: TelephonyApiClient,
    private readonly targets: (ccIds: string[]) => Promise<Map<string, ApiTarget>>,
    private readonly options: WorkerOptions,
  ) {
    this.backoff = (attempts) => backoffMs(attempts, options.backoffBaseMs, options.backoffCapMs);
  }

  start(): void {
    this.timer = setInterval(() => this.kick(), this.options.pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /**
   * Takes a row out of every worker's hands (this node's and the others') while it is sent elsewhere
   * (the inline create); false if it is already claimed.
   */
  claim(id: string): Promise<boolean> {
    const now = this.engine.clock.now();
    return claim(this.engine.db, [id], this.options.nodeId, now, now + this.options.claimLeaseMs);
  }

  release(id: string): Promise<void> {
    return release(this.engine.db, [id], this.options.nodeId);
  }

  kick(): void {
    void this.runDue().catch((err: unknown) => this.options.log(`salesforce outbox: ${String(err)}`));
  }

  /** Sends everything due now (and what those sends make due); resolves with the requests delivered. */
  runDue(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      let delivered = 0;
      do {
        this.again = false;
        delivered += await this.drain();
      } while (this.again);
      await this.reportBacklog();
      return delivered;
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Rounds until a round delivers nothing (a delivery may make the conversation's next request due). */
  private async drain(): Promise<number> {
    let delivered = await this.probe();
    for (let round = 0; round < 100; round++) {
      const heads = await dueHeads(this.engine.db, this.engine.clock.now(), 200);
      if (heads.length === 0) break;
      const jobs = await this.jobsFor(heads);
      const targets = await this.targets([...new Set(jobs.map((j) => j.ccId))]);
      let progress = 0;
      for (let i = 0; i < jobs.length; i += this.options.concurrency) {
        const slice = await this.claimJobs(jobs.slice(i, i + this.options.concurrency));
        const results = await Promise.all(
          slice.map((job) =>
            this.run(job, targets.get(job.ccId)).finally(() =>
              release(
                this.engine.db,
                job.rows.map((r) => r.id),
                this.options.nodeId,
              ),
            ),
          ),
        );
        progress += results.reduce((a, b) => a + b, 0);
      }
      delivered += progress;
      if (progress === 0) break;
    }
    return delivered;
  }

  /** The jobs whose rows this node could claim (another node may be sending the others). */
  private async claimJobs(jobs: Job[]): Promise<Job[]> {
    const now = this.engine.clock.now();
    const mine: Job[] = [];
    for (const job of jobs) {
      const ids = job.rows.map((r) => r.id);
      if (await claim(this.engine.db, ids, this.options.nodeId, now, now + this.options.claimLeaseMs))
        mine.push(job);
    }
    return mine;
  }

  /**
   * Recovery by probing: the head that waits the longest is sent before its backoff ends; if Salesforce
   * takes it, its contact center's waiting requests are made due at once (no sleeping out the cap).
   */
  private async probe(): Promise<number> {
    const now = this.engine.clock.now();
    // Only while a backlog is reported (requests wait after failures), at most every probeMs.
    if (this.loggedBacklog === 0 || now - this.lastProbe < this.options.probeMs) return 0;
    const waiting = (await dueHeads(this.engine.db, Number.MAX_SAFE_INTEGER, 50)).filter(
      (h) =>
        (h.claimed_until === null || h.claimed_until <= now) && h.attempts > 0 && h.next_attempt_at > now,
    );
    const head = waiting.sort((a, b) => a.created_at - b.created_at)[0];
    if (!head) return 0;
    this.lastProbe = now;
    const target = (await this.targets([head.contact_center_id])).get(head.contact_center_id);
    const rows = head.batch_key
      ? await this.engine.db
          .selectFrom('salesforce_outbox')
          .selectAll()
          .where('batch_key', '=', head.batch_key)
          .where('state', '=', 'pending')
          .orderBy('seq')
          .execute()
      : [head];
    const [job] = await this.claimJobs([
      { ccId: head.contact_center_id, rows, bulk: head.batch_key !== null },
    ]);
    if (!job) return 0;
    const delivered = await this.run(job, target).finally(() =>
      release(
        this.engine.db,
        rows.map((r) => r.id),
        this.options.nodeId,
      ),
    );
    if (delivered > 0)
      await this.engine.db
        .updateTable('salesforce_outbox')
        .set({ next_attempt_at: now })
        .where('contact_center_id', '=', head.contact_center_id)
        .where('state', '=', 'pending')
        .where('next_attempt_at', '>', now)
        .execute();
    return delivered;
  }

  private async jobsFor(heads: SalesforceOutboxTable[]): Promise<Job[]> {
    const jobs: Job[] = [];
    const batches = new Map<string, SalesforceOutboxTable[]>();
    const loose: SalesforceOutboxTable[][] = [];
    for (const head of heads) {
      if (head.op !== 'transcript' || !this.options.bulkTranscripts) {
        jobs.push({ ccId: head.contact_center_id, rows: [head], bulk: false });
      } else if (head.batch_key) {
        const rows = await this.engine.db
          .selectFrom('salesforce_outbox')
          .selectAll()
          .where('batch_key', '=', head.batch_key)
          .where('state', '=', 'pending')
          .orderBy('seq')
          .execute();
        if (!batches.has(head.batch_key)) batches.set(head.batch_key, rows);
      } else {
        const run: SalesforceOutboxTable[] = [];
        for (const row of await conversationFrom(
          this.engine.db,
          head.conversation_key,
          head.seq,
          BULK_MESSAGES,
        )) {
          if (row.op !== 'transcript' || row.batch_key || row.next_attempt_at > this.engine.clock.now())
            break;
          run.push(row);
        }
        loose.push(run);
      }
    }
    for (const rows of batches.values()) jobs.push({ ccId: rows[0]!.contact_center_id, rows, bulk: true });
    const byCenter = new Map<string, SalesforceOutboxTable[][]>();
    for (const run of loose) {
      const cc = run[0]!.contact_center_id;
      byCenter.set(cc, [...(byCenter.get(cc) ?? []), run]);
    }
    for (const [ccId, runs] of byCenter) {
      for (let i = 0; i < runs.length; i += BULK_CALLS) {
        const rows = runs.slice(i, i + BULK_CALLS).flat();
        if (rows.length === 1) {
          jobs.push({ ccId, rows, bulk: false });
          continue;
        }
        // A new key per batch: a retry of part of an earlier batch is another request.
        const batchKey = newId('BT');
        const ids = rows.map((r) => r.id);
        await this.engine.db
          .updateTable('salesforce_outbox')
          .set({ batch_key: batchKey })
          .where('id', 'in', ids)
          .execute();
        jobs.push({ ccId, rows: rows.map((r) => ({ ...r, batch_key: batchKey })), bulk: true });
      }
    }
    return jobs;
  }

  private async reference(key: string): Promise<string> {
    const row = await this.engine.db
      .selectFrom('salesforce_voice_calls')
      .select('voice_call_id')
      .where('vendor_call_key', '=', key)
      .executeTakeFirst();
    return encodeURIComponent(row?.voice_call_id ?? key);
  }

  /** The HTTP request of one outbox row (the VoiceCall id once known, else our key). */
  async request(row: SalesforceOutboxTable): Promise<ApiRequest> {
    const body = JSON.parse(row.body_json) as unknown;
    const base = { body, idempotencyKey: row.idempotency_key };
    switch (row.op as Op) {
      case 'create':
        if (mayExist(row.last_error))
          return {
            ...base,
            body: requests.transferByUpdate(body as CreateBody),
            method: 'PATCH',
            path: `/voiceCalls/${encodeURIComponent(row.vendor_call_key)}`,
          };
        return { ...base, method: 'POST', path: '/voiceCalls' };
      case 'transcript':
        return {
          ...base,
          method: 'POST',
          path: `/voiceCalls/${encodeURIComponent(row.vendor_call_key)}/messages`,
        };
      case 'update':
        return { ...base, method: 'PATCH', path: `/voiceCalls/${await this.reference(row.vendor_call_key)}` };
      case 'omniFlow':
        return {
          ...base,
          method: 'PATCH',
          path: `/voiceCalls/${await this.reference(row.vendor_call_key)}/omniFlow`,
        };
      case 'clearRouting':
        return {
          ...base,
          method: 'PATCH',
          path: `/voiceCalls/${await this.reference(row.vendor_call_key)}/clearRouting`,
        };
    }
  }

  private async run(job: Job, target: ApiTarget | undefined): Promise<number> {
    const ids = job.rows.map((r) => r.id);
    if (!target) {
      await giveUp(this.engine.db, ids, 'the contact center no longer exists');
      return 0;
    }
    if (!job.bulk) return this.runOne(job.rows[0]!, target);
    const entries = new Map<string, unknown[]>();
    for (const row of job.rows)
      entries.set(row.vendor_call_key, [
        ...(entries.get(row.vendor_call_key) ?? []),
        JSON.parse(row.body_json),
      ]);
    const outcome = await this.client.send(target, {
      method: 'POST',
      path: '/voiceCalls/messages',
      body: { entries: [...entries].map(([vendorCallKey, messages]) => ({ vendorCallKey, messages })) },
      idempotencyKey: job.rows[0]!.batch_key as string,
    });
    if (!outcome.ok) {
      await this.failed(job.rows, outcome);
      return 0;
    }
    if (outcome.status !== 207) {
      await complete(this.engine.db, ids);
      return ids.length;
    }
    // A 207 lists the entries it did not accept; an entry it does not list was accepted (no duplicate).
    const listed = (outcome.body as BulkPartial | null)?.errorResponse?.errorResponseEntries ?? [];
    let delivered = 0;
    for (const [key] of entries) {
      const rows = job.rows.filter((r) => r.vendor_call_key === key).map((r) => r.id);
      const entry = listed.find((e) => e.vendorCallKey === key);
      const status = Number(entry?.status ?? 202);
      if (status >= 200 && status < 300) {
        await complete(this.engine.db, rows);
        delivered += rows.length;
        continue;
      }
      // The batch changes, so its key goes: the rows retry in a new batch.
      await this.engine.db
        .updateTable('salesforce_outbox')
        .set({ batch_key: null })
        .where('id', 'in', rows)
        .execute();
      const message = String(entry?.message ?? '');
      const error = `bulk transcripts for ${key}: ${status} ${message}`;
      const retryable = isRetryable(status) || /RESOURCE_EXHAUSTED/i.test(message);
      await this.failed(
        rows.map((id) => job.rows.find((r) => r.id === id)!),
        { ok: false, status, retryable, error },
      );
    }
    return delivered;
  }

  /** A request failed for now: the next probe waits `probeMs` from here. */
  noteFailure(): void {
    this.lastProbe = this.engine.clock.now();
  }

  /**
   * One request. A transfer's create is marked before it goes: if no answer is recorded (the answer was
   * lost, or the service died), Salesforce may hold the record, and a second create would make another
   * (a transfer key "can be associated with multiple VoiceCall records"): the retry is an Update by key.
   */
  private async runOne(row: SalesforceOutboxTable, target: ApiTarget): Promise<number> {
    const transferCreate =
      row.op === 'create' && (JSON.parse(row.body_json) as CreateBody).initiationMethod === 'Transfer';
    if (!transferCreate) return this.settle(row, await this.client.send(target, await this.request(row)));
    const marked = mayExist(row.last_error) ? row.last_error! : `${MAY_EXIST}sent, no answer recorded`;
    await this.engine.db
      .updateTable('salesforce_outbox')
      .set({ last_error: marked })
      .where('id', '=', row.id)
      .execute();
    const outcome = await this.client.send(target, await this.request(row));
    if (!outcome.ok && (outcome.status === null || mayExist(row.last_error)))
      return this.settle(row, { ...outcome, error: `${MAY_EXIST}${outcome.error}` });
    return this.settle(row, outcome);
  }

  private async failed(
    rows: SalesforceOutboxTable[],
    outcome: Extract<ApiOutcome, { ok: false }>,
  ): Promise<void> {
    const ids = rows.map((r) => r.id);
    const now = this.engine.clock.now();
    const awaitingRecord =
      outcome.status === 404 &&
      rows.every((r) => r.op === 'transcript' && now - r.created_at < MISSING_RECORD_WAIT_MS);
    if (outcome.retryable || awaitingRecord) {
      this.noteFailure();
      await retryLater(this.engine.db, ids, this.engine.clock.now(), outcome.error, this.backoff);
      return;
    }
    await giveUp(this.engine.db, ids, outcome.error);
    this.refused += ids.length;
    this.options.log(`salesforce outbox: request refused for good, kept as failed: ${outcome.error}`);
  }

  /** Applies one request's answer: delivered (with its effects), retried later, or given up. */
  async settle(row: SalesforceOutboxTable, outcome: ApiOutcome): Promise<number> {
    if (!outcome.ok) {
      await this.failed([row], outcome);
      if (!outcome.retryable && row.route_leg_id) await this.routeFromFlow(row, null);
      return 0;
    }
    const body = (outcome.body ?? {}) as Record<string, unknown>;
    if (row.op === 'create') this.fieldErrors(row, body.errors);
    if (row.op === 'create' && typeof body.voiceCallId === 'string') {
      await this.engine.db
        .updateTable('salesforce_voice_calls')
        .set({ voice_call_id: body.voiceCallId })
        .where('vendor_call_key', '=', row.vendor_call_key)
        .execute();
    }
    // A row changed while it was sent (a create the call's end turned into its final update, a final
    // update the recording joined) stays to be sent as it is now: only what was sent is done.
    await this.engine.db
      .deleteFrom('salesforce_outbox')
      .where('id', '=', row.id)
      .where('op', '=', row.op)
      .where('body_json', '=', row.body_json)
      .execute();
    if (row.op === 'omniFlow' && row.route_leg_id) {
      const route: FlowRoute | null =
        typeof body.agent === 'string'
          ? { type: 'agent', userId: body.agent }
          : typeof body.queue === 'string'
            ? { type: 'queue', queueId: body.queue }
            : null;
      await this.routeFromFlow(row, route);
    }
    return 1;
  }

  /**
   * A create answered with field `errors` (IVR attributes that are not VoiceCall fields): the record
   * exists without them. Logged and counted (`switchboard_salesforce_create_field_errors_total`).
   */
  private fieldErrors(row: SalesforceOutboxTable, errors: unknown): void {
    const list = Array.isArray(errors) ? errors : typeof errors === 'string' && errors ? [errors] : [];
    if (list.length === 0) return;
    const cc = row.contact_center_id;
    this.createFieldErrors.set(cc, (this.createFieldErrors.get(cc) ?? 0) + list.length);
    this.options.log(
      `salesforce: VoiceCall create for ${row.vendor_call_key} answered with ${list.length} field error(s): ${JSON.stringify(list).slice(0, 500)}`,
    );
  }

  /** Routes the leg the flow was for; a late answer's pending routing is cleared instead. */
  private async routeFromFlow(row: SalesforceOutboxTable, route: FlowRoute | null): Promise<void> {
    const cleared = await this.engine.command(row.contact_center_id, async (tx) => {
      const routed = await routeFlowResult(
        tx,
        row.route_leg_id as string,
        route ?? { type: 'queue', queueId: '' },
      );
      if (!routed && route) {
        await enqueue(tx, {
          conversationKey: row.conversation_key,
          op: 'clearRouting',
          vendorCallKey: row.vendor_call_key,
          body: {},
        });
        return true;
      }
      return false;
    });
    if (cleared) this.kick();
  }

  /** A log line when the backlog appears, doubles, or drains. */
  private async reportBacklog(): Promise<void> {
    const rows = await backlog(this.engine.db);
    const pending = rows.reduce((sum, r) => sum + r.retrying, 0);
    if (pending > 0 && (this.loggedBacklog === 0 || pending >= this.loggedBacklog * 2)) {
      const oldest = Math.min(...rows.map((r) => r.oldestCreatedAt ?? Infinity));
      const age = Math.round((this.engine.clock.now() - oldest) / 1000);
      const last = await this.engine.db
        .selectFrom('salesforce_outbox')
        .select('last_error')
        .where('state', '=', 'pending')
        .where('last_error', 'is not', null)
        .orderBy('next_attempt_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      this.options.log(
        `salesforce outbox: ${pending} request(s) waiting, oldest ${age} s${last?.last_error ? ` (last error: ${last.last_error})` : ''}`,
      );
      this.loggedBacklog = pending;
    } else if (pending === 0 && this.loggedBacklog > 0) {
      this.options.log(
        this.refused === 0
          ? 'salesforce outbox: drained, every waiting request was delivered'
          : `salesforce outbox: drained; ${this.refused} request(s) were refused for good and kept as failed (switchboard_salesforce_outbox_failed)`,
      );
      this.loggedBacklog = 0;
    }
    if (this.loggedBacklog === 0) this.refused = 0;
  }
}

interface BulkPartial {
  errorResponse?: {
    errorResponseEntries?: Array<{ vendorCallKey: string; status: number | string; message?: string }>;
  };
}
