/**
 * Sign-in throttling (docs/security.md, "Logins"): per account (back-off after five failures, an
 * administrator's unlock), per source, at `/oauth/token`; the scrypt pool's early refusal; hashes of
 * an older cost replaced at a successful sign-in. Over HTTP, on the real database.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { issueClient } from '../src/admin/accounts.ts';
import { setPasswordHash, passwordHashOf } from '../src/engine/credentials.ts';
import { configureHashing, DEFAULT_HASHING, SCRYPT } from '../src/engine/passwords.ts';
import { DEFAULT_LOGIN_THROTTLE } from '../src/engine/loginThrottle.ts';
import type { ServiceLimits } from '../src/server.ts';
import { AdminApi, postToken, tokenOf } from './adminContext.ts';
import {
  ManualClock,
  TEST_PASSWORD,
  createTenant,
  credentials,
  postLogin,
  salesforceUserId,
  startService,
  testDatabase,
  type DatabaseHandle,
  type Running,
  type Tenant,
} from './harness.ts';
import { scryptSync, randomBytes } from 'node:crypto';

type ErrorReply = { error?: { code: string; message: string } };

let dbh: DatabaseHandle;
let run: Running;
let tenant: Tenant;
let clock: ManualClock;

async function start(limits: Partial<ServiceLimits> = {}) {
  dbh = testDatabase();
  clock = new ManualClock();
  run = await startService(dbh.db, { clock, limits });
  tenant = await createTenant(dbh.db, { agents: 2 });
}
afterEach(async () => {
  configureHashing(DEFAULT_HASHING);
  await run?.stop();
  await dbh?.destroy();
});

const wrong = (username = 'agent1') => ({ ...credentials(tenant, username), password: 'wrong password' });
const sessionCount = async () =>
  Number(
    (
      await dbh.db
        .selectFrom('sessions')
        .select(dbh.db.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('per account', () => {
  beforeEach(() => start());

  it('locks an account after five failures, with Retry-After, even for the right password; the lock passes', async () => {
    for (let i = 0; i < DEFAULT_LOGIN_THROTTLE.freeFailures; i++)
      expect((await postLogin(run, wrong())).status).toBe(401);
    const res = await fetch(`${run.baseUrl}/agent/v1/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(credentials(tenant, 'agent1')),
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    const body = (await res.json()) as ErrorReply;
    expect(body.error?.code).toBe('RATE_LIMITED');
    expect(body.error?.message).toMatch(/too many failed sign-ins/);
    expect(await sessionCount()).toBe(0);
    // Another agent of the same contact center is not concerned.
    expect((await postLogin(run, credentials(tenant, 'agent2'))).status).toBe(200);

    clock.advance(1000);
    expect((await postLogin(run, wrong())).status).toBe(401);
    // The back-off doubles: 2 s now.
    clock.advance(1000);
    expect((await postLogin(run, credentials(tenant, 'agent1'))).status).toBe(429);
    clock.advance(1000);
    expect((await postLogin(run, credentials(tenant, 'agent1'))).status).toBe(200);
    // A success clears the count: five more failures are free again.
    for (let i = 0; i < DEFAULT_LOGIN_THROTTLE.freeFailures; i++)
      expect((await postLogin(run, wrong())).status).toBe(401);
  });

  it('an administrator unlocks a user (POST …/users/:salesforceUserId/unlock)', async () => {
    const sfId = salesforceUserId(1);
    await dbh.db
      .updateTable('users')
      .set({ salesforce_user_id: sfId })
      .where('id', '=', tenant.agents[0]!.id)
      .execute();
    const client = await issueClient(dbh.db, tenant.orgId, 'test', clock.now());
    const api = new AdminApi(run, await tokenOf(run, client));
    for (let i = 0; i < 6; i++) await postLogin(run, wrong());
    expect((await postLogin(run, credentials(tenant, 'agent1'))).status).toBe(429);
    const unlock = await api.post(`/contact-centers/${tenant.ccId}/users/${sfId}/unlock`);
    expect(unlock).toMatchObject({ status: 200, body: { unlocked: true } });
    expect((await postLogin(run, credentials(tenant, 'agent1'))).status).toBe(200);
    const again = await api.post(`/contact-centers/${tenant.ccId}/users/${sfId}/unlock`);
    expect(again.body).toEqual({ unlocked: false });
    // Another account's user is not found.
    const other = await createTenant(dbh.db, { agents: 1 });
    expect((await api.post(`/contact-centers/${other.ccId}/users/${sfId}/unlock`)).status).toBe(404);
  });

  it('replaces a hash of an older cost at a successful sign-in', async () => {
    const salt = randomBytes(16);
    const old = scryptSync(TEST_PASSWORD, salt, 32, { N: 1024, r: 8, p: 1 });
    const userId = tenant.agents[0]!.id;
    await setPasswordHash(
      dbh.db,
      userId,
      `scrypt$1024$8$1$${salt.toString('base64')}$${old.toString('base64')}`,
    );
    expect((await postLogin(run, credentials(tenant, 'agent1'))).status).toBe(200);
    const stored = await passwordHashOf(dbh.db, userId);
    expect(stored).toMatch(new RegExp(`^scrypt\\$${SCRYPT.N}\\$${SCRYPT.r}\\$${SCRYPT.p}\\$`));
    expect((await postLogin(run, credentials(tenant, 'agent1'))).status).toBe(200);
    expect((await postLogin(run, { ...credentials(tenant, 'agent1'), password: 'x' })).status).toBe(401);
  });
});

describe('per source and under load', () => {
  it('slows one address to its refill rate; successes give their attempt back', async () => {
    await start({ login: { ...DEFAULT_LOGIN_THROTTLE, sourceBurst: 4, sourcePerMinute: 6 } });
    // Successes do not use the bucket up.
    for (let i = 0; i < 6; i++)
      expect((await postLogin(run, credentials(tenant, 'agent2'))).status).toBe(200);
    for (const name of ['nobody1', 'nobody2', 'nobody3', 'nobody4'])
      expect((await postLogin(run, wrong(name))).status).toBe(401);
    const refused = await postLogin<ErrorReply>(run, credentials(tenant, 'agent1'));
    expect(refused.status).toBe(429);
    expect(refused.body.error?.message).toMatch(/from this address/);
    clock.advance(10_000);
    expect((await postLogin(run, credentials(tenant, 'agent1'))).status).toBe(200);
  });

  it('refuses at once with 503 UNAVAILABLE when every scrypt thread is busy and the queue is full', async () => {
    await start({
      login: { ...DEFAULT_LOGIN_THROTTLE, sourceBurst: 100 },
      hashing: { threads: 1, maxQueued: 0 },
    });
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => postLogin<ErrorReply>(run, wrong(`nobody${i}`))),
    );
    const statuses = answers.map((a) => a.status);
    expect(
      statuses.every((s) => s === 401 || s === 503),
      statuses.join(),
    ).toBe(true);
    expect(statuses).toContain(503);
    expect(answers.find((a) => a.status === 503)?.body.error?.code).toBe('UNAVAILABLE');
    // The refused attempts were not failures of those accounts: a later right sign-in works.
    expect((await postLogin(run, credentials(tenant, 'agent1'))).status).toBe(200);
  });
});

describe('/oauth/token', () => {
  beforeEach(() => start());

  it('answers 429 slow_down after five wrong secrets of a client, then lets the lock pass', async () => {
    const client = await issueClient(dbh.db, tenant.orgId, 'test', clock.now());
    const form = { grant_type: 'client_credentials', client_id: client.clientId, client_secret: 'wrong' };
    for (let i = 0; i < 5; i++) expect((await postToken(run, form)).status).toBe(401);
    const limited = await postToken(run, { ...form, client_secret: client.clientSecret });
    expect(limited.status).toBe(429);
    expect(limited.body.error).toBe('slow_down');
    expect(limited.headers.get('retry-after')).toBe('1');
    clock.advance(1000);
    expect((await postToken(run, { ...form, client_secret: client.clientSecret })).status).toBe(200);
  });
});
