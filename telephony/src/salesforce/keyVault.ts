/**
 * Each contact center's RSA-2048 key pair for the telephony API's JWTs. The private key is stored
 * AES-256-GCM encrypted with the master key (the row's ids as associated data, so a ciphertext
 * cannot be moved to another row); the public key and a self-signed certificate are exportable.
 * Rotation: `rotate` adds a pending pair while the active one keeps signing; `confirm` (once
 * Salesforce holds the new certificate) makes it active and retires the old one.
 */
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  generateKeyPair,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { promisify } from 'node:util';
import type { Db } from '../db/database.ts';
import type { SalesforceKeyStatus, SalesforceKeyTable } from '../db/schema.ts';
import { newId } from '../domain/ids.ts';
import type { Clock } from '../engine/index.ts';
import { selfSignedCertificate } from './x509.ts';

const generateRsa = promisify(generateKeyPair);

export const CERTIFICATE_ORGANIZATION = 'Switchboard';
const CERTIFICATE_DAYS = 730;

export interface ExportedKey {
  keyId: string;
  status: SalesforceKeyStatus;
  publicKeyPem: string;
  certificatePem: string;
  createdAt: number;
  notAfter: number;
}

export class KeyError extends Error {
  override name = 'KeyError';
}

function exported(row: SalesforceKeyTable): ExportedKey {
  return {
    keyId: row.id,
    status: row.status,
    publicKeyPem: row.public_key_pem,
    certificatePem: row.certificate_pem,
    createdAt: row.created_at,
    notAfter: row.not_after,
  };
}

export class KeyVault {
  /** Decrypted signing keys by contact center: decrypted once, never read again per request. */
  private readonly signing = new Map<string, Promise<{ keyId: string; privateKey: KeyObject }>>();
  private readonly changeListeners: Array<(ccId: string) => void> = [];
  private readonly remoteListeners: Array<(ccId: string) => void> = [];

  constructor(
    private readonly db: Db,
    private readonly masterKey: Buffer,
    private readonly clock: Clock,
  ) {
    if (masterKey.length !== 32) throw new Error('the master key must be 32 bytes');
  }

  /**
   * Called when a contact center's signing key changes (the token cache drops its tokens); with
   * `remoteToo: false` only for a change made on this node (the cluster announces those).
   */
  onChange(listener: (ccId: string) => void, options: { remoteToo: boolean } = { remoteToo: true }): void {
    this.changeListeners.push(listener);
    if (options.remoteToo) this.remoteListeners.push(listener);
  }

  private encrypt(ccId: string, keyId: string, pkcs8: Buffer): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.masterKey, iv);
    cipher.setAAD(Buffer.from(`${ccId}/${keyId}`));
    const body = Buffer.concat([cipher.update(pkcs8), cipher.final()]);
    return `v1.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
  }

  private decrypt(row: SalesforceKeyTable): KeyObject {
    const raw = Buffer.from(row.private_key_enc.replace(/^v1\./, ''), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.masterKey, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(`${row.contact_center_id}/${row.id}`));
    decipher.setAuthTag(raw.subarray(12, 28));
    try {
      const pkcs8 = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
      return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
    } catch {
      throw new KeyError(`the private key ${row.id} cannot be decrypted with this master key`);
    }
  }

  private async generate(ccId: string, status: SalesforceKeyStatus): Promise<SalesforceKeyTable> {
    const cc = await this.db
      .selectFrom('contact_centers')
      .select('api_name')
      .where('id', '=', ccId)
      .executeTakeFirst();
    if (!cc) throw new KeyError(`unknown contact center ${ccId}`);
    const { publicKey, privateKey } = await generateRsa('rsa', { modulusLength: 2048 });
    const id = newId('KY');
    const now = this.clock.now();
    const notAfter = now + CERTIFICATE_DAYS * 86_400_000;
    const row: SalesforceKeyTable = {
      id,
      contact_center_id: ccId,
      status,
      public_key_pem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      certificate_pem: selfSignedCertificate({
        publicKey,
        privateKey,
        commonName: cc.api_name,
        organization: CERTIFICATE_ORGANIZATION,
        notBefore: now - 60_000,
        notAfter,
      }),
      private_key_enc: this.encrypt(ccId, id, privateKey.export({ type: 'pkcs8', format: 'der' })),
      created_at: now,
      not_after: notAfter,
      activated_at: status === 'active' ? now : null,
      retired_at: null,
    };
    await this.db.insertInto('salesforce_keys').values(row).execute();
    return row;
  }

  private keysOf(ccId: string, statuses: SalesforceKeyStatus[]) {
    return this.db
      .selectFrom('salesforce_keys')
      .selectAll()
      .where('contact_center_id', '=', ccId)
      .where('status', 'in', statuses)
      .orderBy('created_at')
      .execute();
  }

  /** The contact center's active key, generated on first use. */
  async ensureKey(ccId: string): Promise<ExportedKey> {
    const [active] = await this.keysOf(ccId, ['active']);
    return exported(active ?? (await this.generate(ccId, 'active')));
  }

  /** A new pending key pair; the active one keeps signing until `confirm`. A previous pending one is dropped. */
  async rotate(ccId: string): Promise<ExportedKey> {
    await this.ensureKey(ccId);
    await this.db
      .updateTable('salesforce_keys')
      .set({ status: 'retired', retired_at: this.clock.now() })
      .where('contact_center_id', '=', ccId)
      .where('status', '=', 'pending')
      .execute();
    return exported(await this.generate(ccId, 'pending'));
  }

  /** Salesforce holds the pending key's certificate: it signs from now on and the old key is retired. */
  async confirm(ccId: string, keyId: string): Promise<ExportedKey> {
    const [pending] = (await this.keysOf(ccId, ['pending'])).filter((k) => k.id === keyId);
    if (!pending) throw new KeyError(`no pending key ${keyId} for this contact center`);
    const now = this.clock.now();
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('salesforce_keys')
        .set({ status: 'retired', retired_at: now })
        .where('contact_center_id', '=', ccId)
        .where('status', '=', 'active')
        .execute();
      await trx
        .updateTable('salesforce_keys')
        .set({ status: 'active', activated_at: now })
        .where('id', '=', keyId)
        .execute();
    });
    this.signing.delete(ccId);
    for (const listener of this.changeListeners) listener(ccId);
    return exported({ ...pending, status: 'active', activated_at: now });
  }

  /**
   * Another node changed the contact center's keys (docs/scaling.md): the decrypted signing key is
   * dropped (read again on next use) and the token cache is told, without announcing it again.
   */
  forget(ccId: string): void {
    this.signing.delete(ccId);
    for (const listener of this.remoteListeners) listener(ccId);
  }

  /** The active and pending keys (public parts only), oldest first. */
  async exportKeys(ccId: string): Promise<ExportedKey[]> {
    return (await this.keysOf(ccId, ['active', 'pending'])).map(exported);
  }

  /** The pending key's private key, if a rotation waits for its confirmation (tried after a 401). */
  async pendingKey(ccId: string): Promise<{ keyId: string; privateKey: KeyObject } | null> {
    const [row] = await this.keysOf(ccId, ['pending']);
    return row ? { keyId: row.id, privateKey: this.decrypt(row) } : null;
  }

  /** The private key that signs this contact center's tokens (decrypted once, then from memory). */
  signingKey(ccId: string): Promise<{ keyId: string; privateKey: KeyObject }> {
    let key = this.signing.get(ccId);
    if (!key) {
      key = this.ensureKey(ccId).then(async ({ keyId }) => {
        const row = await this.db
          .selectFrom('salesforce_keys')
          .selectAll()
          .where('id', '=', keyId)
          .executeTakeFirstOrThrow();
        return { keyId, privateKey: this.decrypt(row) };
      });
      key.catch(() => this.signing.delete(ccId));
      this.signing.set(ccId, key);
    }
    return key;
  }
}
