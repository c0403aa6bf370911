/**
 * SIP desk phones in the database (docs/sip.md, "Desk phones"): per-agent credentials (issued by the
 * admin API, only their HA1 kept) and the registered contact of each agent's phone, with its expiry,
 * shared by every node.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../db/database.ts';
import type { ContactCenterTable, SipPhoneBindingTable } from '../db/schema.ts';
import type { SipCredentials } from '../contracts/sipApi.ts';
import { memberOf } from '../admin/users.ts';
import { ha1 } from './digest.ts';

/**
 * Issues (or replaces) the SIP credentials of an agent: a new user name and password, shown once.
 * The phone's binding of the old credentials is dropped (the phone must register again).
 */
export async function issueCredentials(
  db: Db,
  cc: ContactCenterTable,
  salesforceUserId: string,
  registrar: string | null,
  now: number,
): Promise<SipCredentials> {
  const user = await memberOf(db, cc.id, salesforceUserId);
  const username = `sw${randomBytes(8).toString('hex')}`;
  const password = randomBytes(18).toString('base64url');
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('sip_phone_bindings').where('user_id', '=', user.id).execute();
    await trx.deleteFrom('sip_phone_credentials').where('user_id', '=', user.id).execute();
    await trx
      .insertInto('sip_phone_credentials')
      .values({
        user_id: user.id,
        contact_center_id: cc.id,
        username,
        ha1: ha1(username, password),
        created_at: now,
      })
      .execute();
  });
  return { username, password, registrar, createdAt: now };
}

export interface PhoneAccount {
  userId: string;
  contactCenterId: string;
  username: string;
  ha1: string;
}

/** The agent a REGISTER's digest user name belongs to; null when no agent has it (or was removed). */
export async function phoneAccount(db: Db, username: string): Promise<PhoneAccount | null> {
  const row = await db
    .selectFrom('sip_phone_credentials as c')
    .innerJoin('users as u', 'u.id', 'c.user_id')
    .select(['c.user_id', 'c.contact_center_id', 'c.username', 'c.ha1'])
    .where('c.username', '=', username)
    .where('u.removed_at', 'is', null)
    .executeTakeFirst();
  return row
    ? { userId: row.user_id, contactCenterId: row.contact_center_id, username: row.username, ha1: row.ha1 }
    : null;
}

/** Records where the agent's phone is (the latest REGISTER wins), or drops it (`expiresAt` ≤ now). */
export async function bind(
  db: Db,
  userId: string,
  binding: { contactUri: string; address: string; port: number; expiresAt: number },
  now: number,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('sip_phone_bindings').where('user_id', '=', userId).execute();
    if (binding.expiresAt <= now) return;
    await trx
      .insertInto('sip_phone_bindings')
      .values({
        user_id: userId,
        contact_uri: binding.contactUri,
        source_address: binding.address,
        source_port: binding.port,
        expires_at: binding.expiresAt,
        updated_at: now,
      })
      .execute();
  });
}

/** The agent's registered phone, if its registration has not expired. */
export async function bindingOf(db: Db, userId: string, now: number): Promise<SipPhoneBindingTable | null> {
  const row = await db
    .selectFrom('sip_phone_bindings')
    .selectAll()
    .where('user_id', '=', userId)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row ? { ...row, source_port: Number(row.source_port), expires_at: Number(row.expires_at) } : null;
}
