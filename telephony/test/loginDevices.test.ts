/**
 * Known devices and hash lanes (docs/security.md, "Logins"): a device token from a successful
 * sign-in passes the account's lock and has its own failure budget; a throttled attempt is refused
 * before any hash (counted); a flooding source's hashes wait in the low lane while a known device's
 * sign-in takes the thread kept for it; two nodes on one database share an account's failures. Over
 * HTTP, on the real database (SQLite, or PostgreSQL with TEST_DATABASE_URL).
 */
import { randomBytes, scryptSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { setPasswordHash } from '../src/engine/credentials.ts';
import { configureHashing, DEFAULT_HASHING, hashingStats } from '../src/engine/passwords.ts';
import { DEFAULT_LOGIN_THROTTLE } from '../src/engine/loginThrottle.ts';
import type { ServiceLimits } from '../src/server.ts';
import {
  ManualClock,
  createTenant,
  credentials,
  eventually,
  postLogin,
  startService,
  testDatabase,
  type DatabaseHandle,
  type Running,
  type Tenant,
} from './harness.ts';

type Reply = { deviceToken?: string; token?: string; error?: { code: string; message: string } };

let dbh: DatabaseHandle;
let runs: Running[] = [];
let tenant: Tenant;
let clock: ManualClock;

async function start(limits: Partial<ServiceLimits> = {}): Promise<Running> {
  dbh = testDatabase();
  clock = new ManualClock();
  const run = await startService(dbh.db, { clock, limits });
  runs = [run];
  tenant = await createTenant(dbh.db, { agents: 2 });
  return run;
}
afterEach(async () => {
  configureHashing(DEFAULT_HASHING);
  for (const run of runs) await run.stop();
  for (const run of runs.slice(1)) await run.service.engine.db.destroy();
  runs = [];
  await dbh?.destroy();
});

const wrong = (username = 'agent1') => ({ ...credentials(tenant, username), password: 'wrong password' });
const totalHashes = () => {
  const { lanes } = hashingStats();
  return lanes.priority.hashes + lanes.normal.hashes + lanes.low.hashes;
};

describe('known devices', () => {
  it('a device token passes the lock a guesser caused; an unknown token counts as none', async () => {
    const run = await start();
    const first = await postLogin<Reply>(run, credentials(tenant, 'agent1'));
    expect(first.status).toBe(200);
    const deviceToken = first.body.deviceToken!;
    expect(deviceToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    for (let i = 0; i < 6; i++) await postLogin(run, wrong());
    expect((await postLogin(run, credentials(tenant, 'agent1'))).status).toBe(429);
    expect(
      (await postLogin(run, { ...credentials(tenant, 'agent1'), deviceToken: 'A'.repeat(43) })).status,
    ).toBe(429);
    // Another user's device token is not this user's.
    const other = (await postLogin<Reply>(run, credentials(tenant, 'agent2'))).body.deviceToken!;
    expect((await postLogin(run, { ...credentials(tenant, 'agent1'), deviceToken: other })).status).toBe(429);

    const known = await postLogin<Reply>(run, { ...credentials(tenant, 'agent1'), deviceToken });
    expect(known.status).toBe(200);
    expect(known.body.deviceToken).toBe(deviceToken);
    // The known device's success leaves the lock for unknown devices in place.
    expect((await postLogin(run, credentials(tenant, 'agent1'))).status).toBe(429);
  });

  it('a device has its own budget: past five failures it counts as an unknown device', async () => {
    const run = await start();
    const deviceToken = (await postLogin<Reply>(run, credentials(tenant, 'agent1'))).body.deviceToken!;
    for (let i = 0; i < DEFAULT_LOGIN_THROTTLE.freeFailures; i++)
      expect((await postLogin(run, { ...wrong(), deviceToken })).status).toBe(401);
    // The account itself has no failures: without the token the user signs in (and gets a new one).
    const fresh = await postLogin<Reply>(run, credentials(tenant, 'agent1'));
    expect(fresh.status).toBe(200);
    expect(fresh.body.deviceToken).not.toBe(deviceToken);
    // The spent token is an unknown device's now: its failures count for the account.
    for (let i = 0; i < 6; i++) await postLogin(run, { ...wrong(), deviceToken });
    expect((await postLogin(run, { ...credentials(tenant, 'agent1'), deviceToken })).status).toBe(429);
    expect(
      (await postLogin(run, { ...credentials(tenant, 'agent1'), deviceToken: fresh.body.deviceToken }))
        .status,
    ).toBe(200);
  });

  it('refuses a malformed device token with 400 INVALID_PARAMS and changes nothing', async () => {
    const run = await start();
    for (const deviceToken of ['', 'x'.repeat(101), 'a\u0000b', 42]) {
      const res = await postLogin<Reply>(run, { ...credentials(tenant, 'agent1'), deviceToken });
      expect(res.status, JSON.stringify(deviceToken)).toBe(400);
      expect(res.body.error?.code).toBe('INVALID_PARAMS');
    }
    const rows = await dbh.db.selectFrom('login_devices').selectAll().execute();
    expect(rows).toEqual([]);
  });
});

describe('refused before hashing', () => {
  it('a locked account and an empty source bucket cost no hash', async () => {
    const run = await start({ login: { ...DEFAULT_LOGIN_THROTTLE, sourceBurst: 10, sourcePerMinute: 1 } });
    const before = totalHashes();
    for (let i = 0; i < 5; i++) expect((await postLogin(run, wrong())).status).toBe(401);
    expect(totalHashes()).toBe(before + 5);
    for (let i = 0; i < 10; i++) expect((await postLogin(run, wrong())).status).toBe(429);
    expect(totalHashes()).toBe(before + 5);
    // The bucket: 10 attempts, 5 taken above; five unknown users use it up, then nothing is hashed.
    for (let i = 0; i < 5; i++) expect((await postLogin(run, wrong(`nobody${i}`))).status).toBe(401);
    const spent = totalHashes();
    for (let i = 0; i < 10; i++) {
      const res = await postLogin<Reply>(run, wrong(`other${i}`));
      expect(res.status).toBe(429);
      expect(res.body.error?.message).toMatch(/from this address/);
    }
    expect(totalHashes()).toBe(spent);
  });
});

describe('hash lanes under a flood', () => {
  it("a known device's sign-in takes the kept thread while the flood's hashes wait or get 503", async () => {
    const run = await start({
      login: { ...DEFAULT_LOGIN_THROTTLE, sourceBurst: 1000 },
      hashing: { threads: 2, maxQueued: 4, maxQueuedPerSource: 4 },
    });
    const flooded = await createTenant(dbh.db, { agents: 12 });
    // The flood's accounts have a costlier stored hash (verified at its own cost, about 4× today's),
    // so the flood keeps its one thread busy well past the known device's sign-in.
    const salt = randomBytes(16);
    const costly = `scrypt$32768$8$4$${salt.toString('base64')}$${scryptSync('x', salt, 32, { N: 32768, r: 8, p: 4, maxmem: 64 * 1024 * 1024 }).toString('base64')}`;
    for (const agent of flooded.agents) await setPasswordHash(dbh.db, agent.id, costly);
    const deviceToken = (await postLogin<Reply>(run, credentials(tenant, 'agent1'))).body.deviceToken!;
    const before = hashingStats().lanes;
    const flood = flooded.agents.map((a) =>
      postLogin<Reply>(run, { ...credentials(flooded, a.username), password: 'guess' }),
    );
    // One flood hash runs on the one thread the flood may use, four wait, the rest are refused.
    await eventually(() => hashingStats().queued === 4, 'the flood to fill the queue');
    expect(hashingStats().running).toBe(1);

    // Without its device token the same user's sign-in is one more of the source's: refused.
    const unknown = await postLogin<Reply>(run, credentials(tenant, 'agent1'));
    expect(unknown.status).toBe(503);
    expect(unknown.body.error?.code).toBe('UNAVAILABLE');

    const known = await postLogin<Reply>(run, { ...credentials(tenant, 'agent1'), deviceToken });
    expect(known.status).toBe(200);
    // It did not wait behind the flood: flood hashes are still waiting when it is answered.
    expect(hashingStats().queued).toBeGreaterThan(0);
    expect(hashingStats().lanes.priority.hashes - before.priority.hashes).toBe(1);

    const statuses = (await Promise.all(flood)).map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 503)).toHaveLength(7);
    expect(hashingStats().lanes.low.refused - before.low.refused).toBeGreaterThan(0);
  });
});

describe('two nodes on one database', () => {
  it("share an account's failures and lock, its device tokens and a source's bucket", async () => {
    const a = await start({ login: { ...DEFAULT_LOGIN_THROTTLE, sourceBurst: 15 } });
    const b = await startService(dbh.reopen(), {
      clock,
      limits: { login: { ...DEFAULT_LOGIN_THROTTLE, sourceBurst: 15 } },
    });
    runs.push(b);
    const deviceToken = (await postLogin<Reply>(a, credentials(tenant, 'agent1'))).body.deviceToken!;
    for (let i = 0; i < 3; i++) expect((await postLogin(a, wrong())).status).toBe(401);
    for (let i = 0; i < 2; i++) expect((await postLogin(b, wrong())).status).toBe(401);
    expect((await postLogin(a, credentials(tenant, 'agent1'))).status).toBe(429);
    expect((await postLogin(b, credentials(tenant, 'agent1'))).status).toBe(429);
    // The device token node A gave passes the lock on node B.
    expect((await postLogin(b, { ...credentials(tenant, 'agent1'), deviceToken })).status).toBe(200);
    // The source's bucket (15) is one for both nodes: the 5 wrong attempts took 5 (successes gave
    // theirs back, refusals took none), so 10 more are let through, alternating nodes.
    let refusedAt = -1;
    for (let i = 0; i < 20 && refusedAt < 0; i++) {
      const res = await postLogin<Reply>(i % 2 ? a : b, wrong(`nobody${i}`));
      if (res.status === 429) refusedAt = i;
    }
    expect(refusedAt).toBe(10);
  });
});
