/**
 * The workspace's reads for the vendor's own tools (docs/admin-api.md, "Workspace"): a user's history
 * and stats, a contact center's wallboard — the same answers the components get (docs/workspace.md),
 * for the account's contact centers, through the account's token.
 */
import type { AgentStats, HistoryItem, Wallboard } from '../contracts/workspace.ts';
import type { ContactCenterTable } from '../db/schema.ts';
import { agentStats } from '../engine/agentStats.ts';
import type { Engine } from '../engine/engine.ts';
import { history } from '../engine/history.ts';
import { wallboard } from '../engine/wallboard.ts';
import { checkParams, readIn } from '../api/workspace.ts';
import { memberOf } from './users.ts';

/** Query strings carry text: the numeric parameters are read as integers when they are digits. */
function withNumbers(query: Record<string, string>, names: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...query };
  for (const name of names) {
    const value = query[name];
    if (value !== undefined && /^\d{1,16}$/.test(value)) out[name] = Number(value);
  }
  return out;
}

export async function userHistory(
  engine: Engine,
  cc: ContactCenterTable,
  salesforceUserId: string,
  query: Record<string, string>,
): Promise<{ items: HistoryItem[]; nextCursor: string | null }> {
  const params = checkParams('history.list', withNumbers(query, ['from', 'to', 'limit']));
  const user = await memberOf(engine.db, cc.id, salesforceUserId);
  return readIn(engine, cc.id, (tx) => history(tx, user.id, params));
}

export async function userStats(
  engine: Engine,
  cc: ContactCenterTable,
  salesforceUserId: string,
  query: Record<string, string>,
): Promise<AgentStats> {
  const params = checkParams('stats.get', query);
  const user = await memberOf(engine.db, cc.id, salesforceUserId);
  return readIn(engine, cc.id, (tx) => agentStats(tx, user.id, params.period));
}

export function contactCenterWallboard(engine: Engine, cc: ContactCenterTable): Promise<Wallboard> {
  return readIn(engine, cc.id, (tx) => wallboard(tx));
}
