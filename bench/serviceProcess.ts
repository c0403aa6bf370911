/**
 * The service under benchmark, in its own process: opens the SQLite file given in BENCH_DB, builds
 * the real service with its scheduler running, listens on 127.0.0.1 (random port), creates one
 * tenant with BENCH_AGENTS agents shared out among BENCH_CONTACT_CENTERS contact centers (one queue
 * each), and prints one JSON line with what the load generator needs
 * ({ ready: true, pid, port, orgId, apiNames, numbers, usernames, password, tokens }).
 *
 * Commands on stdin, one per line, each answered with one JSON line: `gc` (a full garbage collection
 * when node runs with --expose-gc), `mem` (memory figures, including the size of V8's young
 * generation), `hashing` (the scrypt pool's figures per lane), `sql` (how many SQL statements were executed so far), `sql-top <n>` (the most frequent), `profile-start` and
 * `profile-stop <file>` (a V8 CPU profile of the service's main thread, written as a .cpuprofile), and
 * `stop` (closes the service and exits).
 * Started by bench/routing.ts; not meant to be run by hand.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import readline from 'node:readline';
import v8 from 'node:v8';
import SQLite from 'better-sqlite3';
import { openDatabase } from '../telephony/src/db/database.ts';
import { DEMO_PRESENCE_STATUSES } from '../telephony/src/devData.ts';
import { setPresenceStatuses } from '../telephony/src/engine/agentPresence.ts';
import { hashingStats } from '../telephony/src/engine/passwords.ts';
import { hashPassword, tokenHash } from '../telephony/src/engine/sessions.ts';
import { newId } from '../telephony/src/domain/ids.ts';
import * as tenants from '../telephony/src/engine/tenants.ts';
import { PgCluster } from '../telephony/src/cluster/pgCluster.ts';
import { buildService } from '../telephony/src/server.ts';
import { DEFAULT_SOCKET_LIMITS } from '../telephony/src/api/agentSocket.ts';

const dbPath = process.env.BENCH_DB ?? '';
if (!dbPath && !process.env.BENCH_DATABASE_URL)
  throw new Error('BENCH_DB (the SQLite file) or BENCH_DATABASE_URL is required');
const agentCount = Number(process.env.BENCH_AGENTS ?? 1000);
const password = 'bench password';

// Counts the SQL statements the service executes, by SQL text (the service reuses prepared
// statements, so executions — not preparations — are what each call costs).
let statements = 0;
const bySql = new Map<string, number>();
const probe = new SQLite(':memory:');
const statementMethods = Object.getPrototypeOf(probe.prepare('select 1')) as Record<
  string,
  (this: SQLite.Statement, ...args: unknown[]) => unknown
>;
probe.close();
for (const method of ['all', 'get', 'run', 'iterate']) {
  const original = statementMethods[method];
  if (!original) continue;
  statementMethods[method] = function (this: SQLite.Statement, ...args: unknown[]) {
    statements++;
    bySql.set(this.source, (bySql.get(this.source) ?? 0) + 1);
    return original.apply(this, args);
  };
}

// BENCH_DATABASE_URL: PostgreSQL instead of the SQLite file; BENCH_CLUSTER=1 makes this process a
// cluster node (docs/scaling.md); BENCH_JOIN=1 joins the tenant the first node created.
const databaseUrl = process.env.BENCH_DATABASE_URL || undefined;
const clustered = process.env.BENCH_CLUSTER === '1';
const joining = process.env.BENCH_JOIN === '1';
const { db } = openDatabase({ databaseUrl, sqlitePath: dbPath });
const cluster =
  clustered && databaseUrl ? new PgCluster(databaseUrl, (line) => console.error(line)) : undefined;
const service = await buildService({
  db,
  ...(cluster ? { cluster } : {}),
  startScheduler: true,
  schedulerPollMs: Number(process.env.SCHEDULER_POLL_MS ?? 200),
  simulatorToken: null,
  // Every agent of the benchmark connects from 127.0.0.1: no per-source cap on sockets.
  limits: {
    socket: { ...DEFAULT_SOCKET_LIMITS, maxPerSource: 2 * agentCount, maxConnections: 2 * agentCount + 100 },
  },
});
await service.app.listen({ host: '127.0.0.1', port: 0 });
const address = service.app.server.address();
if (!address || typeof address === 'string') throw new Error('no address');

// The tenant: one org with BENCH_CONTACT_CENTERS contact centers (BenchCC, BenchCC2, …), the agents
// shared out among them in turn (one precomputed scrypt hash), in each one queue with its agents, one
// dialed number (+14155550100, +14155550101, …) routed to it, and the demo's presence statuses.
const centerCount = Number(process.env.BENCH_CONTACT_CENTERS ?? 1);

async function createTenant() {
  const passwordHash = await hashPassword(password);
  const orgId = `00D${randomBytes(6).toString('hex').toUpperCase()}AAA`.slice(0, 18);
  await tenants.createOrg(db, { id: orgId, name: 'Bench org' });
  const centers: Array<{ apiName: string; ccId: string; queueId: string; number: string }> = [];
  for (let c = 0; c < centerCount; c++) {
    const apiName = c === 0 ? 'BenchCC' : `BenchCC${c + 1}`;
    const ccId = await tenants.createContactCenter(db, {
      orgId,
      apiName,
      displayName: `Bench contact center ${c + 1}`,
      scrtUrl: 'https://scrt.test',
      settings: {},
    });
    const queueId = await tenants.createQueue(db, { contactCenterId: ccId, name: 'Support', priority: 1 });
    const number = await tenants.addPhoneNumber(db, {
      contactCenterId: ccId,
      number: `+1415555${String(100 + c).padStart(4, '0')}`,
      target: { type: 'queue', id: queueId },
    });
    await service.engine.command(ccId, (tx) => setPresenceStatuses(tx, DEMO_PRESENCE_STATUSES));
    centers.push({ apiName, ccId, queueId, number });
  }
  const usernames: string[] = [];
  const userIds: string[] = [];
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < agentCount; i++) {
      const center = centers[i % centerCount] as (typeof centers)[number];
      const username = `agent${i + 1}`;
      const id = await tenants.createUser(trx, {
        contactCenterId: center.ccId,
        username,
        displayName: `Agent ${i + 1}`,
        password: '',
        passwordHash,
      });
      await tenants.addQueueMember(trx, { queueId: center.queueId, memberType: 'user', memberId: id });
      usernames.push(username);
      userIds.push(id);
    }
  });
  return {
    orgId,
    apiNames: usernames.map((_, i) => (centers[i % centerCount] as (typeof centers)[number]).apiName),
    numbers: centers.map((c) => c.number),
    usernames,
    password,
    tokens: await directSessions(userIds),
  };
}

/**
 * BENCH_LOGIN=direct: a session per agent written as a login writes it (token hash, expiry), without
 * the scrypt check: thousands of HTTP logins at OWASP's cost would take many minutes, and logins are
 * measured by bench:login-flood. The tokens, in the order of the users.
 */
async function directSessions(userIds: string[]): Promise<string[] | null> {
  if (process.env.BENCH_LOGIN !== 'direct') return null;
  const now = Date.now();
  const tokens: string[] = [];
  await db.transaction().execute(async (trx) => {
    for (const userId of userIds) {
      const token = randomBytes(32).toString('base64url');
      await trx
        .insertInto('sessions')
        .values({
          id: newId('SE'),
          user_id: userId,
          token_hash: tokenHash(token),
          created_at: now,
          expires_at: now + 24 * 3600_000,
          ended_at: null,
          end_reason: null,
        })
        .execute();
      tokens.push(token);
    }
  });
  return tokens;
}
const tenant = joining ? null : await createTenant();

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await service.close().catch((err: unknown) => console.error('service close:', err));
  await db.destroy().catch(() => undefined);
  process.exit(0);
}
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());

const reply = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
let profiler: Session | null = null;

async function runCommand(command: string, arg: string): Promise<void> {
  switch (command) {
    case 'gc': {
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      reply({ gc: gc !== undefined });
      return;
    }
    case 'mem': {
      const m = process.memoryUsage();
      const newSpace = v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
      reply({
        rssKB: Math.round(m.rss / 1024),
        heapUsedKB: Math.round(m.heapUsed / 1024),
        externalKB: Math.round(m.external / 1024),
        newSpaceKB: Math.round((newSpace?.space_size ?? 0) / 1024),
      });
      return;
    }
    case 'sql':
      reply({ statements });
      return;
    case 'sql-top':
      reply({
        top: [...bySql]
          .sort((a, b) => b[1] - a[1])
          .slice(0, Number(arg) || 20)
          .map(([text, count]) => ({ count, sql: text.replace(/\s+/g, ' ').slice(0, 160) })),
      });
      return;
    case 'profile-start': {
      profiler = new Session();
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.setSamplingInterval', { interval: 500 });
      await profiler.post('Profiler.start');
      reply({ profiling: true });
      return;
    }
    case 'profile-stop': {
      if (!profiler) {
        reply({ profile: null });
        return;
      }
      const { profile } = await profiler.post('Profiler.stop');
      profiler.disconnect();
      profiler = null;
      fs.writeFileSync(arg, JSON.stringify(profile));
      reply({ profile: arg });
      return;
    }
    case 'hashing':
      reply(hashingStats());
      return;
    case 'stop':
      await stop();
      return;
    default:
      reply({ error: `unknown command ${command}` });
  }
}

const lines = readline.createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const [command = '', ...rest] = line.trim().split(' ');
  if (command === '') return;
  runCommand(command, rest.join(' ')).catch((err: unknown) => reply({ error: String(err) }));
});
// The parent went away: do not outlive it.
lines.on('close', () => void stop());

process.stdout.write(`${JSON.stringify({ ready: true, pid: process.pid, port: address.port, ...tenant })}\n`);
