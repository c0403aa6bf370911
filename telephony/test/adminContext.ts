/**
 * Per-test setup of the admin API tests: the service (with the Salesforce sync, on a manual clock),
 * the telephony API emulator, two tenants of different accounts, and an HTTP client of the admin API
 * that gets its token through `POST /oauth/token` like the package's external credential.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { issueClient, type IssuedClient } from '../src/admin/accounts.ts';
import type { ContactCenterSettings } from '../src/domain/settings.ts';
import type { SalesforceOptions } from '../src/salesforce/index.ts';
import type { S3StoreConfig } from '../src/storage/s3RecordingStore.ts';
import {
  startTelephonyApiEmulator,
  type TelephonyApiEmulator,
} from '../../emulator/src/telephonyApi/index.ts';
import {
  AgentClient,
  ManualClock,
  Sim,
  createTenant,
  startService,
  testDatabase,
  type DatabaseHandle,
  type Running,
  type Tenant,
} from './harness.ts';

export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** The error body every refused `/admin/v1` request has. */
export interface ErrorAnswer {
  error: { code: string; message: string; details?: Record<string, string> };
}

/** A client of the admin API with one account's bearer token (or, `Basic`, an agent's own credentials). */
export class AdminApi {
  constructor(
    readonly run: Running,
    public token: string,
    readonly scheme: 'Bearer' | 'Basic' = 'Bearer',
  ) {}

  /** A client with an agent's own Switchboard credentials (the package's per-user principal). */
  static agent(run: Running, username: string, password: string): AdminApi {
    return new AdminApi(run, Buffer.from(`${username}:${password}`).toString('base64'), 'Basic');
  }

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<Answer<T>> {
    const res = await fetch(`${this.run.baseUrl}/admin/v1${path}`, {
      method,
      headers: {
        authorization: `${this.scheme} ${this.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T, headers: res.headers };
  }

  get<T = Record<string, unknown>>(path: string): Promise<Answer<T>> {
    return this.request<T>('GET', path);
  }
  post<T = Record<string, unknown>>(path: string, body?: unknown): Promise<Answer<T>> {
    return this.request<T>('POST', path, body);
  }
  put<T = Record<string, unknown>>(path: string, body: unknown): Promise<Answer<T>> {
    return this.request<T>('PUT', path, body);
  }
  delete<T = Record<string, unknown>>(path: string): Promise<Answer<T>> {
    return this.request<T>('DELETE', path);
  }
}

/** `POST /oauth/token` with a form body (and optional headers); the status, parsed body and headers. */
export async function postToken(
  run: Running,
  form: Record<string, string> | string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(`${run.baseUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: typeof form === 'string' ? form : new URLSearchParams(form).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

export interface AdminCtx {
  dbh: DatabaseHandle;
  /** The service's data folder (its local recording store). */
  dataDir: string;
  clock: ManualClock;
  emulator: TelephonyApiEmulator;
  run: Running;
  sim: Sim;
  /** The account under test and another account (another org) of the same service. */
  tenant: Tenant;
  other: Tenant;
  client: IssuedClient;
  /** The admin API as `tenant`'s account and as `other`'s. */
  api: AdminApi;
  otherApi: AdminApi;
  /** A client of a new account's token (issues a client for `tenant`'s org). */
  apiFor(tenant: Tenant): Promise<AdminApi>;
  login(tenant: Tenant, username: string): Promise<AgentClient>;
  /** Advances the clock, runs due timers and the due outbox requests. */
  advance(ms: number): Promise<void>;
}

export async function tokenOf(run: Running, client: IssuedClient): Promise<string> {
  const res = await postToken(run, {
    grant_type: 'client_credentials',
    client_id: client.clientId,
    client_secret: client.clientSecret,
  });
  if (res.status !== 200) throw new Error(`token refused: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.access_token as string;
}

export function useAdmin(
  options: {
    settings?: Partial<ContactCenterSettings>;
    salesforce?: Partial<SalesforceOptions>;
    /** Recordings in this bucket instead of the data folder. */
    s3?: () => S3StoreConfig;
  } = {},
): AdminCtx {
  const clients: AgentClient[] = [];
  const ctx = {} as AdminCtx;
  beforeEach(async () => {
    ctx.dbh = testDatabase();
    ctx.clock = new ManualClock();
    ctx.emulator = await startTelephonyApiEmulator({ now: () => ctx.clock.now() });
    ctx.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-admin-'));
    ctx.run = await startService(ctx.dbh.db, {
      clock: ctx.clock,
      recordings: { dataDir: ctx.dataDir, sweepMs: 0, ...(options.s3 ? { s3: options.s3() } : {}) },
      salesforce: {
        masterKey: randomBytes(32),
        createBackoffMs: 5,
        outboxPollMs: 50,
        log: () => undefined,
        ...options.salesforce,
      },
    });
    ctx.tenant = await createTenant(ctx.dbh.db, { settings: options.settings ?? {} });
    ctx.other = await createTenant(ctx.dbh.db, { settings: options.settings ?? {} });
    ctx.sim = new Sim(ctx.run);
    ctx.apiFor = async (tenant) => {
      const client = await issueClient(ctx.dbh.db, tenant.orgId, 'test', ctx.clock.now());
      return new AdminApi(ctx.run, await tokenOf(ctx.run, client));
    };
    ctx.client = await issueClient(ctx.dbh.db, ctx.tenant.orgId, 'Salesforce', ctx.clock.now());
    ctx.api = new AdminApi(ctx.run, await tokenOf(ctx.run, ctx.client));
    ctx.otherApi = await ctx.apiFor(ctx.other);
    ctx.login = async (tenant, username) => {
      const c = await AgentClient.login(ctx.run, tenant, username);
      clients.push(c);
      return c;
    };
    ctx.advance = async (ms) => {
      ctx.clock.advance(ms);
      await ctx.run.service.scheduler.runDue();
      await ctx.run.service.salesforce!.worker.runDue();
    };
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    try {
      await ctx.run?.stop();
      await ctx.emulator?.close();
    } finally {
      await ctx.dbh?.destroy();
      fs.rmSync(ctx.dataDir, { recursive: true, force: true });
    }
  });
  return ctx;
}
