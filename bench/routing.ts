/**
 * Routing benchmark (`npm run bench:routing`): the real service on one SQLite node, in its own
 * process (bench/serviceProcess.ts), with BENCH_AGENTS agents logged in over HTTP, each on its own
 * WebSocket, all Available in one queue; Poisson inbound calls at BENCH_RATE calls/s for
 * BENCH_SECONDS through the simulator API. Agents auto-answer, talk 2–8 s, hang up and wrap up.
 *
 * Measures: offer latency (POST /sim/v1/calls sent → the agent's socket receives CALL_STARTED for
 * that call), calls routed per second, calls lost (never offered) or stuck (not ended after the
 * drain), the service's RSS per idle agent session, and the service's RSS and CPU.
 * Prints progress lines, then exactly one JSON line (last). See bench/README.md.
 *
 * Environment: BENCH_AGENTS (1000), BENCH_RATE (50), BENCH_SECONDS (60), BENCH_TALK_MIN_S (2),
 * BENCH_TALK_MAX_S (8), BENCH_DRAIN_SECONDS (30), BENCH_LOGIN_CONCURRENCY (4), BENCH_SETTLE_SECONDS (45),
 * BENCH_CPU_PROFILE (a file: CPU profile of the service during the load phase), BENCH_SQL_TOP (n: print
 * the n most frequent SQL statements), BENCH_CONTACT_CENTERS (1: the agents shared out among that many
 * contact centers, calls to their numbers in turn), BENCH_LOGIN (direct: sessions written by the
 * service process; http: every agent logs in over HTTP). Calls answered 503 with Retry-After (admission
 * control, overload) are counted as shed, not lost.
 *
 * Several nodes (docs/scaling.md): BENCH_DATABASE_URL (a PostgreSQL database; the bench works in a
 * schema of its own, dropped at the end) and BENCH_NODES (1): that many service processes, each a
 * cluster node; agent i logs in and connects to node i mod N, calls are posted to the nodes in turn.
 * BENCH_CLUSTER=0 runs a single PostgreSQL node without the cluster's coordination (its overhead is
 * the difference). SQL statements are counted on SQLite only; memory on the first node.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import WebSocket from 'ws';

// ---------------------------------------------------------------------------------------------------
// Parameters

function numberEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max)
    throw new Error(`${name} must be a number in [${min}, ${max}], got ${raw}`);
  return value;
}

const AGENTS = Math.round(numberEnv('BENCH_AGENTS', 1000, 1, 10_000));
const RATE = numberEnv('BENCH_RATE', 50, 0.1, 1000);
const SECONDS = numberEnv('BENCH_SECONDS', 60, 1, 3600);
const TALK_MIN_MS = numberEnv('BENCH_TALK_MIN_S', 2, 0, 600) * 1000;
const TALK_MAX_MS = Math.max(TALK_MIN_MS, numberEnv('BENCH_TALK_MAX_S', 8, 0, 600) * 1000);
const DRAIN_MS = numberEnv('BENCH_DRAIN_SECONDS', 30, 1, 600) * 1000;
const SETTLE_MS = numberEnv('BENCH_SETTLE_SECONDS', 45, 0, 600) * 1000;
const LOGIN_CONCURRENCY = Math.round(numberEnv('BENCH_LOGIN_CONCURRENCY', 4, 1, 256));
const CENTERS = Math.round(numberEnv('BENCH_CONTACT_CENTERS', 1, 1, 100));
const LOGIN = process.env.BENCH_LOGIN || 'direct';
if (LOGIN !== 'direct' && LOGIN !== 'http') throw new Error('BENCH_LOGIN must be direct or http');
const CPU_PROFILE = process.env.BENCH_CPU_PROFILE ? path.resolve(process.env.BENCH_CPU_PROFILE) : null;
/** Hard bound on arrivals: far above what a Poisson process at RATE produces in SECONDS. */
const MAX_CALLS = Math.ceil(RATE * SECONDS * 1.5 + 100);
const AVAILABLE = '0N5xx0000004CSO';
const PROGRESS_EVERY_MS = 5000;
const DATABASE_URL = process.env.BENCH_DATABASE_URL || null;
if (DATABASE_URL && !/^postgres(ql)?:\/\//.test(DATABASE_URL))
  throw new Error('BENCH_DATABASE_URL must be a postgres:// URL');
const NODES = Math.round(numberEnv('BENCH_NODES', 1, 1, 8));
if (NODES > 1 && !DATABASE_URL)
  throw new Error('BENCH_NODES > 1 needs BENCH_DATABASE_URL (SQLite serves one node)');
const CLUSTER = DATABASE_URL !== null && (NODES > 1 || process.env.BENCH_CLUSTER !== '0');

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..');

// ---------------------------------------------------------------------------------------------------
// Small helpers

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const benchStart = performance.now();
const log = (line: string) =>
  console.log(`${((performance.now() - benchStart) / 1000).toFixed(1).padStart(6)} s  ${line}`);
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T>(
  items: T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** VmRSS and VmHWM of a process, in KB, from /proc. */
function memoryOf(pid: number): { rssKB: number; hwmKB: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssKB: field('VmRSS'), hwmKB: field('VmHWM') };
}

/** User + system CPU time of a process, in ms (clock ticks of 10 ms on Linux). */
function cpuMsOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Busy and total CPU time of the whole machine, in ms (all cores, from /proc/stat). */
function machineCpuMs(): { busyMs: number; totalMs: number } {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] as string;
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return { busyMs: (total - idle) * 10, totalMs: total * 10 };
}

// ---------------------------------------------------------------------------------------------------
// The service process

interface ServiceInfo {
  ready: true;
  pid: number;
  port: number;
  orgId: string;
  /** Each agent's contact center (API name), in the order of `usernames`. */
  apiNames: string[];
  /** The contact centers' dialed numbers: calls go to them in turn. */
  numbers: string[];
  usernames: string[];
  password: string;
  /** BENCH_LOGIN=direct: the agents' session tokens, written by the service process. */
  tokens: string[] | null;
}

interface ServiceMemory {
  rssKB: number;
  heapUsedKB: number;
  externalKB: number;
  newSpaceKB: number;
}

class ServiceProcess {
  private readonly waiters: Array<(line: string) => void> = [];
  private readonly lines: string[] = [];
  private stopping = false;
  exited: Promise<number | null>;

  private constructor(readonly child: ChildProcessByStdio<Writable, Readable, null>) {
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const waiter = this.waiters.shift();
      if (waiter) waiter(line);
      else this.lines.push(line);
    });
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    child.stdin.on('error', () => undefined); // EPIPE once the service is gone; `exited` reports it
    child.once('exit', (code, signal) => {
      if (!this.stopping)
        console.error(`service process exited unexpectedly (code ${code}, signal ${signal})`);
    });
  }

  static start(env: Record<string, string>): ServiceProcess {
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', path.join(here, 'serviceProcess.ts')],
      {
        cwd: repoRoot,
        env: {
          ...process.env,
          ...env,
          BENCH_AGENTS: String(AGENTS),
          BENCH_LOGIN: LOGIN,
          BENCH_CONTACT_CENTERS: String(CENTERS),
          NODE_ENV: 'development',
        },
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    return new ServiceProcess(child);
  }

  /** The next JSON line the service prints (its answer to a command), within `timeoutMs`. */
  async nextLine<T>(timeoutMs: number, what: string): Promise<T> {
    const queued = this.lines.shift();
    if (queued !== undefined) return JSON.parse(queued) as T;
    let timer: NodeJS.Timeout | undefined;
    let waiter: ((line: string) => void) | undefined;
    try {
      const line = await Promise.race([
        new Promise<string>((resolve) => {
          waiter = resolve;
          this.waiters.push(resolve);
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`service: no answer to ${what}`)), timeoutMs);
        }),
        this.exited.then((code) => {
          throw new Error(`service exited (code ${code}) while waiting for ${what}`);
        }),
      ]);
      return JSON.parse(line) as T;
    } finally {
      clearTimeout(timer);
      const i = waiter ? this.waiters.indexOf(waiter) : -1;
      if (i >= 0) this.waiters.splice(i, 1);
    }
  }

  async command<T>(line: string, timeoutMs = 30_000): Promise<T> {
    this.child.stdin.write(`${line}\n`);
    return this.nextLine<T>(timeoutMs, line);
  }

  /**
   * The memory of the service once idle and settled. V8 keeps the young generation it grew during
   * start-up or the logins (16–32 MB) and pages of freed old-space objects until its memory reducer
   * runs after ~30 s of idleness; an RSS read before that is off by tens of MB, which would swamp the
   * per-agent difference. So: wait at least SETTLE_MS, then until the young generation is back to
   * its minimum and the RSS has been steady (±1 MB) for 5 s (at most 3 × SETTLE_MS); then a full GC.
   */
  async settledMemory(): Promise<ServiceMemory> {
    const pid = this.child.pid as number;
    const start = performance.now();
    const readings: Array<{ at: number; rssKB: number }> = [];
    for (;;) {
      await sleep(1000);
      const now = performance.now();
      const mem = await this.command<ServiceMemory>('mem');
      readings.push({ at: now, rssKB: memoryOf(pid).rssKB });
      const window = readings.filter((r) => r.at >= now - 5000);
      const steady =
        Math.max(...window.map((r) => r.rssKB)) - Math.min(...window.map((r) => r.rssKB)) <= 1024;
      const elapsed = now - start;
      if (elapsed >= 3 * SETTLE_MS) break;
      if (elapsed >= SETTLE_MS && mem.newSpaceKB <= 1024 && steady && window.length >= 5) break;
    }
    await this.command('gc');
    await sleep(200);
    return { ...(await this.command<ServiceMemory>('mem')), rssKB: memoryOf(pid).rssKB };
  }

  /** Asks the service to stop; kills it if it does not exit in time. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.stdin.write('stop\n');
    const exited = await Promise.race([this.exited.then(() => true), sleep(10_000).then(() => false)]);
    if (!exited) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// What the load generator observes, per call

interface Observed {
  offeredAt?: number;
  endedAt?: number;
}

const posted = new Map<string, number>(); // callId → performance.now() just before the POST
const observed = new Map<string, Observed>(); // callId → what the agents saw (may precede the POST reply)
const counters = {
  attempted: 0,
  /** Answered 503 with Retry-After (admission control, docs/scaling.md "Overload"). */
  shed: 0,
  refused: 0,
  offers: 0,
  reoffers: 0,
  missed: 0,
  requestErrors: 0,
};
const firstErrors: string[] = [];
function noteError(what: string): void {
  counters.requestErrors++;
  if (firstErrors.length < 10) firstErrors.push(what);
}

function observe(callId: string): Observed {
  let o = observed.get(callId);
  if (!o) observed.set(callId, (o = {}));
  return o;
}

function offerLatencies(): number[] {
  const out: number[] = [];
  for (const [callId, sentAt] of posted) {
    const offeredAt = observed.get(callId)?.offeredAt;
    if (offeredAt !== undefined) out.push(offeredAt - sentAt);
  }
  return out.sort((a, b) => a - b);
}

// ---------------------------------------------------------------------------------------------------
// An agent: its own session and WebSocket; auto-answers, talks, hangs up, wraps up

const talkTimers = new Set<NodeJS.Timeout>();

class Agent {
  private nextId = 0;
  private readonly pending = new Map<string, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private welcomed: (() => void) | undefined;

  private constructor(
    readonly username: string,
    readonly socket: WebSocket,
  ) {
    socket.on('message', (raw) => this.onFrame(JSON.parse(String(raw)) as Record<string, unknown>));
    socket.on('close', (code) => {
      for (const p of this.pending.values()) p.reject(new Error(`socket closed (${code})`));
      this.pending.clear();
    });
  }

  static async connect(wsUrl: string, username: string, token: string): Promise<Agent> {
    const socket = new WebSocket(wsUrl, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const agent = new Agent(username, socket);
    const welcome = new Promise<void>((resolve, reject) => {
      agent.welcomed = resolve;
      socket.once('close', (code) =>
        reject(new Error(`${username}: socket closed before welcome (${code})`)),
      );
    });
    socket.send(JSON.stringify({ type: 'hello', token }));
    await welcome;
    return agent;
  }

  request<T = unknown>(method: string, params: unknown = {}): Promise<T> {
    const id = `r${++this.nextId}`;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.socket.send(JSON.stringify({ type: 'request', id, method, params }));
    });
  }

  /** A request whose failure is counted, not thrown (the load goes on). */
  private fireAndCount(method: string, params: unknown): Promise<boolean> {
    return this.request(method, params).then(
      () => true,
      (err: unknown) => {
        noteError(`${this.username} ${method}: ${err instanceof Error ? err.message : String(err)}`);
        return false;
      },
    );
  }

  private onFrame(frame: Record<string, unknown>): void {
    if (frame.type === 'response') {
      const p = this.pending.get(frame.id as string);
      if (!p) return;
      this.pending.delete(frame.id as string);
      if (frame.ok) p.resolve(frame.result);
      else {
        const e = frame.error as { code: string; message: string };
        p.reject(new Error(`${e.code}: ${e.message}`));
      }
      return;
    }
    if (frame.type === 'welcome') {
      this.welcomed?.();
      this.welcomed = undefined;
      return;
    }
    if (frame.type !== 'event') return;
    const data = frame.data as {
      call?: { callId: string };
      callId?: string;
      reason?: string;
      agentStatus?: string;
    };
    switch (frame.event) {
      case 'CALL_STARTED': {
        const now = performance.now();
        const callId = data.call?.callId as string;
        const o = observe(callId);
        if (o.offeredAt === undefined) {
          o.offeredAt = now;
          counters.offers++;
        } else counters.reoffers++;
        void this.fireAndCount('acceptCall', { callId }).then((ok) => {
          if (!ok) return;
          const talk = TALK_MIN_MS + Math.random() * (TALK_MAX_MS - TALK_MIN_MS);
          const timer = setTimeout(() => {
            talkTimers.delete(timer);
            void this.fireAndCount('endCall', { callId });
          }, talk);
          talkTimers.add(timer);
        });
        return;
      }
      case 'HANGUP': {
        const callId = data.call?.callId as string;
        if (data.reason === 'ended') {
          observe(callId).endedAt ??= performance.now();
        } else if (data.agentStatus === 'MissedCallAgent') {
          // The offer rang out (the agent is now busy "Missed call"): count it and come back.
          counters.missed++;
          void this.fireAndCount('setAgentStatus', { statusId: AVAILABLE });
        }
        return;
      }
      case 'AFTER_CALL_WORK_STARTED':
        void this.fireAndCount('wrapUp', { callId: data.callId });
        return;
    }
  }

  close(): void {
    this.socket.terminate();
  }
}

// ---------------------------------------------------------------------------------------------------
// HTTP (global fetch: undici, keep-alive)

async function postJson<T>(
  url: string,
  body: unknown,
): Promise<{ status: number; body: T; retryAfter: string | null }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T, retryAfter: res.headers.get('retry-after') };
}

/**
 * A login, retried while the service answers 503 or 429 (its password-hash queue is full or this
 * source has too many hashes waiting, issue 13): after Retry-After, at most 20 times.
 */
async function login(url: string, body: unknown): Promise<{ status: number; body: { token: string } }> {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as { token: string };
    if ((res.status !== 503 && res.status !== 429) || attempt >= 20)
      return { status: res.status, body: json };
    await sleep(Math.min(5, Number(res.headers.get('retry-after') ?? 1)) * 1000);
  }
}

// ---------------------------------------------------------------------------------------------------
// The run

const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-'));
let service: ServiceProcess | undefined;
/** The other nodes (BENCH_NODES > 1). */
const others: ServiceProcess[] = [];
let schema: string | null = null;
const agents: Agent[] = [];
let cleanedUp = false;

async function cleanup(): Promise<void> {
  if (cleanedUp) return;
  cleanedUp = true;
  for (const t of talkTimers) clearTimeout(t);
  talkTimers.clear();
  for (const a of agents) a.close();
  await service?.stop().catch(() => undefined);
  await Promise.all(others.map((o) => o.stop().catch(() => undefined)));
  if (DATABASE_URL && schema) {
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.end();
  }
  fs.rmSync(tmpDir, { recursive: true, force: true });
}

process.once('exit', () => {
  // Last resort (an uncaught error skipped the async cleanup).
  if (service && service.child.exitCode === null) service.child.kill('SIGKILL');
  for (const o of others) if (o.child.exitCode === null) o.child.kill('SIGKILL');
  fs.rmSync(tmpDir, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping`);
    void cleanup().then(() => process.exit(130));
  });
}

async function main(): Promise<void> {
  log(
    `routing bench: ${AGENTS} agents, Poisson ${RATE} calls/s for ${SECONDS} s, talk ${TALK_MIN_MS / 1000}–${TALK_MAX_MS / 1000} s`,
  );
  const dbPath = path.join(tmpDir, 'bench.db');
  const env: Record<string, string> = { BENCH_DB: dbPath };
  if (DATABASE_URL) {
    schema = `bench_${Date.now().toString(36)}`;
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    await client.query(`create schema ${schema}`);
    await client.end();
    const url = new URL(DATABASE_URL);
    url.searchParams.set('options', `-c search_path=${schema}`);
    Object.assign(env, { BENCH_DATABASE_URL: url.toString(), BENCH_CLUSTER: CLUSTER ? '1' : '0' });
  }
  const svc = ServiceProcess.start(env);
  service = svc;
  const info = await service.nextLine<ServiceInfo>(120_000, 'start-up');
  for (let i = 1; i < NODES; i++) others.push(ServiceProcess.start({ ...env, BENCH_JOIN: '1' }));
  const joined = await Promise.all(
    others.map((o) => o.nextLine<{ pid: number; port: number }>(120_000, 'start-up')),
  );
  const pid = info.pid;
  const pids = [pid, ...joined.map((j) => j.pid)];
  const ports = [info.port, ...joined.map((j) => j.port)];
  const baseUrls = ports.map((port) => `http://127.0.0.1:${port}`);
  const wsUrls = ports.map((port) => `ws://127.0.0.1:${port}/agent/v1/socket`);
  const baseUrl = baseUrls[0] as string;
  const wsUrl = wsUrls[0] as string;
  const cpuOfNodes = () => pids.map((p) => cpuMsOf(p));
  log(
    `service pid ${pids.join(', ')} on ${baseUrls.join(', ')}, ` +
      `${DATABASE_URL ? `PostgreSQL schema ${schema}${CLUSTER ? `, ${NODES} cluster node(s)` : ', no cluster'}` : `SQLite ${dbPath}`}, ` +
      `${CENTERS} contact center(s), numbers ${info.numbers.join(', ')}`,
  );

  // Memory is read three times, each once the idle service has settled: fresh; after the logins
  // (sessions exist, no socket yet); and with every agent connected, Available and idle. RSS per idle
  // agent session = (connected − logged in) / agents. The logins are kept out of that difference on
  // purpose: each runs scrypt (16 MB buffers on libuv's threads), and glibc keeps tens of MB of those
  // freed buffers in its per-thread arenas, a fixed amount that depends on the thread count, not on
  // the number of sessions; the JSON reports it separately (rssPerAgentWithLoginsKB).
  const settle = async (what: string): Promise<ServiceMemory> => {
    log(`waiting for the idle service's memory to settle (at least ${SETTLE_MS / 1000} s)…`);
    const mem = await svc.settledMemory();
    log(
      `service RSS ${what}: ${round(mem.rssKB / 1024)} MB (V8 heap used ${round(mem.heapUsedKB / 1024)} MB, young generation ${round(mem.newSpaceKB / 1024)} MB)`,
    );
    return mem;
  };
  const memFresh = await settle('before any login');

  // Log in every agent (bounded concurrency: login runs scrypt).
  const loginStart = performance.now();
  const tokens: string[] = info.tokens ?? [];
  await pool(info.tokens ? [] : info.usernames, LOGIN_CONCURRENCY, async (username, i) => {
    const res = await login(`${baseUrls[i % NODES]}/agent/v1/login`, {
      orgId: info.orgId,
      contactCenter: info.apiNames[i] as string,
      username,
      password: info.password,
    });
    if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(res.body)}`);
    tokens[i] = res.body.token;
    if ((i + 1) % 200 === 0 || i + 1 === AGENTS) log(`  ${i + 1}/${AGENTS} agents logged in`);
  });
  const loginSeconds = (performance.now() - loginStart) / 1000;
  log(`logins took ${round(loginSeconds)} s`);
  // Warm-up: a few sockets that fail their hello load the socket code before the baseline.
  for (let i = 0; i < 4; i++) {
    const ws = new WebSocket(wsUrl);
    await new Promise<void>((resolve) => {
      ws.once('open', () => ws.send(JSON.stringify({ type: 'hello', token: 'bad' })));
      ws.once('close', () => resolve());
      ws.once('error', () => resolve());
    });
  }
  const memBefore = await settle(`with ${AGENTS} sessions, before connecting the agents`);

  // Connect every agent (its own WebSocket, hello with its token), then set it Available.
  const connectStart = performance.now();
  await pool(info.usernames, 16, async (username, i) => {
    const agent = await Agent.connect(wsUrls[i % NODES] as string, username, tokens[i] as string);
    agents.push(agent);
    await agent.request('setAgentStatus', { statusId: AVAILABLE });
    if ((i + 1) % 200 === 0 || i + 1 === AGENTS) log(`  ${i + 1}/${AGENTS} agents connected and Available`);
  });
  log(`connecting took ${round((performance.now() - connectStart) / 1000)} s`);
  const memAfter = await settle(`with ${AGENTS} agents connected and idle`);
  const rssBeforeKB = memBefore.rssKB;
  const rssAfterKB = memAfter.rssKB;
  const rssPerIdleAgentKB = (rssAfterKB - rssBeforeKB) / AGENTS;
  const rssPerAgentWithLoginsKB = (rssAfterKB - memFresh.rssKB) / AGENTS;
  const heapPerIdleAgentKB = (memAfter.heapUsedKB - memBefore.heapUsedKB) / AGENTS;
  log(
    `per idle agent session: ${round(rssPerIdleAgentKB)} KB RSS, ${round(heapPerIdleAgentKB)} KB V8 heap ` +
      `(${round(rssPerAgentWithLoginsKB)} KB RSS counting from before the logins)`,
  );

  // The load: Poisson arrivals on an absolute schedule (a late timer fires the backlog at once).
  if (CPU_PROFILE) await service.command('profile-start');
  // The generator's own event-loop delay (sampled every 1 ms; reported net of that interval).
  const lag = monitorEventLoopDelay({ resolution: 1 });
  const lagP99Ms = () => round(Math.max(0, lag.percentile(99) / 1e6 - 1), 2);
  lag.enable();
  const cpuStartMs = cpuMsOf(pid);
  const nodesCpuStartMs = cpuOfNodes();
  const machineStart = machineCpuMs();
  const generatorStart = process.cpuUsage();
  const sqlStart = (await service.command<{ statements: number }>('sql')).statements;
  let peakRssKB = memoryOf(pid).rssKB;
  const inFlight = new Set<Promise<void>>();
  const loadStart = performance.now();
  const loadEnd = loadStart + SECONDS * 1000;
  let lastProgress = loadStart;
  let lastCpuMs = cpuStartMs;

  const progress = (label: string) => {
    const now = performance.now();
    const cpuMs = cpuMsOf(pid);
    const cpuPercent = (100 * (cpuMs - lastCpuMs)) / (now - lastProgress);
    lastCpuMs = cpuMs;
    lastProgress = now;
    const { rssKB } = memoryOf(pid);
    peakRssKB = Math.max(peakRssKB, rssKB);
    const lat = offerLatencies();
    let ended = 0;
    for (const o of observed.values()) if (o.endedAt !== undefined) ended++;
    log(
      `[${label}] calls ${counters.attempted} (shed ${counters.shed}, refused ${counters.refused}), offered ${counters.offers}, ` +
        `ended ${ended}, waiting ${posted.size - lat.length}, offer p50 ${round(percentile(lat, 50), 2)} ms ` +
        `p99 ${round(percentile(lat, 99), 2)} ms, service RSS ${round(rssKB / 1024)} MB, ` +
        `service CPU ${Math.round(cpuPercent)}%, generator lag p99 ${lagP99Ms()} ms`,
    );
  };

  const placeCall = (n: number) => {
    const from = `+1415555${String(1000 + (n % 9000)).padStart(4, '0')}`;
    counters.attempted++;
    const sentAt = performance.now();
    const p = postJson<{ callId: string }>(`${baseUrls[n % NODES]}/sim/v1/calls`, {
      from,
      to: info.numbers[n % info.numbers.length],
    })
      .then((res) => {
        if (res.status === 503 && res.retryAfter !== null) {
          // Shed by admission control: a clear refusal the caller's network can act on, not a loss.
          counters.shed++;
          return;
        }
        if (res.status !== 201) {
          counters.refused++;
          noteError(`POST /sim/v1/calls: ${res.status} ${JSON.stringify(res.body)}`);
          return;
        }
        posted.set(res.body.callId, sentAt);
      })
      .catch((err: unknown) => {
        counters.refused++;
        noteError(`POST /sim/v1/calls: ${String(err)}`);
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  let nextAt = loadStart;
  for (let n = 0; n < MAX_CALLS; n++) {
    nextAt += (-Math.log(1 - Math.random()) / RATE) * 1000;
    if (nextAt >= loadEnd) break;
    for (;;) {
      const now = performance.now();
      if (now - lastProgress >= PROGRESS_EVERY_MS) progress(`${Math.round((now - loadStart) / 1000)} s`);
      if (nextAt - now <= 0.5) break;
      await sleep(Math.min(nextAt - now, PROGRESS_EVERY_MS));
    }
    placeCall(n);
  }
  const remaining = loadEnd - performance.now();
  if (remaining > 0) await sleep(remaining);
  const loadSeconds = (performance.now() - loadStart) / 1000;
  progress('arrivals stopped');

  // Drain: every call offered and ended (agents hang up after their talk time), bounded.
  await Promise.race([Promise.all(inFlight), sleep(DRAIN_MS)]);
  const drainEnd = performance.now() + DRAIN_MS;
  const unfinished = () => {
    let n = 0;
    for (const callId of posted.keys()) if (observed.get(callId)?.endedAt === undefined) n++;
    return n;
  };
  while (unfinished() > 0 && performance.now() < drainEnd) {
    await sleep(250);
    if (performance.now() - lastProgress >= PROGRESS_EVERY_MS) progress('draining');
  }
  const nodesCpuMs = cpuOfNodes().map((ms, i) => ms - (nodesCpuStartMs[i] as number));
  const cpuLoadMs = nodesCpuMs.reduce((a, b) => a + b, 0);
  const machineEnd = machineCpuMs();
  const generatorUsage = process.cpuUsage(generatorStart);
  const sqlStatements = (await service.command<{ statements: number }>('sql')).statements - sqlStart;
  if (process.env.BENCH_SQL_TOP) {
    const { top } = await service.command<{ top: Array<{ count: number; sql: string }> }>(
      `sql-top ${process.env.BENCH_SQL_TOP}`,
    );
    log('most frequent SQL statements (whole run, per call placed):');
    for (const t of top) log(`  ${round(t.count / Math.max(1, posted.size), 2)}  ${t.sql}`);
  }
  const drainSeconds = (performance.now() - loadStart) / 1000 - loadSeconds;
  progress('drained');
  lag.disable();
  if (CPU_PROFILE) {
    await service.command(`profile-stop ${CPU_PROFILE}`, 60_000);
    log(`CPU profile of the service (load phase): ${CPU_PROFILE}`);
  }

  // Verify on the service's side: every call we placed, its state now.
  const states = new Map<string, number>();
  let lost = counters.refused;
  let stuck = 0;
  let unexpectedEnd = 0;
  await pool([...posted.keys()], 8, async (callId) => {
    const res = await fetch(`${baseUrl}/sim/v1/calls/${callId}`);
    const detail = (await res.json()) as { state?: string; endReason?: string };
    const state = res.status === 200 ? (detail.state ?? '?') : `http ${res.status}`;
    states.set(state, (states.get(state) ?? 0) + 1);
    const o = observed.get(callId);
    if (o?.offeredAt === undefined) lost++;
    else if (state !== 'ended' || o.endedAt === undefined) stuck++;
    else if (detail.endReason !== 'agent_hangup') unexpectedEnd++;
  });
  let notAvailable = 0;
  await pool(agents, 32, async (a) => {
    const status = await a.request<{ state: string }>('getAgentStatus').catch(() => ({ state: 'error' }));
    if (status.state !== 'available') notAvailable++;
  });
  const memory = memoryOf(pid);

  const lat = offerLatencies();
  const loadWallMs = (loadSeconds + drainSeconds) * 1000;
  const cores = (machineEnd.totalMs - machineStart.totalMs) / loadWallMs;
  const machineBusyPercent = (100 * (machineEnd.busyMs - machineStart.busyMs)) / loadWallMs;
  const serviceCpuPercent = (100 * cpuLoadMs) / loadWallMs;
  const generatorCpuPercent = (100 * (generatorUsage.user + generatorUsage.system)) / 1000 / loadWallMs;
  const otherCpuPercent = Math.max(0, machineBusyPercent - serviceCpuPercent - generatorCpuPercent);
  log(
    `CPU during load + drain (100% = one core, ${Math.round(cores)} cores): service ${Math.round(serviceCpuPercent)}%, ` +
      `load generator ${Math.round(generatorCpuPercent)}%, other processes on the machine ${Math.round(otherCpuPercent)}%; ` +
      `service ${round(cpuLoadMs / Math.max(1, posted.size), 2)} ms CPU` +
      (DATABASE_URL ? '' : ` and ${round(sqlStatements / Math.max(1, posted.size))} SQL statements`) +
      ` per call` +
      (NODES > 1
        ? ` (per node: ${nodesCpuMs.map((ms) => round(ms / Math.max(1, posted.size), 2)).join(', ')} ms)`
        : ''),
  );
  log(`call states on the service: ${JSON.stringify(Object.fromEntries(states))}`);
  log(
    `load: ${counters.attempted} calls in ${round(loadSeconds)} s, drained in ${round(drainSeconds)} s; ` +
      `offer latency p50 ${round(percentile(lat, 50), 2)} ms, p90 ${round(percentile(lat, 90), 2)} ms, ` +
      `p99 ${round(percentile(lat, 99), 2)} ms, max ${round(percentile(lat, 100), 2)} ms`,
  );
  log(
    `shed ${counters.shed} (503 with Retry-After), lost ${lost}, stuck ${stuck}, other end reason ${unexpectedEnd}, re-offers ${counters.reoffers}, ` +
      `missed offers ${counters.missed}, request errors ${counters.requestErrors}, ` +
      `agents not available at the end ${notAvailable}`,
  );
  for (const e of firstErrors) log(`  error: ${e}`);

  const result = {
    agents: AGENTS,
    rate: RATE,
    seconds: SECONDS,
    calls: counters.attempted,
    offerLatencyMs: {
      p50: round(percentile(lat, 50), 2),
      p90: round(percentile(lat, 90), 2),
      p99: round(percentile(lat, 99), 2),
      max: round(percentile(lat, 100), 2),
    },
    routedPerSecond: round(counters.offers / loadSeconds, 2),
    shed: counters.shed,
    lost,
    stuck,
    requestErrors: counters.requestErrors,
    missedOffers: counters.missed,
    agentsNotAvailableAtEnd: notAvailable,
    rssPerIdleAgentKB: round(rssPerIdleAgentKB),
    rssPerAgentWithLoginsKB: round(rssPerAgentWithLoginsKB),
    heapPerIdleAgentKB: round(heapPerIdleAgentKB),
    serviceRssFreshMB: round(memFresh.rssKB / 1024),
    serviceRssBeforeAgentsMB: round(rssBeforeKB / 1024),
    serviceRssIdleAgentsMB: round(rssAfterKB / 1024),
    serviceRssMB: round(memory.rssKB / 1024),
    serviceRssPeakMB: round(Math.max(peakRssKB, memory.rssKB) / 1024),
    serviceCpuPercent: Math.round(serviceCpuPercent),
    serviceCpuMsPerCall: round(cpuLoadMs / Math.max(1, posted.size), 2),
    sqlStatementsPerCall: DATABASE_URL ? null : round(sqlStatements / Math.max(1, posted.size)),
    database: DATABASE_URL ? 'postgres' : 'sqlite',
    nodes: NODES,
    contactCenters: CENTERS,
    cluster: CLUSTER,
    serviceCpuMsPerCallByNode: nodesCpuMs.map((ms) => round(ms / Math.max(1, posted.size), 2)),
    generatorCpuPercent: Math.round(generatorCpuPercent),
    otherProcessesCpuPercent: Math.round(otherCpuPercent),
    loginSeconds: round(loginSeconds),
    generatorLagP99Ms: lagP99Ms(),
  };
  await cleanup();
  console.log(JSON.stringify(result));
  if (lost > 0 || stuck > 0) process.exitCode = 1;
}

main().catch(async (err: unknown) => {
  console.error('routing bench failed:', err);
  await cleanup();
  process.exitCode = 1;
});
