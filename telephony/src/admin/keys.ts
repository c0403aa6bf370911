/**
 * A contact center's key pairs through the Salesforce sync's key vault: list, rotate (a pending pair;
 * the active one keeps signing), activate (Salesforce holds the pending certificate now).
 */
import type { Db } from '../db/database.ts';
import type { ContactCenterTable, SalesforceKeyTable } from '../db/schema.ts';
import type { SalesforceSync } from '../salesforce/index.ts';
import { KeyError } from '../salesforce/keyVault.ts';
import { AdminError, conflict, notFound } from './errors.ts';
import type { PartnerKey } from '../contracts/adminApi.ts';

function vaultOf(salesforce: SalesforceSync | null) {
  if (!salesforce)
    throw new AdminError(503, 'UNAVAILABLE', 'the service runs without the Salesforce sync (no master key)');
  return salesforce.vault;
}

const iso = (ms: number) => new Date(ms).toISOString();

function partnerKey(row: SalesforceKeyTable): PartnerKey {
  return {
    id: row.id,
    status: row.status,
    publicKeyPem: row.public_key_pem,
    certificatePem: row.certificate_pem,
    createdAt: iso(row.created_at),
    expiresAt: iso(row.not_after),
    activatedAt: row.activated_at === null ? null : iso(row.activated_at),
  };
}

function keyRow(db: Db, ccId: string, keyId: string) {
  return db
    .selectFrom('salesforce_keys')
    .selectAll()
    .where('id', '=', keyId)
    .where('contact_center_id', '=', ccId)
    .executeTakeFirst();
}

/** The active and pending keys, oldest first. */
export async function listKeys(
  db: Db,
  salesforce: SalesforceSync | null,
  cc: ContactCenterTable,
): Promise<PartnerKey[]> {
  const exported = await vaultOf(salesforce).exportKeys(cc.id);
  const keys: PartnerKey[] = [];
  for (const k of exported) {
    const row = await keyRow(db, cc.id, k.keyId);
    if (row) keys.push(partnerKey(row));
  }
  return keys;
}

/** A new pending pair (a previous pending one is retired). */
export async function rotateKey(
  db: Db,
  salesforce: SalesforceSync | null,
  cc: ContactCenterTable,
): Promise<PartnerKey> {
  const pending = await vaultOf(salesforce).rotate(cc.id);
  return partnerKey((await keyRow(db, cc.id, pending.keyId))!);
}

/** The pending key signs from now on; the old active one is retired. */
export async function activateKey(
  db: Db,
  salesforce: SalesforceSync | null,
  cc: ContactCenterTable,
  keyId: string,
): Promise<PartnerKey> {
  const vault = vaultOf(salesforce);
  const row = await keyRow(db, cc.id, keyId);
  if (!row) throw notFound(`no key ${keyId}`, { keyId });
  if (row.status !== 'pending')
    throw conflict(`key ${keyId} is ${row.status}, not the pending key`, { keyId });
  try {
    await vault.confirm(cc.id, keyId);
  } catch (err) {
    // Superseded by a rotation that ran meanwhile.
    if (err instanceof KeyError) throw conflict(err.message, { keyId });
    throw err;
  }
  return partnerKey((await keyRow(db, cc.id, keyId))!);
}
