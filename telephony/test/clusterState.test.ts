/**
 * What was per node and is now in the database (docs/scaling.md), with two services on one database:
 * the agents' Lightning message inbox (what an agent sends over its socket on one node is what the
 * simulator reads on another, the last 50 per agent, kept across a restart) and the admin API's
 * per-account rate (one bucket for both nodes). The sign-in throttles: loginDevices.test.ts. SQLite,
 * or PostgreSQL with TEST_DATABASE_URL.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { issueClient } from '../src/admin/accounts.ts';
import { DEFAULT_RATE_LIMIT } from '../src/admin/rateLimit.ts';
import { INBOX_PER_AGENT } from '../src/engine/agentMessages.ts';
import { AdminApi, tokenOf } from './adminContext.ts';
import {
  AgentClient,
  ManualClock,
  Sim,
  createTenant,
  startService,
  testDatabase,
  type DatabaseHandle,
  type Running,
  type Tenant,
} from './harness.ts';

let dbh: DatabaseHandle;
let nodes: Running[];
let tenant: Tenant;
const clients: AgentClient[] = [];

beforeEach(async () => {
  dbh = testDatabase();
  const clock = new ManualClock();
  nodes = [await startService(dbh.db, { clock }), await startService(dbh.reopen(), { clock })];
  tenant = await createTenant(dbh.db, { agents: 2 });
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const n of nodes) await n.stop();
  await nodes[1]!.service.engine.db.destroy();
  await dbh.destroy();
});

type Inbox = { messages: Array<{ message: unknown; at: number }> };

describe('the message inbox on two nodes', () => {
  it('what an agent sends on node A is read on node B, the last 50, and kept across a restart', async () => {
    const [a, b] = nodes as [Running, Running];
    const agent = await AgentClient.login(a, tenant, 'agent1');
    clients.push(agent);
    const userId = agent.welcome!.user.id;
    for (let i = 1; i <= INBOX_PER_AGENT + 2; i++)
      expect(await agent.request('sendMessage', { message: { n: i, text: 'nul \u0000 inside' } })).toEqual({
        ok: true,
      });
    const read = await new Sim(b).get<Inbox>(`/agents/${userId}/messages`);
    expect(read.status).toBe(200);
    expect(read.body.messages.map((m) => (m.message as { n: number }).n)).toEqual(
      Array.from({ length: INBOX_PER_AGENT }, (_, i) => i + 3),
    );
    expect(read.body.messages[0]!.message).toEqual({ n: 3, text: 'nul \u0000 inside' });
    // Another agent's inbox is their own.
    expect((await new Sim(a).get<Inbox>(`/agents/${tenant.agents[1]!.id}/messages`)).body.messages).toEqual(
      [],
    );

    await b.stop();
    nodes[1] = await startService(b.service.engine.db);
    const again = await new Sim(nodes[1]).get<Inbox>(`/agents/${userId}/messages`);
    expect(again.body.messages).toEqual(read.body.messages);
  });
});

describe('the admin API rate on two nodes', () => {
  it("one account's requests through either node take from one bucket", async () => {
    const [a, b] = nodes as [Running, Running];
    const client = await issueClient(dbh.db, tenant.orgId, 'test');
    const token = await tokenOf(a, client);
    const apis = [new AdminApi(a, token), new AdminApi(b, token)];
    const path = `/contact-centers/${tenant.ccId}/queues`;
    for (let i = 0; i < DEFAULT_RATE_LIMIT.burst; i++)
      expect((await apis[i % 2]!.get(path)).status).toBe(200);
    for (const api of apis) {
      const limited = await api.get<{ error: { code: string } }>(path);
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe('RATE_LIMITED');
    }
  });
});
