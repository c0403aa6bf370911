/**
 * Test harness: the real service on 127.0.0.1 (random port) over a real database (a temporary SQLite
 * file, or PostgreSQL when TEST_DATABASE_URL is set), real WebSocket agents, and the simulator API.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { openDatabase, type Db } from '../src/db/database.ts';
import { setPresenceStatuses } from '../src/engine/agentPresence.ts';
import type { Clock } from '../src/engine/engine.ts';
import { hashPassword } from '../src/engine/sessions.ts';
import * as tenants from '../src/engine/tenants.ts';
import type { ContactCenterSettings } from '../src/domain/settings.ts';
import type { AdmissionLimits } from '../src/engine/admission.ts';
import { buildService, type Service, type ServiceLimits } from '../src/server.ts';
import { DEMO_PRESENCE_STATUSES } from '../src/devData.ts';
import type { MediaOptions } from '../src/media/wiring.ts';
import type { RecordingStorageOptions } from '../src/storage/recordingArchive.ts';
import type { SipOptions } from '../src/sip/sipService.ts';
import type { SalesforceOptions } from '../src/salesforce/index.ts';
import type { TelephonyApiEmulator } from '../../emulator/src/telephonyApi/index.ts';

export class ManualClock implements Clock {
  constructor(public t = Date.UTC(2026, 10, 21, 9, 0, 0)) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface DatabaseHandle {
  db: Db;
  /** Opens the same database again (for restart tests). */
  reopen(): Db;
  destroy(): Promise<void>;
}

export function testDatabase(): DatabaseHandle {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const open = () => openDatabase({ databaseUrl: url, sqlitePath: '', pgSchema: schema }).db;
    const db = open();
    return {
      db,
      reopen: open,
      destroy: async () => {
        await db.destroy();
        const admin = openDatabase({ databaseUrl: url, sqlitePath: '' }).db;
        await admin.schema.dropSchema(schema).ifExists().cascade().execute();
        await admin.destroy();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-test-'));
  const file = path.join(dir, 'test.db');
  const open = () => openDatabase({ sqlitePath: file }).db;
  const db = open();
  return {
    db,
    reopen: open,
    destroy: async () => {
      await db.destroy().catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Where a service is reached: one node, or a load balancer in front of several (cluster.test.ts). */
export interface Endpoint {
  baseUrl: string;
  wsUrl: string;
}

export interface Running extends Endpoint {
  service: Service;
  stop(): Promise<void>;
}

export async function startService(
  db: Db,
  options: {
    clock?: Clock;
    startScheduler?: boolean;
    sessionTtlMs?: number;
    simulatorToken?: string;
    salesforce?: SalesforceOptions;
    media?: MediaOptions;
    recordings?: RecordingStorageOptions;
    sip?: SipOptions;
    limits?: Partial<ServiceLimits>;
    admission?: Partial<AdmissionLimits>;
    production?: boolean;
    simulatorEnabled?: boolean;
    metricsToken?: string;
  } = {},
): Promise<Running> {
  const service = await buildService({
    db,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.salesforce ? { salesforce: options.salesforce } : {}),
    ...(options.media ? { media: options.media } : {}),
    ...(options.recordings ? { recordings: options.recordings } : {}),
    ...(options.sip ? { sip: options.sip } : {}),
    startScheduler: options.startScheduler ?? false,
    schedulerPollMs: 20,
    ...(options.sessionTtlMs ? { sessionTtlMs: options.sessionTtlMs } : {}),
    simulatorToken: options.simulatorToken ?? null,
    ...(options.limits ? { limits: options.limits } : {}),
    // A loaded test machine can hold a request longer than the production limit: only the admission
    // tests (admission.test.ts) refuse calls.
    admission: options.admission ?? { maxWaitMs: 30_000 },
    ...(options.production ? { admin: { production: true } } : {}),
    ...(options.simulatorEnabled === false ? { simulatorEnabled: false } : {}),
    ...(options.metricsToken ? { metricsToken: options.metricsToken } : {}),
  });
  await service.app.listen({ host: '127.0.0.1', port: 0 });
  const address = service.app.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  const baseUrl = `http://127.0.0.1:${address.port}`;
  return {
    service,
    baseUrl,
    wsUrl: `ws://127.0.0.1:${address.port}/agent/v1/socket`,
    stop: () => service.close(),
  };
}

let cachedHash: Promise<string> | undefined;
export const TEST_PASSWORD = 'correct horse battery staple';

export interface Tenant {
  orgId: string;
  apiName: string;
  ccId: string;
  agents: Array<{ id: string; username: string }>;
  supervisor: { id: string; username: string };
  queueId: string;
  number: string;
}

let tenantCounter = 0;

/** A tenant with `agents` agents and a supervisor, one queue with every agent, one dialed number. */
export async function createTenant(
  db: Db,
  options: { agents?: number; settings?: Partial<ContactCenterSettings>; numberSuffix?: number } = {},
): Promise<Tenant> {
  tenantCounter++;
  const passwordHash = await (cachedHash ??= hashPassword(TEST_PASSWORD));
  const orgId = `00D${randomBytes(6).toString('hex').toUpperCase()}AAA`.slice(0, 18);
  await tenants.createOrg(db, { id: orgId, name: `Org ${tenantCounter}` });
  const apiName = `CC${tenantCounter}`;
  const ccId = await tenants.createContactCenter(db, {
    orgId,
    apiName,
    displayName: `Contact center ${tenantCounter}`,
    scrtUrl: 'https://scrt.test',
    settings: options.settings ?? {},
  });
  const agents = [];
  for (let i = 0; i < (options.agents ?? 3); i++) {
    const username = `agent${i + 1}`;
    const id = await tenants.createUser(db, {
      contactCenterId: ccId,
      username,
      displayName: `Agent ${i + 1}`,
      password: '',
      passwordHash,
    });
    agents.push({ id, username });
  }
  const supervisorId = await tenants.createUser(db, {
    contactCenterId: ccId,
    username: 'boss',
    displayName: 'The Supervisor',
    password: '',
    passwordHash,
    role: 'supervisor',
  });
  const queueId = await tenants.createQueue(db, { contactCenterId: ccId, name: 'Support', priority: 1 });
  for (const a of agents) await tenants.addQueueMember(db, { queueId, memberType: 'user', memberId: a.id });
  const suffix = String(options.numberSuffix ?? 1000 + Math.floor(Math.random() * 8999)).padStart(4, '0');
  const number = await tenants.addPhoneNumber(db, {
    contactCenterId: ccId,
    number: `+1415555${suffix}`,
    target: { type: 'queue', id: queueId },
  });
  await db.transaction().execute(async (trx) => {
    const { Tx } = await import('../src/engine/engine.ts');
    await setPresenceStatuses(new Tx(trx, ccId, Date.now()), DEMO_PRESENCE_STATUSES);
  });
  return {
    orgId,
    apiName,
    ccId,
    agents,
    supervisor: { id: supervisorId, username: 'boss' },
    queueId,
    number,
  };
}

export const STATUS = {
  offline: '0',
  available: '0N5xx0000004CSO',
  away: '0N5xx0000004D56',
  busy: '0N5xx0000004D3U',
};

export interface EventFrame {
  type: 'event';
  seq: number;
  event: string;
  data: Record<string, unknown> & { call?: CallLike };
  at: number;
}

export interface CallLike {
  callId: string;
  callType: string;
  state: string;
  me: string | null;
  participants: Array<{
    id: string;
    role: string;
    state: string;
    userId: string | null;
    onHold: boolean;
    muted: boolean;
  }>;
  [k: string]: unknown;
}

export class RequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly customErrorLabel?: string,
  ) {
    super(`${code}: ${message}`);
  }
}

/** The RequestError `p` is refused with; fails when `what` is accepted. */
export async function refusal(p: Promise<unknown>, what = 'the request'): Promise<RequestError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof RequestError) return err;
    throw err;
  }
  throw new Error(`${what} was accepted`);
}

/** The login body of `username` in `tenant`, with the test password. */
export function credentials(tenant: Tenant, username: string) {
  return { orgId: tenant.orgId, contactCenter: tenant.apiName, username, password: TEST_PASSWORD };
}

/** POST /agent/v1/login with `body` (sent as it is when a string); the status and the parsed reply. */
export async function postLogin<T = { error?: { code: string; message: string } }>(
  run: Endpoint,
  body: unknown,
  contentType = 'application/json',
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${run.baseUrl}/agent/v1/login`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** A user's row as stored. */
function storedUser(db: Db, userId: string) {
  return db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow();
}

/** A user's presence state as stored. */
export async function presenceOf(db: Db, userId: string): Promise<string> {
  return (await storedUser(db, userId)).presence_state;
}

/** A user's last event sequence number as stored. */
export async function eventSeqOf(db: Db, userId: string): Promise<number> {
  const stream = await db
    .selectFrom('agent_streams')
    .select('event_seq')
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return stream.event_seq;
}

/** A connected agent: a real WebSocket speaking the agent API. */
export class AgentClient {
  readonly events: EventFrame[] = [];
  readonly frames: Array<Record<string, unknown>> = [];
  welcome: { seq: number; resumed: boolean; user: { id: string } } | undefined;
  private pending = new Map<string, (frame: Record<string, unknown>) => void>();
  private waiters: Array<() => void> = [];
  private nextId = 0;
  closedWith: { code: number; reason: string } | undefined;

  private constructor(
    readonly socket: WebSocket,
    readonly token: string,
  ) {
    socket.on('message', (raw) => {
      const frame = JSON.parse(String(raw)) as Record<string, unknown>;
      this.frames.push(frame);
      if (frame.type === 'event') this.events.push(frame as unknown as EventFrame);
      if (frame.type === 'welcome') this.welcome = frame as unknown as AgentClient['welcome'];
      if (frame.type === 'response' && typeof frame.id === 'string') this.pending.get(frame.id)?.(frame);
      for (const w of this.waiters) w();
    });
    socket.on('close', (code, reason) => {
      this.closedWith = { code, reason: String(reason) };
      for (const w of this.waiters) w();
    });
  }

  static async login(
    run: Endpoint,
    tenant: Tenant,
    username: string,
    lastSeq?: number,
  ): Promise<AgentClient> {
    const res = await postLogin<{ token: string }>(run, credentials(tenant, username));
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
    return AgentClient.connect(run, res.body.token, lastSeq);
  }

  static async connect(run: Endpoint, token: string, lastSeq?: number): Promise<AgentClient> {
    const socket = new WebSocket(run.wsUrl);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const client = new AgentClient(socket, token);
    socket.send(JSON.stringify({ type: 'hello', token, ...(lastSeq !== undefined ? { lastSeq } : {}) }));
    await client.until(() => client.welcome !== undefined || client.closedWith !== undefined);
    return client;
  }

  get userId(): string {
    return this.welcome?.user.id ?? '';
  }

  /** Sends a request; resolves with its result or rejects with a RequestError. */
  request<T = Record<string, unknown>>(method: string, params: unknown = {}): Promise<T> {
    const id = `r${++this.nextId}`;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, (frame) => {
        this.pending.delete(id);
        if (frame.ok) resolve(frame.result as T);
        else {
          const e = frame.error as { code: string; message: string; customErrorLabel?: string };
          reject(new RequestError(e.code, e.message, e.customErrorLabel));
        }
      });
      this.socket.send(JSON.stringify({ type: 'request', id, method, params }));
    });
  }

  /** Sends a request that must be refused; resolves with its RequestError. */
  refuse(method: string, params: unknown = {}): Promise<RequestError> {
    return refusal(this.request(method, params), `${method} ${JSON.stringify(params)}`);
  }

  sendRaw(text: string): void {
    this.socket.send(text);
  }

  /** Waits until `predicate` holds (checked on every frame), or fails after `timeoutMs`. */
  async until(predicate: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
    if (predicate()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(
          new Error(`timed out waiting for ${what}; events: ${this.events.map((e) => e.event).join(', ')}`),
        );
      }, timeoutMs);
      const check = () => {
        if (predicate()) {
          clearTimeout(timer);
          this.waiters = this.waiters.filter((w) => w !== check);
          resolve();
        }
      };
      this.waiters.push(check);
    });
  }

  /** The next event named `name` (after the `from`-th event) matching `match`. */
  async waitFor(name: string, match: (e: EventFrame) => boolean = () => true, from = 0): Promise<EventFrame> {
    let found: EventFrame | undefined;
    await this.until(
      () => (found = this.events.slice(from).find((e) => e.event === name && match(e))) !== undefined,
      5000,
      name,
    );
    return found as EventFrame;
  }

  names(): string[] {
    return this.events.map((e) => e.event);
  }

  async goAvailable(): Promise<void> {
    await this.request('setAgentStatus', { statusId: STATUS.available });
  }

  close(): void {
    this.socket.close();
  }

  /** Waits until the server or the client closed the socket; its close code and reason. */
  async closed(): Promise<{ code: number; reason: string }> {
    await this.until(() => this.closedWith !== undefined, 5000, 'the socket to close');
    return this.closedWith!;
  }

  /** Closes the socket and waits until it is closed. */
  async disconnect(): Promise<void> {
    this.close();
    await this.closed();
  }
}

/** The simulator API. */
export class Sim {
  constructor(private readonly run: Endpoint) {}

  async post<T = Record<string, unknown>>(
    p: string,
    body: unknown = {},
  ): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.run.baseUrl}/sim/v1${p}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  async get<T = Record<string, unknown>>(p: string): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.run.baseUrl}/sim/v1${p}`);
    return { status: res.status, body: (await res.json()) as T };
  }

  async call(from: string, to: string): Promise<string> {
    const res = await this.post<{ callId: string }>('/calls', { from, to });
    if (res.status !== 201)
      throw new Error(`inbound call refused: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.callId;
  }
}

/** The Salesforce user id (`005…`, 18 characters) the Salesforce helpers give the n-th user of a tenant. */
export function salesforceUserId(n: number): string {
  return `005${String(n).padStart(12, '0')}AAA`;
}

/**
 * Connects `tenant` to the emulator: its `scrtUrl` is the emulator, its users get Salesforce user ids
 * (agents 1…, supervisor 99), its key pair is made and the emulator holds its certificate.
 */
export async function connectSalesforce(
  run: Running,
  tenant: Tenant,
  emulator: TelephonyApiEmulator,
  options: { voiceCallRecordTypeId?: string } = {},
): Promise<{ certificatePem: string; keyId: string }> {
  const db = run.service.engine.db;
  const sync = run.service.salesforce;
  if (!sync) throw new Error('the service was started without the Salesforce sync');
  await db
    .updateTable('contact_centers')
    .set({ scrt_url: emulator.url })
    .where('id', '=', tenant.ccId)
    .execute();
  for (const [i, a] of tenant.agents.entries())
    await db
      .updateTable('users')
      .set({ salesforce_user_id: salesforceUserId(i + 1) })
      .where('id', '=', a.id)
      .execute();
  await db
    .updateTable('users')
    .set({ salesforce_user_id: salesforceUserId(99) })
    .where('id', '=', tenant.supervisor.id)
    .execute();
  const key = await sync.connect(tenant.ccId, options);
  emulator.registerContactCenter({
    orgId: tenant.orgId,
    callCenterApiName: tenant.apiName,
    keys: [key.certificatePem],
  });
  return { certificatePem: key.certificatePem, keyId: key.keyId };
}

/** Polls `check` until it returns a value (not undefined, not false) or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
