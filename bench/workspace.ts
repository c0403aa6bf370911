/**
 * Workspace query benchmark (`npm run bench:workspace`, docs/workspace.md): the latency of the
 * workspace's reads — history pages, stats, queue, skills, the wallboard snapshot — on one SQLite file
 * seeded directly (no calls are placed): BENCH_AGENTS agents (1000) in one contact center with
 * BENCH_QUEUES queues (10); BENCH_HEAVY_AGENTS of them (20) have BENCH_CALLS_PER_AGENT calls each
 * (10,000), the others BENCH_OTHER_CALLS (1,000), spread over the last 60 days, with their presence log
 * and missed offers; BENCH_LIVE_CALLS (300) calls are connected now and BENCH_WAITING (50) wait.
 * Each read goes through the service's own dispatch (`runWorkspaceOp`: params validated, a read
 * transaction, the engine's queries) BENCH_SAMPLES times (50) for random heavy agents.
 *
 * The per-agent reads walk the agent's own rows through `participants_user_created`: their cost
 * follows the agent's calls, and only logarithmically the table's size, so the default seeds 10,000
 * calls for 20 agents rather than for all 1,000 (10 million calls take long to seed on a shared
 * machine); BENCH_HEAVY_AGENTS=1000 seeds them all. Prints the figures, the load average, then one
 * JSON line. Figures are recorded in bench/README.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';
import { runWorkspaceOp } from '../telephony/src/api/workspace.ts';
import { openDatabase } from '../telephony/src/db/database.ts';
import { migrateToLatest } from '../telephony/src/db/migrate.ts';
import { Engine } from '../telephony/src/engine/engine.ts';
import * as tenants from '../telephony/src/engine/tenants.ts';

function numberEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(`${name} must be an integer in [${min}, ${max}], got ${raw}`);
  return value;
}

const AGENTS = numberEnv('BENCH_AGENTS', 1000, 2, 10_000);
const QUEUES = numberEnv('BENCH_QUEUES', 10, 1, 100);
const HEAVY = Math.min(AGENTS, numberEnv('BENCH_HEAVY_AGENTS', 20, 1, 10_000));
const CALLS_PER_AGENT = numberEnv('BENCH_CALLS_PER_AGENT', 10_000, 1, 100_000);
const OTHER_CALLS = numberEnv('BENCH_OTHER_CALLS', 1000, 0, 100_000);
const LIVE_CALLS = Math.min(AGENTS, numberEnv('BENCH_LIVE_CALLS', 300, 0, 10_000));
const WAITING = numberEnv('BENCH_WAITING', 50, 0, 10_000);
const SAMPLES = numberEnv('BENCH_SAMPLES', 50, 1, 10_000);
const DAY = 24 * 3600_000;
const SPAN_MS = 60 * DAY;

let seed = 42;
/** A small deterministic PRNG (mulberry32), so that two runs seed the same data. */
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-workspace-'));
const file = path.join(dir, 'bench.sqlite');
const now = Date.now();

async function main(): Promise<void> {
  const { db } = openDatabase({ sqlitePath: file });
  await migrateToLatest(db);
  const orgId = await tenants.createOrg(db, { id: '00Dxx0000001gPFEAY', name: 'Bench' });
  const ccId = await tenants.createContactCenter(db, {
    orgId,
    apiName: 'bench',
    displayName: 'Bench',
    scrtUrl: 'https://bench.invalid',
  });
  const queueIds: string[] = [];
  for (let q = 0; q < QUEUES; q++)
    queueIds.push(await tenants.createQueue(db, { contactCenterId: ccId, name: `Queue ${q}` }));

  const started = performance.now();
  const raw = new SQLite(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = OFF');
  const userIds: string[] = [];
  const insertUser = raw.prepare(`insert into users (id, contact_center_id, username, display_name, role,
      presence_state, presence_since, idle_since, phone_type, auto_accept, created_at)
    values (?, ?, ?, ?, ?, ?, ?, ?, 'SOFT_PHONE', 0, ?)`);
  const insertMember = raw.prepare(
    `insert into queue_members (queue_id, member_type, member_id, priority) values (?, 'user', ?, 1)`,
  );
  const insertCall =
    raw.prepare(`insert into calls (id, contact_center_id, kind, state, from_number, to_number,
      caller_name, attributes_json, queue_id, recording_enabled, recording_paused, dtmf, is_desk_phone,
      created_at, connected_at, ended_at, end_reason, hold_ms)
    values (?, ?, ?, ?, ?, '+14155550000', ?, '{}', ?, 1, 0, '', 0, ?, ?, ?, ?, ?)`);
  const insertLeg = raw.prepare(`insert into participants (id, call_id, contact_center_id, role, user_id,
      phone_number, state, muted, hold_ms, is_consult, listen_only, view_type, blind, queue_id, priority,
      queued_at, secondary_ringing, declined_by_json, joined_at, left_at, created_at)
    values (?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, 'Inbound', 0, ?, 0, ?, 0, '[]', ?, ?, ?)`);
  const insertState = raw.prepare(
    `insert into agent_state_log (user_id, state, since, until) values (?, ?, ?, ?)`,
  );
  const insertMissed = raw.prepare(`insert into agent_missed_offers (user_id, call_id, at) values (?, ?, ?)`);

  let callSeq = 0;
  let rows = 0;
  /** One ended call of `userId`: queued, answered after 0–40 s, 1–10 minutes of talk, 30 s of wrap-up. */
  const endedCall = (userId: string, at: number) => {
    const id = `CA${String(++callSeq).padStart(12, '0')}`;
    const queueId = pick(queueIds);
    const abandoned = random() < 0.05;
    const answeredAt = at + Math.floor(random() * 40_000);
    const endedAt = answeredAt + 60_000 + Math.floor(random() * 540_000);
    const caller = `+1415${String(Math.floor(random() * 1e7)).padStart(7, '0')}`;
    insertCall.run(
      id,
      ccId,
      'inbound',
      'ended',
      caller,
      `Caller ${callSeq % 5000}`,
      queueId,
      at,
      abandoned ? null : answeredAt,
      endedAt,
      abandoned ? 'abandoned' : 'ended',
      Math.floor(random() * 30_000),
    );
    insertLeg.run(`PC${id}`, id, ccId, 'initial_caller', null, caller, 'ended', null, null, at, endedAt, at);
    insertLeg.run(
      `PA${id}`,
      id,
      ccId,
      'agent',
      abandoned ? null : userId,
      null,
      'ended',
      queueId,
      at,
      abandoned ? null : answeredAt,
      endedAt,
      at,
    );
    rows += 3;
    if (abandoned) return;
    insertState.run(userId, 'on_call', answeredAt, endedAt);
    insertState.run(userId, 'after_call_work', endedAt, endedAt + 30_000);
    insertState.run(userId, 'available', endedAt + 30_000, null);
    rows += 3;
    if (random() < 0.1) {
      insertMissed.run(userId, id, at - 20_000);
      rows++;
    }
  };

  raw.transaction(() => {
    for (let i = 0; i < AGENTS; i++) {
      const id = `US${String(i).padStart(12, '0')}`;
      userIds.push(id);
      insertUser.run(
        id,
        ccId,
        `agent${i}`,
        `Agent ${i}`,
        'agent',
        'available',
        now - 600_000,
        now - 600_000,
        now,
      );
      for (const q of queueIds) if (random() < 0.3 || q === queueIds[i % QUEUES]) insertMember.run(q, id);
    }
    insertUser.run('US_SUPERVISOR', ccId, 'boss', 'Boss', 'supervisor', 'available', now, now, now);
  })();
  for (let i = 0; i < AGENTS; i++) {
    const userId = userIds[i] as string;
    const calls = i < HEAVY ? CALLS_PER_AGENT : OTHER_CALLS;
    // Spread over the last 60 days, oldest first (the presence log's rows follow each other).
    raw.transaction(() => {
      for (let c = 0; c < calls; c++)
        endedCall(userId, now - SPAN_MS + Math.floor(((c + random()) * SPAN_MS) / calls));
    })();
    if ((i + 1) % 100 === 0) console.log(`seeded ${i + 1}/${AGENTS} agents (${rows} rows)`);
  }
  raw.transaction(() => {
    for (let i = 0; i < LIVE_CALLS; i++) {
      const userId = userIds[AGENTS - 1 - i] as string;
      const id = `CL${String(i).padStart(12, '0')}`;
      const at = now - Math.floor(random() * 300_000);
      insertCall.run(
        id,
        ccId,
        'inbound',
        'connected',
        '+14155551111',
        'Live',
        pick(queueIds),
        at,
        at + 5000,
        null,
        null,
        0,
      );
      insertLeg.run(
        `PC${id}`,
        id,
        ccId,
        'initial_caller',
        null,
        '+14155551111',
        'connected',
        null,
        null,
        at + 5000,
        null,
        at,
      );
      insertLeg.run(
        `PA${id}`,
        id,
        ccId,
        'agent',
        userId,
        null,
        'connected',
        pick(queueIds),
        at,
        at + 5000,
        null,
        at,
      );
      raw
        .prepare(`update users set presence_state = 'on_call', active_call_id = ? where id = ?`)
        .run(id, userId);
    }
    for (let i = 0; i < WAITING; i++) {
      const id = `CW${String(i).padStart(12, '0')}`;
      const at = now - Math.floor(random() * 120_000);
      insertCall.run(
        id,
        ccId,
        'inbound',
        'queued',
        '+14155552222',
        'Waiting',
        pick(queueIds),
        at,
        null,
        null,
        null,
        0,
      );
      insertLeg.run(
        `PC${id}`,
        id,
        ccId,
        'initial_caller',
        null,
        '+14155552222',
        'connected',
        null,
        null,
        at,
        null,
        at,
      );
      insertLeg.run(`PA${id}`, id, ccId, 'agent', null, null, 'queued', pick(queueIds), at, null, null, at);
    }
  })();
  raw.exec('analyze');
  raw.close();
  const seedSeconds = (performance.now() - started) / 1000;
  console.log(
    `seeded ${callSeq} calls, ${rows} rows in ${seedSeconds.toFixed(1)} s (${(fs.statSync(file).size / 1e6).toFixed(0)} MB)`,
  );

  const engine = new Engine(db);
  const heavy = userIds.slice(0, HEAVY);
  const results: Record<string, { p50: number; p95: number; max: number; n: number }> = {};
  const measure = async (name: string, run: () => Promise<unknown>) => {
    const times: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const t0 = performance.now();
      await run();
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const at = (q: number) =>
      Math.round((times[Math.min(times.length - 1, Math.floor(q * times.length))] as number) * 100) / 100;
    results[name] = { p50: at(0.5), p95: at(0.95), max: at(1), n: times.length };
    console.log(
      `${name.padEnd(28)} p50 ${at(0.5)} ms  p95 ${at(0.95)} ms  max ${at(1)} ms  (n=${times.length})`,
    );
  };
  const as = (userId: string, op: string, params: unknown = {}) =>
    runWorkspaceOp(engine, { userId, contactCenterId: ccId }, op, params);

  await measure('history.list first page', () => as(pick(heavy), 'history.list', { limit: 25 }));
  await measure('history.list page 20', async () => {
    const me = pick(heavy);
    let cursor: string | undefined;
    for (let page = 0; page < 20; page++) {
      const answer = (await as(me, 'history.list', { limit: 25, ...(cursor ? { cursor } : {}) })) as {
        nextCursor: string | null;
      };
      cursor = answer.nextCursor ?? undefined;
    }
  });
  await measure('history.list search', () => as(pick(heavy), 'history.list', { search: '555', limit: 25 }));
  await measure('history.list last week', () =>
    as(pick(heavy), 'history.list', { from: now - 7 * DAY, to: now, direction: 'inbound', limit: 100 }),
  );
  await measure('stats.get today', () => as(pick(heavy), 'stats.get', { period: 'today' }));
  await measure('stats.get week', () => as(pick(heavy), 'stats.get', { period: 'week' }));
  await measure('queue.list', () => as(pick(heavy), 'queue.list'));
  await measure('skills.list', () => as(pick(heavy), 'skills.list'));
  await measure('wallboard.snapshot', () => as('US_SUPERVISOR', 'wallboard.snapshot'));
  await db.destroy();

  const load = fs.readFileSync('/proc/loadavg', 'utf8').trim();
  console.log(`load average: ${load} (${os.cpus().length} cores)`);
  console.log(
    JSON.stringify({
      agents: AGENTS,
      heavyAgents: HEAVY,
      callsPerHeavyAgent: CALLS_PER_AGENT,
      callsPerOtherAgent: OTHER_CALLS,
      calls: callSeq,
      seedSeconds: Math.round(seedSeconds),
      loadAverage: load,
      results,
    }),
  );
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => fs.rmSync(dir, { recursive: true, force: true }));
