/**
 * The Lightning Message Service relay (developer guide, "Use the Lightning Message Service Bridge"):
 * messages an agent's LMS bridge hands to the connector reach the service's inbox; messages for an
 * agent become a MESSAGE event on their stream, which the connector publishes back to the bridge.
 */
import type { Tx } from './engine.ts';
import { loadUser } from './presence.ts';

export interface AgentMessage {
  message: unknown;
  at: number;
}

/** How many messages the inbox keeps per agent, and for how many agents (the oldest go first). */
export const INBOX_PER_AGENT = 50;
export const INBOX_AGENTS = 10_000;

/**
 * What agents sent, newest last. It is an observation point for the simulator (and a vendor
 * integration later), kept in memory: a restart empties it, and nothing else depends on it.
 */
export class AgentMessageInbox {
  private readonly byUser = new Map<string, AgentMessage[]>();

  record(userId: string, message: unknown, at: number): void {
    const list = this.byUser.get(userId) ?? [];
    this.byUser.delete(userId);
    this.byUser.set(userId, [...list, { message, at }].slice(-INBOX_PER_AGENT));
    if (this.byUser.size > INBOX_AGENTS) this.byUser.delete(this.byUser.keys().next().value as string);
  }

  list(userId: string): AgentMessage[] {
    return this.byUser.get(userId) ?? [];
  }
}

/** A message for the agent's Lightning components: a MESSAGE event on their stream. */
export async function sendMessageToAgent(tx: Tx, userId: string, message: unknown): Promise<void> {
  await loadUser(tx, userId);
  await tx.emit(userId, 'MESSAGE', { message });
}
