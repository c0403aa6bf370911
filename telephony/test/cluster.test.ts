/**
 * Several nodes on one PostgreSQL database (docs/scaling.md): three real service processes
 * (`telephony/src/main.ts`) on one schema, behind the round-robin proxy of `npm run start:cluster`.
 * Agents are connected to given nodes; calls come in through another node; one node is killed with
 * SIGKILL while its agents are on a call and ringing: they reconnect through the proxy and resume
 * from their last sequence number, the calls go on, the ring timeout fires on a surviving node.
 * Runs only on PostgreSQL (TEST_DATABASE_URL).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy } from '../src/cluster/proxy.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import {
  AgentClient,
  Sim,
  createTenant,
  eventually,
  presenceOf,
  testDatabase,
  type CallLike,
  type DatabaseHandle,
  type Endpoint,
  type EventFrame,
  type Tenant,
} from './harness.ts';

const url = process.env.TEST_DATABASE_URL;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Node extends Endpoint {
  child: ChildProcess;
  port: number;
  output: string[];
}

function endpoint(port: number): Endpoint {
  return { baseUrl: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}/agent/v1/socket` };
}

/** Sequence numbers received, in order: gapless and duplicate-free means first, first+1, … */
function consecutive(events: EventFrame[]): boolean {
  return events.every((e, i) => i === 0 || e.seq === events[i - 1]!.seq + 1);
}

describe.skipIf(!url)('three nodes on one PostgreSQL database', () => {
  let dbh: DatabaseHandle;
  let tenant: Tenant;
  let dataDir: string;
  const nodes: Node[] = [];
  let proxy: net.Server;
  let front: Endpoint;
  const clients: AgentClient[] = [];

  async function startNode(databaseUrl: string): Promise<Node> {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'telephony/src/main.ts'], {
      env: {
        ...process.env,
        NODE_ENV: 'development',
        DATABASE_URL: databaseUrl,
        PORT: String(port),
        DATA_DIR: dataDir,
        SWITCHBOARD_MASTER_KEY: randomBytes(32).toString('base64'),
        SCHEDULER_POLL_MS: '50',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const node: Node = { child, port, output: [], ...endpoint(port) };
    child.stdout!.on('data', (d: Buffer) => node.output.push(String(d)));
    child.stderr!.on('data', (d: Buffer) => node.output.push(String(d)));
    await eventually(
      async () => (await fetch(`${node.baseUrl}/health`).catch(() => null))?.ok,
      `node on ${port} to start (${node.output.join('')})`,
      30_000,
    );
    return node;
  }

  beforeAll(async () => {
    dbh = testDatabase();
    await migrateToLatest(dbh.db);
    tenant = await createTenant(dbh.db, { agents: 3, settings: { ringTimeoutSeconds: 5 } });
    const schema = (
      await dbh.db.selectNoFrom((eb) => eb.fn<string>('current_schema', []).as('s')).executeTakeFirstOrThrow()
    ).s;
    const databaseUrl = new URL(url!);
    databaseUrl.searchParams.set('options', `-c search_path=${schema}`);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-cluster-'));
    for (let i = 0; i < 3; i++) nodes.push(await startNode(databaseUrl.toString()));
    proxy = await startProxy(nodes.map((n) => ({ host: '127.0.0.1', port: n.port })));
    front = endpoint((proxy.address() as net.AddressInfo).port);
  }, 120_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    proxy?.close();
    for (const n of nodes) n.child.kill('SIGTERM');
    await Promise.all(
      nodes.map((n) =>
        n.child.exitCode === null && n.child.signalCode === null
          ? new Promise((r) => n.child.once('exit', r))
          : null,
      ),
    );
    await dbh?.destroy();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function login(at: Endpoint, username: string): Promise<AgentClient> {
    const c = await AgentClient.login(at, tenant, username);
    clients.push(c);
    return c;
  }

  it('serializes commands, fans events out, and survives a node killed with -9', async () => {
    const [nodeA, nodeB, nodeC] = nodes as [Node, Node, Node];
    // Agents 1 and 3 on node A (to be killed), agent 2 on node B; calls come in through node C.
    const a1 = await login(nodeA, 'agent1');
    const a2 = await login(nodeB, 'agent2');
    const a3 = await login(nodeA, 'agent3');
    const simC = new Sim(nodeC);

    // An event committed on node C reaches agent 1's socket on node A.
    await a1.goAvailable();
    const call1 = await simC.call('+14155550001', tenant.number);
    await a1.waitFor('CALL_STARTED', (e) => e.data.call?.callId === call1);
    const accepted = await a1.request<{ call: CallLike }>('acceptCall', { callId: call1 });
    const caller1 = accepted.call.participants.find((p) => p.role === 'initial_caller')!.id;

    await a2.goAvailable();
    const call2 = await new Sim(nodeA).call('+14155550002', tenant.number);
    await a2.waitFor('CALL_STARTED', (e) => e.data.call?.callId === call2);
    await a2.request('acceptCall', { callId: call2 });

    // Commands of one contact center from three nodes at once: one at a time, nothing lost.
    await Promise.all([
      a1.request('hold', { callId: call1, participantId: caller1 }),
      simC.call('+14155550003', tenant.number),
      new Sim(nodeB).call('+14155550004', tenant.number),
    ]);
    const waiting = await dbh.db
      .selectFrom('participants')
      .select('id')
      .where('state', '=', 'queued')
      .execute();
    expect(waiting).toHaveLength(2);

    // A failure injected through node C applies to agent 2's next request on node B.
    expect(
      (await simC.post(`/agents/${tenant.agents[1]!.id}/fail-next`, { code: 'GENERIC_ERROR' })).status,
    ).toBeLessThan(300);
    // (Node B learns it from node C's notice, milliseconds later: a request before that succeeds.)
    const refused = await eventually(
      () =>
        a2.request('getAgentStatus').then(
          () => false as const,
          (err: { code: string }) => err,
        ),
      'the injected failure on node B',
    );
    expect(refused.code).toBe('GENERIC_ERROR');

    // Agent 3 goes available: a waiting call rings them (the ring timeout is a job row).
    await a3.goAvailable();
    const ring = await a3.waitFor('CALL_STARTED');
    const call3 = ring.data.call!.callId;
    expect(
      await dbh.db.selectFrom('jobs').select('kind').where('kind', '=', 'offer_timeout').execute(),
    ).toHaveLength(1);

    const last1 = a1.events.at(-1)!.seq;
    const last3 = a3.events.at(-1)!.seq;
    nodeA.child.kill('SIGKILL');
    await a1.closed();
    await a3.closed();

    // The connectors reconnect through the load balancer to a live node and resume.
    const b1 = await AgentClient.connect(front, a1.token, last1);
    const b3 = await AgentClient.connect(front, a3.token, last3);
    clients.push(b1, b3);
    expect(b1.welcome).toMatchObject({ resumed: true });
    expect(b3.welcome).toMatchObject({ resumed: true });

    // The ring timeout fires on a surviving node: agent 3 missed the call, which waits again.
    await b3.until(() => b3.events.some((e) => e.event === 'HANGUP'), 20_000, 'the missed call');
    expect(b3.events.find((e) => e.event === 'HANGUP')!.data).toMatchObject({
      agentStatus: 'MissedCallAgent',
    });
    // After a missed call the org's Update Status on Push Time-Out decides, not the service (service-design.md).
    expect(await presenceOf(dbh.db, tenant.agents[2]!.id)).toBe('available');
    expect((await simC.get<{ state: string }>(`/calls/${call3}`)).body.state).toBe('queued');

    // Every call goes on: agent 1 resumes the caller held before the failure, agent 2 still talks.
    await b1.request('resume', { callId: call1, participantId: caller1 });
    await b1.waitFor('HOLD_TOGGLE', (e) => e.data.onHold === false);
    for (const callId of [call1, call2])
      expect((await simC.get<{ state: string }>(`/calls/${callId}`)).body.state).toBe('connected');
    await b1.request('endCall', { callId: call1 });
    await b1.waitFor('HANGUP', (e) => e.data.call?.callId === call1);

    // Each agent saw its stream gapless and without duplicates, across nodes and the reconnect.
    for (const events of [[...a1.events, ...b1.events], [...a3.events, ...b3.events], a2.events])
      expect(consecutive(events)).toBe(true);
    expect(b1.events[0]!.seq).toBe(last1 + 1);
    expect(b3.events[0]!.seq).toBe(last3 + 1);
  }, 120_000);
});
