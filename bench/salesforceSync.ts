/**
 * Salesforce sync benchmark (`npm run bench:salesforce`): the real service (in-process, SQLite, real
 * clock) with the Salesforce sync on, the telephony API emulator on 127.0.0.1, agents on real
 * WebSockets, callers through the simulator API. For each call lifecycle (inbound, consult +
 * conference, voicemail, internal call, queued callback) it runs BENCH_SF_CALLS calls one after the
 * other and prints, per lifecycle: API requests made, JWT signatures made. Then Salesforce goes down
 * for BENCH_SF_OUTAGE_S seconds while BENCH_SF_OUTAGE_CALLS calls of each lifecycle run their whole
 * life, and it prints, per lifecycle, the outbox delay after recovery: from the end of the outage
 * until no request of those calls waits in the outbox.
 * Prints a table, then one JSON line (last). See bench/README.md.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { startTelephonyApiEmulator } from '../emulator/src/telephonyApi/index.ts';
import {
  AgentClient,
  Sim,
  STATUS,
  connectSalesforce,
  createTenant,
  eventually,
  startService,
  testDatabase,
} from '../telephony/test/harness.ts';

const CALLS = Number(process.env.BENCH_SF_CALLS ?? 20);
const OUTAGE_CALLS = Number(process.env.BENCH_SF_OUTAGE_CALLS ?? 5);
const OUTAGE_S = Number(process.env.BENCH_SF_OUTAGE_S ?? 10);
const BACKOFF_MS = 250;
const BACKOFF_CAP_MS = 2000;

const dbh = testDatabase();
const emulator = await startTelephonyApiEmulator();
const run = await startService(dbh.db, {
  startScheduler: true,
  salesforce: {
    masterKey: randomBytes(32),
    outboxPollMs: 100,
    outboxBackoffMs: BACKOFF_MS,
    outboxBackoffCapMs: BACKOFF_CAP_MS,
    createBackoffMs: 50,
    createTimeoutMs: 1000,
    log: () => undefined,
  },
});
const sync = run.service.salesforce!;
const tenant = await createTenant(dbh.db, { agents: 2 });
await connectSalesforce(run, tenant, emulator);
// The org's phone channel for the number (its fallback queue, mapped to ours): what a voicemail's flow
// request by dialed number finds (the service sends no fallbackQueue of its own).
emulator.setFlowRules([{ dialedNumber: tenant.number, route: { type: 'queue', queueId: tenant.queueId } }]);
const sim = new Sim(run);
const [ada, bob] = await Promise.all(tenant.agents.map((a) => AgentClient.login(run, tenant, a.username)));
if (!ada || !bob) throw new Error('no agents');

const record = (key: string) =>
  eventually(
    () => emulator.voiceCalls().find((r) => r.vendorCallKey === key && r.fields.isActiveCall === false),
    `the final update of ${key}`,
    30_000,
  );
const started = (agent: AgentClient, callId: string, from: number) =>
  agent.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callId, from);

/**
 * An inbound call: ring, answer, two utterances, end, recording, wrap-up. Every call an agent answered
 * is recorded (the default), and its recording is published after the end: the final update waits for
 * it (docs/salesforce-sync.md) and carries it.
 */
async function inbound(n: number): Promise<string[]> {
  const from = ada!.events.length;
  const callId = await sim.call(`+1415556${String(n).padStart(4, '0')}`, tenant.number);
  await started(ada!, callId, from);
  await ada!.request('acceptCall', { callId });
  await sim.post(`/calls/${callId}/transcript`, { speaker: 'END_USER', text: 'Hello, my order is late' });
  await sim.post(`/calls/${callId}/transcript`, { speaker: 'HUMAN_AGENT', text: 'Let me look it up' });
  await ada!.request('endCall', { callId });
  await sim.post(`/calls/${callId}/recording`, {
    url: `https://rec.example/${callId}.wav`,
    durationSeconds: 30,
  });
  await ada!.request('wrapUp', { callId });
  return [callId];
}

/** The recording of a call that was recorded, published after its end (as the media plane does). */
const publishRecording = (callId: string) =>
  sim.post(`/calls/${callId}/recording`, { url: `https://rec.example/${callId}.wav`, durationSeconds: 30 });

/** A consult to the queue, answered by the second agent, conference, both hang up. */
async function transfer(n: number): Promise<string[]> {
  await bob!.request('setAgentStatus', { statusId: STATUS.busy });
  const from = ada!.events.length;
  const callId = await sim.call(`+1415557${String(n).padStart(4, '0')}`, tenant.number);
  await started(ada!, callId, from);
  await ada!.request('acceptCall', { callId });
  await bob!.goAvailable();
  const bobFrom = bob!.events.length;
  const { participantId } = await ada!.request<{ participantId: string }>('addParticipant', {
    callId,
    destination: { type: 'queue', queueId: tenant.queueId },
    blind: false,
  });
  await started(bob!, callId, bobFrom);
  await bob!.request('acceptCall', { callId });
  await ada!.request('conference', { callId });
  await sim.post(`/calls/${callId}/transcript`, { speaker: 'END_USER', text: 'Thanks both' });
  await ada!.request('endCall', { callId });
  await bob!.request('endCall', { callId });
  await publishRecording(callId);
  await ada!.request('wrapUp', { callId });
  await bob!.request('wrapUp', { callId });
  await bob!.request('setAgentStatus', { statusId: STATUS.busy });
  return [callId, participantId];
}

/** Nobody staffs the queue: voicemail with its transcript. */
async function voicemail(n: number): Promise<string[]> {
  await ada!.request('setAgentStatus', { statusId: STATUS.offline });
  const callId = await sim.call(`+1415558${String(n).padStart(4, '0')}`, tenant.number);
  await sim.post(`/calls/${callId}/voicemail`, {
    url: `https://rec.example/vm-${callId}.wav`,
    durationSeconds: 12,
    transcript: 'Please call me back',
  });
  await ada!.goAvailable();
  return [callId];
}

/** Agent to agent. */
async function internal(): Promise<string[]> {
  await bob!.goAvailable();
  const from = bob!.events.length;
  const { call } = await ada!.request<{ call: { callId: string } }>('dial', {
    destination: { type: 'agent', userId: tenant.agents[1]!.id },
  });
  await started(bob!, call.callId, from);
  await bob!.request('acceptCall', { callId: call.callId });
  await bob!.request('endCall', { callId: call.callId });
  await publishRecording(call.callId);
  await ada!.request('wrapUp', { callId: call.callId });
  await bob!.request('wrapUp', { callId: call.callId });
  await bob!.request('setAgentStatus', { statusId: STATUS.busy });
  return [call.callId];
}

/** The caller asks for a callback while nobody is available; an agent takes it, the customer answers. */
async function callback(n: number): Promise<string[]> {
  await ada!.request('setAgentStatus', { statusId: STATUS.busy });
  const initial = await sim.call(`+1415559${String(n).padStart(4, '0')}`, tenant.number);
  const cb = await sim.post<{ callId: string }>(`/calls/${initial}/callback`, {});
  const from = ada!.events.length;
  await ada!.goAvailable();
  await ada!.waitFor('QUEUED_CALL_STARTED', (e) => e.data.call?.callId === cb.body.callId, from);
  await ada!.request('acceptCall', { callId: cb.body.callId });
  await sim.post(`/calls/${cb.body.callId}/answer`);
  await ada!.request('endCall', { callId: cb.body.callId });
  await publishRecording(cb.body.callId);
  await ada!.request('wrapUp', { callId: cb.body.callId });
  return [initial, cb.body.callId];
}

await ada.goAvailable();
await bob.request('setAgentStatus', { statusId: STATUS.busy });
const lifecycles: Array<[string, (n: number) => Promise<string[]>]> = [
  ['inbound', inbound],
  ['consult + conference', transfer],
  ['voicemail', voicemail],
  ['internal call', internal],
  ['queued callback', callback],
];
const rows: Array<{
  lifecycle: string;
  requestsPerCall: number;
  signaturesPerCall: number;
  msPerCall: number;
  outboxDelayAfterRecoveryMs?: number | null;
}> = [];
for (const [name, lifecycle] of lifecycles) {
  const requestsBefore = emulator.requests().length;
  const signaturesBefore = sync.tokens.signatures;
  const t0 = performance.now();
  for (let i = 0; i < CALLS; i++) for (const key of await lifecycle(i)) await record(key);
  rows.push({
    lifecycle: name,
    requestsPerCall: (emulator.requests().length - requestsBefore) / CALLS,
    signaturesPerCall: (sync.tokens.signatures - signaturesBefore) / CALLS,
    msPerCall: Math.round((performance.now() - t0) / CALLS),
  });
}
const refused = emulator.requests().filter((r) => r.status >= 300).length;

// The outage: every lifecycle again while Salesforce answers 503; the outbox delivers after recovery.
const requestsBefore = emulator.requests().length;
const recordsBefore = emulator.voiceCalls().length;
emulator.goDown(OUTAGE_S);
const outageEnds = performance.now() + OUTAGE_S * 1000;
const outageKeys = new Map<string, string[]>();
for (const [name, lifecycle] of lifecycles) {
  const keys: string[] = [];
  for (let i = 0; i < OUTAGE_CALLS; i++) keys.push(...(await lifecycle(2000 + i)));
  outageKeys.set(name, keys);
}
const routedDuringOutage = performance.now() < outageEnds;
while (performance.now() < outageEnds) await new Promise((r) => setTimeout(r, 20));
/** Requests still waiting for these conversations (a leg id is no conversation: it counts nothing). */
const waiting = async (keys: string[]) =>
  Number(
    (
      await dbh.db
        .selectFrom('salesforce_outbox')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('conversation_key', 'in', keys)
        .where('state', '=', 'pending')
        .executeTakeFirstOrThrow()
    ).n,
  );
const delays = new Map<string, number>();
while (delays.size < outageKeys.size && performance.now() - outageEnds < 120_000) {
  for (const [name, keys] of outageKeys)
    if (!delays.has(name) && (await waiting(keys)) === 0)
      delays.set(name, Math.round(performance.now() - outageEnds));
  await new Promise((r) => setTimeout(r, 20));
}
const failedRows = await dbh.db
  .selectFrom('salesforce_outbox')
  .select('id')
  .where('state', '=', 'failed')
  .execute();
const outage = {
  callsPerLifecycle: OUTAGE_CALLS,
  outageSeconds: OUTAGE_S,
  allRoutedDuringOutage: routedDuringOutage,
  requestsIncludingRetries: emulator.requests().length - requestsBefore,
  newRecords: emulator.voiceCalls().length - recordsBefore,
  failedRequests: failedRows.length,
  backoffCapMs: BACKOFF_CAP_MS,
  outboxDelayAfterRecoveryMs: Object.fromEntries(delays),
};
for (const r of rows) r.outboxDelayAfterRecoveryMs = delays.get(r.lifecycle) ?? null;
const complete = delays.size === outageKeys.size && failedRows.length === 0;

ada.close();
bob.close();
await run.stop();
await emulator.close();
await dbh.destroy();

console.log(`Salesforce sync, ${CALLS} calls per lifecycle (SQLite, emulator on 127.0.0.1):`);
console.log(
  `lifecycle              API requests/call  JWT signatures/call  ms/call  outbox delay after a ${OUTAGE_S} s outage`,
);
for (const r of rows)
  console.log(
    `${r.lifecycle.padEnd(22)} ${String(r.requestsPerCall).padStart(17)}  ${String(r.signaturesPerCall).padStart(19)}  ${String(r.msPerCall).padStart(7)}  ${String(r.outboxDelayAfterRecoveryMs ?? 'not drained').padStart(8)} ms`,
  );
console.log(`requests refused outside the outage: ${refused}`);
console.log(
  `outage of ${OUTAGE_S} s with ${OUTAGE_CALLS} calls of each lifecycle: all routed during it ${routedDuringOutage}, ` +
    `${outage.requestsIncludingRetries} requests with retries, ${outage.newRecords} new records, ` +
    `${outage.failedRequests} refused for good (backoff cap ${BACKOFF_CAP_MS} ms)`,
);
console.log(JSON.stringify({ lifecycles: rows, refused, outage }));
if (refused > 0 || !complete || !routedDuringOutage) process.exitCode = 1;
