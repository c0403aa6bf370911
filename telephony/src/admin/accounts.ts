/**
 * Accounts (an account is an org) and their OAuth clients, as the operator manages them (the CLI,
 * the demo tenant). A client secret is shown once, when issued, and stored as its SHA-256.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../db/database.ts';
import type { AdminClientTable } from '../db/schema.ts';
import { tokenHash } from '../engine/sessions.ts';

export const CLIENT_ID_PREFIX = 'sbc_';

export interface IssuedClient {
  clientId: string;
  /** Shown once; only its hash is stored. */
  clientSecret: string;
  orgId: string;
  label: string;
}

/** Issues a new client id and secret for the account of `orgId` (which must exist). */
export async function issueClient(
  db: Db,
  orgId: string,
  label: string,
  now: number = Date.now(),
): Promise<IssuedClient> {
  const org = await db.selectFrom('orgs').select('id').where('id', '=', orgId).executeTakeFirst();
  if (!org) throw new Error(`no account (org) ${orgId}`);
  const clientId = CLIENT_ID_PREFIX + randomBytes(16).toString('base64url');
  const clientSecret = randomBytes(32).toString('base64url');
  await db
    .insertInto('admin_clients')
    .values({
      id: clientId,
      org_id: orgId,
      label,
      secret_hash: tokenHash(clientSecret),
      created_at: now,
      revoked_at: null,
    })
    .execute();
  return { clientId, clientSecret, orgId, label };
}

/** Revokes a client and ends its access tokens; false when there is no such live client. */
export async function revokeClient(db: Db, clientId: string, now: number = Date.now()): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('admin_clients')
      .set({ revoked_at: now })
      .where('id', '=', clientId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    await trx.deleteFrom('admin_tokens').where('client_id', '=', clientId).execute();
    return Number(result.numUpdatedRows) > 0;
  });
}

export async function listClients(
  db: Db,
  orgId: string,
): Promise<Array<Pick<AdminClientTable, 'id' | 'label' | 'created_at' | 'revoked_at'>>> {
  return db
    .selectFrom('admin_clients')
    .select(['id', 'label', 'created_at', 'revoked_at'])
    .where('org_id', '=', orgId)
    .orderBy('created_at')
    .execute();
}

/** The live client whose secret this is, or null (same work whether the client exists or not). */
export async function verifyClient(
  db: Db,
  clientId: string,
  clientSecret: string,
): Promise<AdminClientTable | null> {
  const row = await db.selectFrom('admin_clients').selectAll().where('id', '=', clientId).executeTakeFirst();
  const given = Buffer.from(tokenHash(clientSecret), 'hex');
  const expected = Buffer.from(row?.secret_hash ?? tokenHash(''), 'hex');
  const match = given.length === expected.length && timingSafeEqual(given, expected);
  return row && match && row.revoked_at === null ? row : null;
}
