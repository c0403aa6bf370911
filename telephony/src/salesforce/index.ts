/**
 * The Salesforce sync of the service (docs/salesforce-sync.md): keys, tokens, the API client, the
 * outbox worker, and the inbound path's create-then-route. Started by `buildService` when configured.
 */
import { randomUUID } from 'node:crypto';
import { DEVELOPMENT_SCRT_POLICY, type ScrtPolicy } from './scrtPolicy.ts';
import type { Db } from '../db/database.ts';
import { routeRecordedInboundCall, type Engine, type RoutingTarget } from '../engine/index.ts';
import { KeyVault, type ExportedKey } from './keyVault.ts';
import type { OutboxSender } from './lifecycle.ts';
import { backlog } from './outbox.ts';
import { TelephonyApiClient, type ApiTarget } from './telephonyApi.ts';
import { TokenIssuer } from './tokens.ts';
import { OutboxWorker } from './worker.ts';

export interface SalesforceOptions {
  /** 32 bytes that encrypt the private keys at rest (see masterKey.ts). */
  masterKey: Buffer;
  /** `Telephony-Provider-Name` header. */
  providerName?: string;
  /**
   * The inbound create: how long the call waits for it before it is routed anyway, and the backoff before
   * retry n (base·2^(n−1)), real time. Each attempt has the request timeout.
   */
  createTimeoutMs?: number;
  createBackoffMs?: number;
  /** Timeout of an outbox request. */
  requestTimeoutMs?: number;
  outboxPollMs?: number;
  outboxBackoffMs?: number;
  outboxBackoffCapMs?: number;
  /** How long (service clock) a recorded call's final update waits for its recording (default 30 s). */
  recordingWaitMs?: number;
  /** While requests wait after failures, one is sent this often (service clock) to find recovery. */
  outboxProbeMs?: number;
  bulkTranscripts?: boolean;
  tokenTtlSeconds?: number;
  /** false in tests that drive the outbox themselves with `worker.runDue()`. */
  startWorker?: boolean;
  log?: (line: string) => void;
  /** This node's name on the outbox rows it claims (docs/scaling.md); random per process when absent. */
  nodeId?: string;
  /** Where telephony API requests may go (scrtPolicy.ts); development's when absent. */
  scrtPolicy?: ScrtPolicy;
}

/** Retries of a failed inbound create before the call is routed anyway (developer guide ch. 5). */
export const CREATE_RETRIES = 3;

export class SalesforceSync implements OutboxSender {
  readonly vault: KeyVault;
  readonly tokens: TokenIssuer;
  readonly client: TelephonyApiClient;
  readonly worker: OutboxWorker;
  readonly recordingWaitMs: number;
  private readonly inflight = new Set<Promise<void>>();
  private readonly db: Db;
  private readonly createTimeoutMs: number;
  private readonly createBackoffMs: number;
  private readonly log: (line: string) => void;

  constructor(
    private readonly engine: Engine,
    private readonly options: SalesforceOptions,
  ) {
    this.db = engine.db;
    this.log = options.log ?? ((line) => console.log(line));
    this.createTimeoutMs = options.createTimeoutMs ?? 2000;
    this.createBackoffMs = options.createBackoffMs ?? 200;
    this.recordingWaitMs = options.recordingWaitMs ?? 30_000;
    this.vault = new KeyVault(engine.db, options.masterKey, engine.clock);
    this.tokens = new TokenIssuer(this.vault, engine.clock, { ttlSeconds: options.tokenTtlSeconds ?? 180 });
    this.client = new TelephonyApiClient(
      this.tokens,
      {
        providerName: options.providerName ?? 'switchboard',
        timeoutMs: options.requestTimeoutMs ?? 10_000,
        policy: options.scrtPolicy ?? DEVELOPMENT_SCRT_POLICY,
      },
      async (ccId, keyId) => {
        await this.vault.confirm(ccId, keyId);
        this.log(`salesforce: contact center ${ccId} accepted the new key ${keyId}; it signs from now on`);
      },
    );
    this.worker = new OutboxWorker(engine, this.client, (ids) => this.targets(ids), {
      pollMs: options.outboxPollMs ?? 500,
      backoffBaseMs: options.outboxBackoffMs ?? 1000,
      backoffCapMs: options.outboxBackoffCapMs ?? 60_000,
      concurrency: 8,
      probeMs: options.outboxProbeMs ?? 2000,
      bulkTranscripts: options.bulkTranscripts ?? true,
      log: this.log,
      nodeId: options.nodeId ?? randomUUID(),
      // A claim outlives a slice of requests that all time out; then another node may take the rows.
      claimLeaseMs: 3 * (options.requestTimeoutMs ?? 10_000),
    });
  }

  start(): void {
    if (this.options.startWorker ?? true) this.worker.start();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.inflight]);
    await this.worker.stop();
  }

  /** Connects a contact center: its calls are synced from now on; its key pair is made if it has none. */
  async connect(ccId: string, options: { voiceCallRecordTypeId?: string | null } = {}): Promise<ExportedKey> {
    const key = await this.vault.ensureKey(ccId);
    const row = {
      enabled: 1,
      voice_call_record_type_id: options.voiceCallRecordTypeId ?? null,
    };
    const existing = await this.db
      .selectFrom('salesforce_connections')
      .select('contact_center_id')
      .where('contact_center_id', '=', ccId)
      .executeTakeFirst();
    if (existing)
      await this.db
        .updateTable('salesforce_connections')
        .set(row)
        .where('contact_center_id', '=', ccId)
        .execute();
    else
      await this.db
        .insertInto('salesforce_connections')
        .values({ contact_center_id: ccId, created_at: this.engine.clock.now(), ...row })
        .execute();
    return key;
  }

  /** Where each contact center's requests go, and its JWT claims. */
  private async targets(ccIds: string[]): Promise<Map<string, ApiTarget>> {
    if (ccIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('contact_centers')
      .select(['id', 'org_id', 'api_name', 'scrt_url'])
      .where('id', 'in', ccIds)
      .execute();
    return new Map(
      rows.map((r) => [r.id, { ccId: r.id, orgId: r.org_id, apiName: r.api_name, scrtUrl: r.scrt_url }]),
    );
  }

  kick(): void {
    this.worker.kick();
  }

  continueInbound(ccId: string, callId: string, target: RoutingTarget): void {
    const run = this.createThenRoute(ccId, callId, target).catch((err: unknown) =>
      this.log(`salesforce: inbound call ${callId}: ${String(err)}`),
    );
    this.inflight.add(run);
    void run.finally(() => this.inflight.delete(run));
  }

  /**
   * Voice resiliency: the call waits for its create at most `createTimeoutMs`, then is routed whatever
   * the outcome. One create is in flight per call: an attempt is not abandoned while Salesforce may still
   * apply it (it has the outbox's request timeout); retries (up to 3) follow an answer that refused it
   * for now, and the outbox does not send the row meanwhile.
   */
  private async createThenRoute(ccId: string, callId: string, target: RoutingTarget): Promise<void> {
    const created = this.createNow(ccId, callId);
    let waited: NodeJS.Timeout | undefined;
    const wait = new Promise<void>((resolve) => {
      waited = setTimeout(resolve, this.createTimeoutMs);
    });
    try {
      await Promise.race([
        created.then(
          () => undefined,
          () => undefined,
        ),
        wait,
      ]);
    } finally {
      clearTimeout(waited);
      await routeRecordedInboundCall(this.engine, ccId, callId, target);
    }
    await created;
  }

  private async createNow(ccId: string, callId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('salesforce_outbox')
      .selectAll()
      .where('vendor_call_key', '=', callId)
      .where('op', '=', 'create')
      .where('state', '=', 'pending')
      .executeTakeFirst();
    const target = (await this.targets([ccId])).get(ccId);
    if (!row || !target || !(await this.worker.claim(row.id))) return false;
    try {
      const request = await this.worker.request(row);
      let error = '';
      let attempts = 0;
      for (let attempt = 0; attempt <= CREATE_RETRIES; attempt++) {
        attempts++;
        if (attempt > 0) await new Promise((r) => setTimeout(r, this.createBackoffMs * 2 ** (attempt - 1)));
        const outcome = await this.client.send(target, request);
        if (outcome.ok || !outcome.retryable) return (await this.worker.settle(row, outcome)) === 1;
        error = outcome.error;
        // No answer: Salesforce may have applied it; the outbox retries later, not a second create now.
        if (outcome.status === null) break;
      }
      // The outbox takes over: retried with backoff until Salesforce answers.
      this.worker.noteFailure();
      await this.db
        .updateTable('salesforce_outbox')
        .set({
          attempts,
          next_attempt_at: this.engine.clock.now() + this.worker.backoff(attempts),
          last_error: error,
        })
        .where('id', '=', row.id)
        .execute();
      this.log(
        `salesforce: VoiceCall create for ${callId} failed ${attempts} times (${error}); routed anyway, the outbox retries`,
      );
      return false;
    } finally {
      await this.worker.release(row.id);
    }
  }

  /** Prometheus text: outbox backlog per contact center, API answers, JWT signatures. */
  async metrics(): Promise<string> {
    const now = this.engine.clock.now();
    const lines = [
      '# HELP switchboard_salesforce_outbox_pending Telephony API requests waiting in the outbox.',
      '# TYPE switchboard_salesforce_outbox_pending gauge',
    ];
    const rows = await backlog(this.db);
    for (const r of rows)
      lines.push(`switchboard_salesforce_outbox_pending{contact_center="${r.contactCenterId}"} ${r.pending}`);
    lines.push(
      '# HELP switchboard_salesforce_outbox_oldest_age_seconds Age of the oldest waiting request.',
      '# TYPE switchboard_salesforce_outbox_oldest_age_seconds gauge',
    );
    for (const r of rows) {
      const age = r.oldestCreatedAt === null ? 0 : Math.max(0, (now - r.oldestCreatedAt) / 1000);
      lines.push(
        `switchboard_salesforce_outbox_oldest_age_seconds{contact_center="${r.contactCenterId}"} ${age}`,
      );
    }
    lines.push(
      '# HELP switchboard_salesforce_outbox_failed Requests Salesforce refused for good (kept for inspection).',
      '# TYPE switchboard_salesforce_outbox_failed gauge',
    );
    for (const r of rows)
      lines.push(`switchboard_salesforce_outbox_failed{contact_center="${r.contactCenterId}"} ${r.failed}`);
    lines.push(
      '# HELP switchboard_salesforce_create_field_errors_total Field errors in VoiceCall create answers (attributes that are not VoiceCall fields).',
      '# TYPE switchboard_salesforce_create_field_errors_total counter',
    );
    for (const [cc, n] of [...this.worker.createFieldErrors].sort())
      lines.push(`switchboard_salesforce_create_field_errors_total{contact_center="${cc}"} ${n}`);
    lines.push(
      '# HELP switchboard_salesforce_api_requests_total Telephony API requests sent, by HTTP status.',
      '# TYPE switchboard_salesforce_api_requests_total counter',
    );
    for (const [status, n] of [...this.client.sent].sort())
      lines.push(`switchboard_salesforce_api_requests_total{status="${status}"} ${n}`);
    lines.push(
      '# HELP switchboard_salesforce_jwt_signatures_total JWTs signed (one per contact center per token lifetime).',
      '# TYPE switchboard_salesforce_jwt_signatures_total counter',
      `switchboard_salesforce_jwt_signatures_total ${this.tokens.signatures}`,
    );
    return lines.join('\n') + '\n';
  }
}
