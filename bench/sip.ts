/**
 * `npm run bench:sip`: SIPp places inbound calls through a SIP trunk at a rate, each playing a tone as
 * RTP (raw µ-law, SIPp's rtpstream), holding `BENCH_SIP_HOLD_MS` and hanging up; WebSocket agents
 * accept every call they are offered. Prints the calls SIPp saw fail, the call setup latency
 * (SIPp's INVITE → 200, and the service's call created → the agent's offer), the media plane's late
 * mixer ticks, and the load average. Service in this process (embedded media plane, SQLite).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_LOGIN_THROTTLE } from '../telephony/src/engine/loginThrottle.ts';
import { addTrunk } from '../telephony/src/sip/trunks.ts';
import { AgentClient, createTenant, startService, testDatabase } from '../telephony/test/harness.ts';
import { callScenario, runSipp } from '../telephony/test/sipCarrier.ts';

const RATE = Number(process.env.BENCH_SIP_RATE ?? 50);
const CALLS = Number(process.env.BENCH_SIP_CALLS ?? 300);
const HOLD_MS = Number(process.env.BENCH_SIP_HOLD_MS ?? 2000);
const AGENTS = Number(process.env.BENCH_SIP_AGENTS ?? Math.ceil(RATE * (HOLD_MS / 1000 + 1) * 1.5));

const percentile = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-sip-'));
const tone = path.join(dir, 'tone.ulaw');
const sox = spawnSync('sox', [
  '-n',
  '-r',
  '8000',
  '-c',
  '1',
  '-e',
  'u-law',
  '-t',
  'raw',
  tone,
  'synth',
  '5',
  'sine',
  '440',
]);
if (sox.status !== 0) throw new Error(`sox failed: ${sox.stderr.toString()}`);

const dbh = testDatabase();
const run = await startService(dbh.db, {
  media: { dataDir: dir, sweepMs: 0 },
  sip: { host: '127.0.0.1', port: 0, inviteRate: { rate: RATE * 4, burst: RATE * 4 } },
  startScheduler: true,
  // Every agent signs in from this one address: the per-source sign-in limit is lifted for the bench.
  limits: { login: { ...DEFAULT_LOGIN_THROTTLE, sourceBurst: 100_000, sourcePerMinute: 100_000 } },
});
const clients: AgentClient[] = [];
try {
  const tenant = await createTenant(dbh.db, { agents: AGENTS });
  const cc = await dbh.db
    .selectFrom('contact_centers')
    .selectAll()
    .where('id', '=', tenant.ccId)
    .executeTakeFirstOrThrow();
  await addTrunk(
    dbh.db,
    cc,
    { name: 'bench', host: '127.0.0.1', allowedSources: ['127.0.0.1'], numbers: [tenant.number] },
    Date.now(),
  );
  const created = new Map<string, number>();
  const offerLatency: number[] = [];
  run.service.engine.events.subscribe((batch) => {
    for (const e of batch) if (e.type === 'CallCreated') created.set(e.callId, performance.now());
  });
  const signIn = async (username: string) => {
    const c = await AgentClient.login(run, tenant, username);
    clients.push(c);
    // Agents auto-answer, and wrap up at once when the caller has hung up (available again).
    c.socket.on('message', (raw: Buffer) => {
      const e = JSON.parse(raw.toString()) as {
        type?: string;
        event?: string;
        data?: { callId?: string; call?: { callId?: string } };
      };
      if (e.type !== 'event') return;
      if (e.event === 'AFTER_CALL_WORK_STARTED' && e.data?.callId) {
        void c.request('wrapUp', { callId: e.data.callId }).catch(() => undefined);
        return;
      }
      const callId = e.data?.call?.callId;
      if (e.event !== 'CALL_STARTED' || !callId) return;
      const at = created.get(callId);
      if (at !== undefined) offerLatency.push(performance.now() - at);
      void c.request('acceptCall', { callId }).catch(() => undefined);
    });
    await c.goAvailable();
  };
  for (let i = 0; i < tenant.agents.length; i += 4)
    await Promise.all(tenant.agents.slice(i, i + 4).map((a) => signIn(a.username)));
  console.log(`${clients.length} agents signed in and available`);
  const clockBefore = await run.service.media!.engine.clockStats();
  const started = performance.now();
  const sipp = runSipp(
    callScenario({ rtpPort: 'stream', stream: tone, end: { by: 'caller', pauseMs: HOLD_MS } }),
    run.service.sip!.address,
    {
      dialed: tenant.number,
      calls: CALLS,
      rate: RATE,
      limit: Math.ceil(RATE * (HOLD_MS / 1000 + 2)),
      timeoutSeconds: Math.ceil(CALLS / RATE + HOLD_MS / 1000 + 30),
      workDir: dir,
      extraArgs: ['-trace_rtt', '-rtt_freq', '1', '-trace_stat', '-stf', path.join(dir, 'stat.csv')],
    },
  );
  const code = await sipp.exit;
  const seconds = (performance.now() - started) / 1000;
  const load = fs.readFileSync('/proc/loadavg', 'utf8').trim();
  const stats = fs.existsSync(path.join(dir, 'stat.csv'))
    ? fs.readFileSync(path.join(dir, 'stat.csv'), 'utf8').trim().split('\n')
    : [];
  const head = stats[0]?.split(';') ?? [];
  const last = stats[stats.length - 1]?.split(';') ?? [];
  const col = (name: string) => Number(last[head.indexOf(name)]);
  const rttFile = fs.readdirSync(dir).find((f) => f.endsWith('_rtt.csv'));
  const rtt = rttFile
    ? fs
        .readFileSync(path.join(dir, rttFile), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => Number(l.split(';')[1]))
        .filter((n) => Number.isFinite(n))
    : [];
  const clockAfter = await run.service.media!.engine.clockStats();
  console.log(
    `SIP inbound bench: ${CALLS} calls at ${RATE}/s, ${HOLD_MS} ms each, ${AGENTS} auto-answering agents`,
  );
  console.log(
    `  SIPp exit ${code}; successful ${col('SuccessfulCall(C)')}, failed ${col('FailedCall(C)')} in ${seconds.toFixed(1)} s`,
  );
  console.log(
    `  setup INVITE → 200 (SIPp): p50 ${percentile(rtt, 50).toFixed(1)} ms, p99 ${percentile(rtt, 99).toFixed(1)} ms (${rtt.length} calls)`,
  );
  console.log(
    `  call created → agent's offer (CALL_STARTED): p50 ${percentile(offerLatency, 50).toFixed(1)} ms, p99 ${percentile(offerLatency, 99).toFixed(1)} ms (${offerLatency.length} offers)`,
  );
  console.log(
    `  media clock: ${clockAfter.ticks - clockBefore.ticks} ticks, ${clockAfter.lateTicks - clockBefore.lateTicks} late (> 20 ms)`,
  );
  console.log(`  load average: ${load}`);
} finally {
  for (const c of clients) c.close();
  await run.stop();
  await dbh.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
}
