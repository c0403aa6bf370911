import type { Kysely } from 'kysely';

/*
 * Several nodes on one PostgreSQL (docs/scaling.md): an outbox row a node is sending is claimed by
 * that node until `claimed_until` (service clock, ms); a node that dies leaves a claim that expires,
 * and another node's worker takes the row over.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('salesforce_outbox').addColumn('claimed_by', 'text').execute();
  await db.schema.alterTable('salesforce_outbox').addColumn('claimed_until', 'bigint').execute();
}
