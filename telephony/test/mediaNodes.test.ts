/**
 * Several Janus media nodes behind one service: each contact center's media is placed on the node
 * with the least load; a node that dies (its process killed) drops the parties it carried from their
 * calls (the call engine is told: the caller hangs up), while the calls on the other node go on; the
 * next station and call of the first contact center land on the live node.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JanusPool } from '../src/media/janus/janusPool.ts';
import { startLocalJanus, type LocalJanus } from '../src/media/janus/janusProcess.ts';
import {
  AgentClient,
  Sim,
  createTenant,
  eventually,
  startService,
  testDatabase,
  type DatabaseHandle,
  type Running,
  type Tenant,
} from './harness.ts';
import { RtpPhone } from './rtpPhone.ts';
import { until } from './mediaContext.ts';

const CALLER = 600;
const AGENT = 1000;

describe('media nodes: placement by load, a node that dies', () => {
  let nodes: LocalJanus[] = [];
  let dbh: DatabaseHandle;
  let run: Running;
  let sim: Sim;
  let dataDir: string;
  const phones: RtpPhone[] = [];
  const clients: AgentClient[] = [];

  beforeAll(async () => {
    nodes = await Promise.all([startLocalJanus(), startLocalJanus()]);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-media-'));
    dbh = testDatabase();
    run = await startService(dbh.db, {
      media: { dataDir, sweepMs: 0, janusNodes: nodes.map((n) => n.node) },
    });
    sim = new Sim(run);
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    for (const p of phones) await p.close().catch(() => undefined);
    try {
      await run?.stop();
    } finally {
      await dbh?.destroy();
      await Promise.all(nodes.map((n) => n.stop()));
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  async function station(client: AgentClient, hz: number): Promise<RtpPhone> {
    const { phone, offer, answer } = await RtpPhone.webrtc(hz);
    phones.push(phone);
    const res = await fetch(`${run.baseUrl}/media/v1/station`, {
      method: 'POST',
      headers: { authorization: `Bearer ${client.token}`, 'content-type': 'application/sdp' },
      body: offer,
    });
    expect(res.status).toBe(201);
    await answer(await res.text());
    return phone;
  }

  /** An agent of `tenant` with a station, and a connected call with an RTP caller. */
  async function call(tenant: Tenant, agent: number) {
    const client = await AgentClient.login(run, tenant, tenant.agents[agent]!.username);
    clients.push(client);
    const agentPhone = await station(client, AGENT);
    await client.goAvailable();
    const callId = await sim.call('+14155550123', tenant.number);
    const detail = await sim.get<{ participants: Array<{ id: string; role: string }> }>(`/calls/${callId}`);
    const callerId = detail.body.participants.find((p) => p.role === 'initial_caller')!.id;
    const caller = await RtpPhone.open(CALLER);
    phones.push(caller);
    const res = await sim.post<{ rtp: { address: string; port: number } }>(
      `/calls/${callId}/participants/${callerId}/media`,
      { rtp: caller.address },
    );
    expect(res.status).toBe(201);
    caller.start(res.body.rtp);
    await client.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callId);
    await client.request('acceptCall', { callId });
    await until(
      () => caller.hears(AGENT, 0.8) && agentPhone.hears(CALLER, 0.8),
      'caller and agent to hear each other',
    );
    return { client, callId, caller, agentPhone };
  }

  it('each contact center on the least-loaded node; killing one ends its calls, the other goes on', async () => {
    const pool = run.service.media!.engine as JanusPool;
    const first = await createTenant(dbh.db, { agents: 2 });
    const second = await createTenant(dbh.db, { agents: 1 });

    const a = await call(first, 0);
    expect(pool.nodes.map((n) => n.load > 0)).toEqual([true, false]);
    const b = await call(second, 0);
    expect(pool.nodes.map((n) => n.load > 0)).toEqual([true, true]);

    nodes[0]!.kill();
    // The call engine is told: the first contact center's caller is dropped (as a hang-up) and its
    // call ends; the agent is told the call ended.
    const ended = await eventually(async () => {
      const d = await sim.get<{ state: string; endReason: string | null }>(`/calls/${a.callId}`);
      return d.body.state === 'ended' ? d.body : undefined;
    }, 'the call on the dead node to end');
    expect(ended.endReason).toBe('caller_hangup');
    await a.client.waitFor('HANGUP', (e) => e.data.call?.callId === a.callId);
    // The second contact center's call goes on, with audio both ways.
    expect((await sim.get<{ state: string }>(`/calls/${b.callId}`)).body.state).toBe('connected');
    await new Promise((r) => setTimeout(r, 500));
    expect(b.caller.hears(AGENT, 0.8) && b.agentPhone.hears(CALLER, 0.8)).toBe(true);
    expect(pool.nodes[0]!.load).toBe(0);

    // The first contact center's next station and call land on the live node.
    const again = await call(first, 1);
    expect((await sim.get<{ state: string }>(`/calls/${again.callId}`)).body.state).toBe('connected');
    expect(pool.nodes[0]!.load).toBe(0);
  }, 90_000);
});
