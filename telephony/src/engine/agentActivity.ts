/**
 * What the workspace's stats need beyond the call rows (docs/workspace.md): each agent's presence over
 * time (wrap-up time, occupancy) and the offers that rang an agent and were withdrawn unanswered.
 * Recorded by a transactional subscriber of the domain events, so each row commits with its change.
 */
import type { DomainEvent } from './domainEvents.ts';
import type { Tx } from './engine.ts';

export async function recordAgentActivity(tx: Tx, event: DomainEvent): Promise<void> {
  if (event.type === 'AgentPresenceChanged') {
    await tx.db
      .updateTable('agent_state_log')
      .set({ until: tx.now })
      .where('user_id', '=', event.userId)
      .where('until', 'is', null)
      .execute();
    await tx.db
      .insertInto('agent_state_log')
      .values({ user_id: event.userId, state: event.state, since: tx.now, until: null })
      .execute();
  } else if (event.type === 'OfferWithdrawn') {
    await tx.db
      .insertInto('agent_missed_offers')
      .values({ user_id: event.userId, call_id: event.callId, at: tx.now })
      .execute();
  }
}
