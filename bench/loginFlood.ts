/**
 * `npm run bench:login-flood` (prints figures; not a test): the service in its own process
 * (bench/serviceProcess.ts, SQLite), a flood of wrong sign-ins at FLOOD_RATE per second (default
 * 400) for FLOOD_SECONDS (default 20), and meanwhile legitimate sign-ins (one every LEGIT_EVERY_MS, default 500 ms, from
 * another address: 127.0.0.2) and an agent's WebSocket requests (`getAgentStatus` every 50 ms).
 * Three floods: from one address, from FLOOD_SOURCES addresses (127.0.1.x, default 200), and from
 * the legitimate sign-ins' own address (an office behind one NAT with a guesser in it), each
 * guessing the passwords of agents 1-10 and of unknown users; the legitimate sign-ins are agents
 * 11 and up, each with the device token of an earlier sign-in (LEGIT_DEVICE=0: without). Prints
 * p50/p99 of each, the flood's answers by status, the scrypt pool's figures per lane (hashes per
 * second, average wait for a thread, average time of one hash) and the machine's load.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import WebSocket from 'ws';

const here = path.dirname(fileURLToPath(import.meta.url));
const RATE = Number(process.env.FLOOD_RATE ?? 400);
const SECONDS = Number(process.env.FLOOD_SECONDS ?? 20);
const SOURCES = Number(process.env.FLOOD_SOURCES ?? 200);
const DEVICE_TOKENS = process.env.LEGIT_DEVICE !== '0';
const LEGIT_ADDRESS = '127.0.0.2';
const LEGIT_EVERY_MS = Number(process.env.LEGIT_EVERY_MS ?? 500);

interface Ready {
  port: number;
  orgId: string;
  apiName: string;
  usernames: string[];
  password: string;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-flood-'));
const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'serviceProcess.ts')], {
  cwd: path.join(here, '..'),
  env: { ...process.env, BENCH_DB: path.join(dir, 'bench.db'), BENCH_AGENTS: '40', NODE_ENV: 'development' },
  stdio: ['pipe', 'pipe', 'inherit'],
});
const lines = readline.createInterface({ input: child.stdout });
const answers: Array<(line: string) => void> = [];
lines.on('line', (line) => answers.shift()?.(line));
const nextLine = () => new Promise<string>((resolve) => answers.push(resolve));
const ready = JSON.parse(await nextLine()) as Ready;

interface LaneStats {
  hashes: number;
  refused: number;
  waitedMs: number;
  hashMs: number;
}
type Lanes = Record<'priority' | 'normal' | 'low', LaneStats>;
/** The service's scrypt pool figures (bench/serviceProcess.ts `hashing`). */
async function hashing(): Promise<Lanes> {
  const answer = nextLine();
  child.stdin.write('hashing\n');
  return (JSON.parse(await answer) as { lanes: Lanes }).lanes;
}

/** POST /agent/v1/login from `localAddress`; the status, the time it took and the device token. */
function login(
  username: string,
  password: string,
  localAddress: string,
  deviceToken?: string,
): Promise<{ status: number; ms: number; deviceToken?: string }> {
  const body = JSON.stringify({
    orgId: ready.orgId,
    contactCenter: ready.apiName,
    username,
    password,
    ...(deviceToken ? { deviceToken } : {}),
  });
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: ready.port,
        path: '/agent/v1/login',
        method: 'POST',
        localAddress,
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += String(c)));
        res.on('end', () => {
          const ms = performance.now() - t0;
          const status = res.statusCode ?? 0;
          resolve(
            status === 200
              ? { status, ms, deviceToken: (JSON.parse(text) as { deviceToken: string }).deviceToken }
              : { status, ms },
          );
        });
      },
    );
    req.on('error', () => resolve({ status: 0, ms: performance.now() - t0 }));
    req.end(body);
  });
}

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN;
};
const fmt = (v: number) => `${v.toFixed(1)} ms`;

/** An agent's socket sending getAgentStatus every 50 ms; `stop()` gives the latencies. */
async function agentRequests(token: string) {
  const ws = new WebSocket(`ws://127.0.0.1:${ready.port}/agent/v1/socket`, { localAddress: '127.0.0.3' });
  await new Promise((resolve) => ws.once('open', resolve));
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  ws.on('message', (raw) => {
    const frame = JSON.parse(String(raw)) as { type: string; id?: string };
    const t = frame.id ? sentAt.get(frame.id) : undefined;
    if (frame.type === 'response' && t !== undefined) latencies.push(performance.now() - t);
  });
  ws.send(JSON.stringify({ type: 'hello', token }));
  await new Promise((r) => setTimeout(r, 300));
  let n = 0;
  const timer = setInterval(() => {
    const id = `r${++n}`;
    sentAt.set(id, performance.now());
    ws.send(JSON.stringify({ type: 'request', id, method: 'getAgentStatus', params: {} }));
  }, 50);
  return {
    stop: () => {
      clearInterval(timer);
      ws.close();
      return latencies;
    },
  };
}

/** The device token each legitimate user's client holds (from one sign-in before the phases). */
const deviceTokens = new Map<string, string>();

async function phase(name: string, flood: 'none' | 'one' | 'many' | 'legit', seconds: number) {
  const tokenRes = await new Promise<string>((resolve) => {
    const body = JSON.stringify({
      orgId: ready.orgId,
      contactCenter: ready.apiName,
      username: ready.usernames[39],
      password: ready.password,
    });
    const req = http.request(
      {
        host: '127.0.0.1',
        port: ready.port,
        path: '/agent/v1/login',
        method: 'POST',
        localAddress: '127.0.0.3',
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += String(c)));
        res.on('end', () => resolve((JSON.parse(text) as { token: string }).token));
      },
    );
    req.end(body);
  });
  const agent = await agentRequests(tokenRes);
  const floodStatus = new Map<number, number>();
  const pending: Array<Promise<unknown>> = [];
  const load0 = os.loadavg()[0]!;
  const lanes0 = await hashing();
  const started = performance.now();
  const end = started + seconds * 1000;
  if (flood !== 'none') {
    const interval = 1000 / RATE;
    let i = 0;
    const t0 = performance.now();
    void (async () => {
      // The flood ends on time even when a legitimate sign-in is still waiting for its answer.
      while (performance.now() < end) {
        const due = t0 + i * interval;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        const username = i % 2 === 0 ? ready.usernames[i % 10]! : `nobody${i}`;
        const source =
          flood === 'one' ? '127.0.0.1' : flood === 'legit' ? LEGIT_ADDRESS : `127.0.1.${1 + (i % SOURCES)}`;
        pending.push(
          login(username, `guess ${i}`, source).then((r) =>
            floodStatus.set(r.status, (floodStatus.get(r.status) ?? 0) + 1),
          ),
        );
        i++;
      }
    })();
  }
  const legit: number[] = [];
  const legitStatus = new Map<number, number>();
  // One legitimate sign-in every LEGIT_EVERY_MS, each on its own (agents do not wait for one another).
  const legitPending: Array<Promise<unknown>> = [];
  for (let k = 0; performance.now() < end; k++) {
    const username = ready.usernames[10 + (k % 28)]!;
    legitPending.push(
      login(username, ready.password, LEGIT_ADDRESS, deviceTokens.get(username)).then((r) => {
        legitStatus.set(r.status, (legitStatus.get(r.status) ?? 0) + 1);
        if (r.status === 200) legit.push(r.ms);
      }),
    );
    await new Promise((r2) => setTimeout(r2, LEGIT_EVERY_MS));
  }
  const agentLatencies = agent.stop();
  await Promise.all([...pending, ...legitPending]);
  const elapsed = (performance.now() - started) / 1000;
  const lanes1 = await hashing();
  const load1 = os.loadavg()[0]!;
  console.log(`\n${name}`);
  console.log(
    `  legitimate sign-in: p50 ${fmt(pct(legit, 50))}, p99 ${fmt(pct(legit, 99))} (${legit.length} ok; answers ${JSON.stringify(Object.fromEntries(legitStatus))})`,
  );
  console.log(
    `  agent request:      p50 ${fmt(pct(agentLatencies, 50))}, p99 ${fmt(pct(agentLatencies, 99))} (${agentLatencies.length} requests)`,
  );
  if (flood !== 'none')
    console.log(`  flood answers by status: ${JSON.stringify(Object.fromEntries(floodStatus))}`);
  let total = 0;
  const perLane = (['priority', 'normal', 'low'] as const).map((lane) => {
    const [a, b] = [lanes0[lane], lanes1[lane]];
    const hashes = b.hashes - a.hashes;
    total += hashes;
    const avg = (ms: number) => (hashes ? `${(ms / hashes).toFixed(1)} ms` : '–');
    return `${lane} ${hashes} (wait ${avg(b.waitedMs - a.waitedMs)}, hash ${avg(b.hashMs - a.hashMs)}, ${b.refused - a.refused} × 503)`;
  });
  console.log(`  scrypt: ${(total / elapsed).toFixed(1)} hashes/s; per lane: ${perLane.join('; ')}`);
  console.log(`  1-min load average: ${load0.toFixed(2)} → ${load1.toFixed(2)} on ${os.cpus().length} cores`);
}

try {
  console.log(
    `login flood: ${RATE} wrong sign-ins/s for ${SECONDS} s; legitimate sign-ins ${DEVICE_TOKENS ? 'with' : 'without'} device tokens; node ${process.version}`,
  );
  if (DEVICE_TOKENS)
    for (const username of ready.usernames.slice(10, 38)) {
      const r = await login(username, ready.password, LEGIT_ADDRESS);
      if (r.deviceToken) deviceTokens.set(username, r.deviceToken);
    }
  await phase('idle (no flood)', 'none', 5);
  await phase(`flood from one address (127.0.0.1)`, 'one', SECONDS);
  await phase(`flood from ${SOURCES} addresses (127.0.1.x)`, 'many', SECONDS);
  await phase(`flood from the legitimate sign-ins' own address (${LEGIT_ADDRESS})`, 'legit', SECONDS);
} finally {
  child.stdin.write('stop\n');
  fs.rmSync(dir, { recursive: true, force: true });
}
