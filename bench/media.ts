/**
 * `npm run bench:media`: concurrent two-party calls through the embedded media plane (the worker
 * thread the service runs, bench/README.md) with plain RTP endpoints (G.711 µ-law, 20 ms) in another
 * process. Steps up the number of calls until more than 1 % of frames are late (> 60 ms behind their
 * schedule) or lost; prints, per step, the loss, the media plane's CPU and memory per call and the
 * mouth-to-ear latency through the mix.
 *
 * `npm run bench:media -- --engine janus`: the same through a Janus AudioBridge node started for the
 * run (scripts/janus/start.sh); CPU and memory are then the Janus process's (from /proc).
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedMediaEngine } from '../telephony/src/media/embeddedEngine.ts';
import { JanusEngine } from '../telephony/src/media/janus/janusEngine.ts';
import { startLocalJanus, type LocalJanus } from '../telephony/src/media/janus/janusProcess.ts';
import type { MediaEngine } from '../telephony/src/media/mediaEngine.ts';
import type { EndpointCommand } from './mediaEndpoints.ts';

const STEPS = (process.env.BENCH_MEDIA_STEPS ?? '1,25,50,100,150,200,300,400')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const WARMUP_MS = Number(process.env.BENCH_MEDIA_WARMUP_MS ?? 2000);
const MEASURE_MS = Number(process.env.BENCH_MEDIA_SECONDS ?? 10) * 1000;
const MAX_BAD = 0.01;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function ask<T>(child: ChildProcess, cmd: EndpointCommand): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as T));
    child.send(cmd);
  });
}

interface StepResult {
  calls: number;
  framesExpected: number;
  lostPct: number;
  latePct: number;
  clockLateTicks: number;
  /** The longest mixer tick's own work since the engine started (ms). */
  maxTickMs: number;
  cpuPctOfOneCore: number;
  cpuPctPerCall: number;
  /** The endpoints' process (the load generator), for comparison. */
  endpointsCpuPct: number;
  rssMB: number;
  rssPerCallKB: number;
  mouthToEarMs: { p50: number | null; p99: number | null; samples: number };
}

const gc = (globalThis as { gc?: () => void }).gc;

/** RSS after a full garbage collection (run with --expose-gc, as `npm run bench:media` does). */
async function settledRss(): Promise<number> {
  gc?.();
  await sleep(200);
  gc?.();
  return process.memoryUsage().rss;
}

const ENGINE = process.argv.includes('--engine')
  ? process.argv[process.argv.indexOf('--engine') + 1]
  : 'embedded';
if (ENGINE !== 'embedded' && ENGINE !== 'janus') {
  console.error('usage: npm run bench:media [-- --engine embedded|janus]');
  process.exit(2);
}
let janus: LocalJanus | null = null;

/** CPU time (µs) and RSS (bytes) of the media engine: this process, or the Janus process. */
function engineUsage(): { cpuMicros: number; rss: number } {
  const pid = janus?.process.pid;
  if (!pid) {
    const c = process.cpuUsage();
    return { cpuMicros: c.user + c.system, rss: process.memoryUsage().rss };
  }
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return { cpuMicros: (ticks / CLOCK_TICKS) * 1e6, rss: rssKb * 1024 };
}
/** Linux's USER_HZ, the unit of /proc/<pid>/stat's CPU times. */
const CLOCK_TICKS = 100;

async function step(engine: MediaEngine, calls: number): Promise<StepResult> {
  const idleRss = janus ? engineUsage().rss : await settledRss();
  const child = fork(new URL('./mediaEndpoints.ts', import.meta.url), [], { execArgv: ['--import', 'tsx'] });
  try {
    const { addresses } = await ask<{ addresses: Array<{ address: string; port: number }> }>(child, {
      op: 'open',
      count: calls * 2,
    });
    const remotes = [];
    for (let i = 0; i < calls; i++) {
      const a = await engine.openRtpLeg(`a${i}`, addresses[2 * i]!);
      const b = await engine.openRtpLeg(`b${i}`, addresses[2 * i + 1]!);
      remotes.push(a, b);
      await engine.setConversation(`c${i}`, {
        legs: [
          { legId: `a${i}`, hears: { kind: 'mix' }, heard: true },
          { legId: `b${i}`, hears: { kind: 'mix' }, heard: true },
        ],
        recording: null,
      });
    }
    await ask(child, { op: 'start', remotes });
    await sleep(WARMUP_MS);
    const clock0 = await engine.clockStats();
    const cpu0 = engineUsage().cpuMicros;
    const t0 = performance.now();
    await ask(child, { op: 'reset' });
    await sleep(MEASURE_MS);
    const stats = await ask<{
      expected: number;
      received: number;
      late: number;
      cpuPct: number;
      latencyMs: StepResult['mouthToEarMs'];
    }>(child, { op: 'stats' });
    const cpu = engineUsage().cpuMicros - cpu0;
    const wall = performance.now() - t0;
    const clock1 = await engine.clockStats();
    const rss = janus ? engineUsage().rss : await settledRss();
    const cpuPct = (cpu / 1000 / wall) * 100;
    await ask(child, { op: 'close' });
    for (let i = 0; i < calls; i++) {
      await engine.endConversation(`c${i}`);
      await engine.closeLeg(`a${i}`);
      await engine.closeLeg(`b${i}`);
    }
    const lost = Math.max(0, stats.expected - stats.received);
    return {
      calls,
      framesExpected: stats.expected,
      lostPct: round((lost / stats.expected) * 100),
      latePct: round((stats.late / stats.expected) * 100),
      clockLateTicks: clock1.lateTicks - clock0.lateTicks,
      maxTickMs: round(clock1.maxTickMs),
      cpuPctOfOneCore: round(cpuPct),
      cpuPctPerCall: round(cpuPct / calls),
      endpointsCpuPct: round(stats.cpuPct),
      rssMB: round(rss / 2 ** 20),
      rssPerCallKB: round((rss - idleRss) / 1024 / calls),
      mouthToEarMs: {
        p50: stats.latencyMs.p50 === null ? null : round(stats.latencyMs.p50),
        p99: stats.latencyMs.p99 === null ? null : round(stats.latencyMs.p99),
        samples: stats.latencyMs.samples,
      },
    };
  } finally {
    child.kill();
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

const spool = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-media-'));
if (ENGINE === 'janus') janus = await startLocalJanus({ ports: 4000 });
const engine: MediaEngine = janus
  ? new JanusEngine({ node: janus.node, spoolDir: spool })
  : new EmbeddedMediaEngine({ spoolDir: spool });
await sleep(500);
console.log(
  `bench:media (${ENGINE}): ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? '?'}), load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
const results: StepResult[] = [];
for (const calls of STEPS) {
  const r = await step(engine, calls);
  results.push(r);
  console.log(JSON.stringify(r));
  if (r.lostPct + r.latePct > MAX_BAD * 100) break;
}
const held = results.filter((r) => r.lostPct + r.latePct <= MAX_BAD * 100);
const best = held[held.length - 1];
console.log(
  JSON.stringify({
    maxConcurrentCallsWithin1Pct: best?.calls ?? 0,
    testedUpTo: results[results.length - 1]?.calls ?? 0,
    cpuPctPerCall: best?.cpuPctPerCall ?? null,
    callsPerCoreByCpu: best ? Math.floor(100 / best.cpuPctPerCall) : null,
    rssPerCallKB: best?.rssPerCallKB ?? null,
    mouthToEarMsQuiet: results[0]?.mouthToEarMs ?? null,
    mouthToEarMsAtMax: best?.mouthToEarMs ?? null,
    loadAverageAfter: os.loadavg().map((l) => round(l)),
  }),
);
await engine.close();
await janus?.stop();
fs.rmSync(spool, { recursive: true, force: true });
