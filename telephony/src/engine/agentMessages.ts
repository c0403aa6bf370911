/**
 * The Lightning Message Service relay (developer guide, "Use the Lightning Message Service Bridge"):
 * messages an agent's LMS bridge hands to the connector reach the service's inbox; messages for an
 * agent become a MESSAGE event on their stream, which the connector publishes back to the bridge.
 */
import type { Db } from '../db/database.ts';
import type { Tx } from './engine.ts';
import { loadUser } from './presence.ts';

export interface AgentMessage {
  message: unknown;
  at: number;
}

/** How many messages the inbox keeps per agent (the oldest go first). */
export const INBOX_PER_AGENT = 50;

/**
 * Keeps what an agent sent, in the inbox (`agent_messages`): an observation point for the simulator
 * (and a vendor integration later). In the database, so every node of a cluster reads the same
 * inbox (docs/scaling.md) and a restart keeps it.
 */
export async function recordAgentMessage(tx: Tx, userId: string, message: unknown): Promise<void> {
  const last = await tx.db
    .selectFrom('agent_messages')
    .select('seq')
    .where('user_id', '=', userId)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const seq = (last?.seq ?? 0) + 1;
  await tx.db
    .insertInto('agent_messages')
    .values({ user_id: userId, seq, message_json: JSON.stringify(message), at: tx.now })
    .execute();
  await tx.db
    .deleteFrom('agent_messages')
    .where('user_id', '=', userId)
    .where('seq', '<=', seq - INBOX_PER_AGENT)
    .execute();
}

/** What the agent sent, newest last. */
export async function agentMessagesOf(db: Db, userId: string): Promise<AgentMessage[]> {
  const rows = await db
    .selectFrom('agent_messages')
    .select(['message_json', 'at'])
    .where('user_id', '=', userId)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({ message: JSON.parse(r.message_json) as unknown, at: r.at }));
}

/** A message for the agent's Lightning components: a MESSAGE event on their stream. */
export async function sendMessageToAgent(tx: Tx, userId: string, message: unknown): Promise<void> {
  await loadUser(tx, userId);
  await tx.emit(userId, 'MESSAGE', { message });
}
