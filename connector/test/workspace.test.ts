/**
 * The workspace bridge in the real bundle (docs/workspace.md): a component's `{ switchboard: 'workspace',
 * id, op, params }` from the Lightning message bridge is asked on the agent's socket and answered as
 * MESSAGE `workspace.reply` with the same id; wallboard pushes come out as MESSAGE `workspace.event`.
 */
import { describe, expect, it } from 'vitest';
import { useConnector } from './context.ts';
import type { Host } from './host.ts';

const ctx = useConnector({ agents: 2 });

type Reply = { switchboard: string; id: string; ok: boolean; data?: any; error?: { code: string } }; // eslint-disable-line @typescript-eslint/no-explicit-any

async function ask(host: Host, id: string, op: string, params: unknown = {}): Promise<Reply> {
  const answer = await host.request(
    'MESSAGE',
    { message: { switchboard: 'workspace', id, op, params } },
    'MESSAGE',
    (p: Reply) => p.switchboard === 'workspace.reply' && p.id === id,
  );
  return answer.payload as Reply;
}

describe('workspace requests through the connector', () => {
  it("are answered with the agent's own data, under the request's id, and not relayed as messages", async () => {
    const host = await ctx.agent(0);
    const stats = await ask(host, 'w-1', 'stats.get', { period: 'today' });
    expect(stats).toMatchObject({ switchboard: 'workspace.reply', id: 'w-1', ok: true });
    expect(stats.data).toMatchObject({ period: 'today', handled: 0, missed: 0 });
    expect(stats.data.series).toHaveLength(24);

    const refused = await ask(host, 'w-2', 'wallboard.snapshot');
    expect(refused).toMatchObject({ id: 'w-2', ok: false, error: { code: 'FORBIDDEN' } });
    const bad = await ask(host, 'w-3', 'stats.get', { period: 'year' });
    expect(bad).toMatchObject({ id: 'w-3', ok: false, error: { code: 'INVALID_PARAMS' } });

    const me = ctx.tenant.agents[0]!.id;
    expect((await ctx.sim.get<{ messages: unknown[] }>(`/agents/${me}/messages`)).body.messages).toEqual([]);
  });

  it('are answered GENERIC_ERROR while the service cannot be reached', async () => {
    const host = await ctx.agent(0);
    await ctx.stop();
    const down = await ask(host, 'd-1', 'skills.list');
    expect(down).toMatchObject({ id: 'd-1', ok: false, error: { code: 'GENERIC_ERROR' } });
  });

  it('a call back from the history starts an outbound call the softphone reports (CALL_STARTED)', async () => {
    const host = await ctx.agent(0);
    await ctx.available(host);
    const callId = await ctx.sim.call('+14155550199', ctx.tenant.number);
    const started = await host.waitFor('CALL_STARTED', (p) => p.callId === callId);
    await host.request('ACCEPT_CALL', { call: started.payload }, 'CALL_CONNECTED');
    const ended = host.mark();
    await ctx.sim.post(`/calls/${callId}/hangup`);
    await host.waitFor('HANGUP', undefined, ended);

    const history = await ask(host, 'h-1', 'history.list');
    expect(history.data.items.map((i: { callId: string }) => i.callId)).toEqual([callId]);
    const from = host.mark();
    const back = await ask(host, 'h-2', 'history.callBack', { callId });
    expect(back.ok).toBe(true);
    const dialing = await host.waitFor('CALL_STARTED', (p) => p.callId === back.data.call.callId, from);
    expect(dialing.payload).toMatchObject({ phoneNumber: '+14155550199', callType: 'Outbound' });
  });

  it('listen-in from the Wallboard: Omni-Channel gets SUPERVISOR_CALL_CONNECTED', async () => {
    const host = await ctx.agent(0);
    await ctx.available(host);
    const callId = await ctx.sim.call('+14155550177', ctx.tenant.number);
    const started = await host.waitFor('CALL_STARTED', (p) => p.callId === callId);
    await host.request('ACCEPT_CALL', { call: started.payload }, 'CALL_CONNECTED');
    const boss = await ctx.agent('supervisor');
    const from = boss.mark();
    expect((await ask(boss, 'l-1', 'wallboard.listenIn', { callId })).ok).toBe(true);
    const supervising = await boss.waitFor('SUPERVISOR_CALL_CONNECTED', () => true, from);
    expect(supervising.payload).toMatchObject({ callId });
  });

  it("a subscribed supervisor's connector publishes the wallboard's pushes", async () => {
    const boss = await ctx.agent('supervisor');
    expect((await ask(boss, 's-1', 'wallboard.subscribe')).data).toEqual({ subscribed: true });
    const from = boss.mark();
    const host = await ctx.agent(1);
    await ctx.available(host);
    const me = ctx.tenant.agents[1]!.id;
    const push = await boss.waitFor(
      'MESSAGE',
      (p: { switchboard?: string; data?: { agents: Array<{ userId: string; state: string }> } }) =>
        p.switchboard === 'workspace.event' &&
        !!p.data?.agents.some((a) => a.userId === me && a.state === 'available'),
      from,
    );
    expect(push.payload).toMatchObject({ topic: 'wallboard' });
  });
});
