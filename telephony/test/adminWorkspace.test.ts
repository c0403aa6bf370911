/**
 * The workspace's reads in the admin API (docs/admin-api.md, "Workspace"): a user's history and stats,
 * the contact center's wallboard — for the account's own contact centers only; bad query values are
 * 400 INVALID_PARAMS.
 */
import { describe, expect, it } from 'vitest';
import type { AgentStats, HistoryItem, Wallboard } from '../src/contracts/workspace.ts';
import { useAdmin, type ErrorAnswer } from './adminContext.ts';
import { salesforceUserId } from './harness.ts';

const ctx = useAdmin();
const cc = () => `/contact-centers/${ctx.tenant.ccId}`;

async function linkAgents(): Promise<void> {
  for (const [i, a] of ctx.tenant.agents.entries())
    await ctx.dbh.db
      .updateTable('users')
      .set({ salesforce_user_id: salesforceUserId(i + 1) })
      .where('id', '=', a.id)
      .execute();
}

describe('workspace reads', () => {
  it("answer one user's history and stats, and the wallboard, for the account's contact center", async () => {
    await linkAgents();
    const agent = await ctx.login(ctx.tenant, ctx.tenant.agents[0]!.username);
    await agent.request('setAgentStatus', { statusId: '0N5xx0000004CSO' });
    const callId = await ctx.sim.call('+14155550123', ctx.tenant.number);
    await agent.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callId);
    await agent.request('acceptCall', { callId });

    const mine = await ctx.api.get<{ items: HistoryItem[] }>(
      `${cc()}/users/${salesforceUserId(1)}/history?limit=10`,
    );
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((i) => i.callId)).toEqual([callId]);
    const theirs = await ctx.api.get<{ items: HistoryItem[] }>(
      `${cc()}/users/${salesforceUserId(2)}/history`,
    );
    expect(theirs.body.items).toEqual([]);
    const stats = await ctx.api.get<AgentStats>(`${cc()}/users/${salesforceUserId(1)}/stats?period=today`);
    expect(stats.body).toMatchObject({ period: 'today', handled: 1 });
    const board = await ctx.api.get<Wallboard>(`${cc()}/wallboard`);
    expect(board.body.calls.map((c) => c.callId)).toEqual([callId]);

    const foreign = await ctx.otherApi.get<ErrorAnswer>(`${cc()}/wallboard`);
    expect(foreign.status).toBe(404);
    const foreignUser = await ctx.otherApi.get<ErrorAnswer>(`${cc()}/users/${salesforceUserId(1)}/history`);
    expect(foreignUser.status).toBe(404);
  });

  it('refuse bad query values with 400 INVALID_PARAMS', async () => {
    await linkAgents();
    for (const q of [
      'history?limit=abc',
      'history?limit=0',
      'history?direction=sideways',
      'stats?period=month',
      'stats',
    ]) {
      const res = await ctx.api.get<ErrorAnswer>(`${cc()}/users/${salesforceUserId(1)}/${q}`);
      expect(res.status, q).toBe(400);
      expect(res.body.error.code).toBe('INVALID_PARAMS');
    }
    expect(
      (await ctx.api.get<ErrorAnswer>(`${cc()}/users/${salesforceUserId(9)}/stats?period=today`)).status,
    ).toBe(404);
  });
});
