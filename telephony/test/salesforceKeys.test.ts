import { X509Certificate, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeJwt, decodeProtectedHeader, importSPKI, jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../src/db/migrate.ts';
import { KeyError, KeyVault } from '../src/salesforce/keyVault.ts';
import { loadMasterKey, parseMasterKey } from '../src/salesforce/masterKey.ts';
import { TOKEN_AUDIENCE, TokenIssuer } from '../src/salesforce/tokens.ts';
import { selfSignedCertificate } from '../src/salesforce/x509.ts';
import { ManualClock, createTenant, testDatabase, type DatabaseHandle, type Tenant } from './harness.ts';

describe('the self-signed certificate (minimal DER encoder)', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

  it('parses as X.509 v3, is signed by its own key, and carries the subject and validity asked for', () => {
    const notBefore = Date.UTC(2026, 10, 21, 9, 0, 0);
    const notAfter = Date.UTC(2028, 10, 20, 9, 0, 0);
    const pem = selfSignedCertificate({
      publicKey,
      privateKey,
      commonName: 'SwitchboardDemo',
      organization: 'Switchboard',
      notBefore,
      notAfter,
    });
    const cert = new X509Certificate(pem);
    expect(cert.verify(publicKey)).toBe(true);
    expect(cert.publicKey.export({ type: 'spki', format: 'pem' })).toBe(
      publicKey.export({ type: 'spki', format: 'pem' }),
    );
    expect(cert.subject).toBe('O=Switchboard\nCN=SwitchboardDemo');
    expect(cert.issuer).toBe(cert.subject);
    expect(Date.parse(cert.validFrom)).toBe(notBefore);
    expect(Date.parse(cert.validTo)).toBe(notAfter);
    expect(cert.ca).toBe(false);
    expect(cert.checkIssued(cert)).toBe(true);
  });

  it('another key does not verify it; dates after 2049 use GeneralizedTime', () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = selfSignedCertificate({
      publicKey,
      privateKey,
      commonName: 'Ünïcode CC',
      organization: 'S',
      notBefore: Date.UTC(2049, 5, 1),
      notAfter: Date.UTC(2051, 0, 2, 3, 4, 5),
    });
    const cert = new X509Certificate(pem);
    expect(cert.verify(other.publicKey)).toBe(false);
    expect(cert.subject).toContain('CN=Ünïcode CC');
    expect(Date.parse(cert.validTo)).toBe(Date.UTC(2051, 0, 2, 3, 4, 5));
  });
});

describe('the master key', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-mk-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('comes from SWITCHBOARD_MASTER_KEY as base64 or hex, 32 bytes, else a clear error', () => {
    const key = randomBytes(32);
    expect(parseMasterKey(key.toString('base64')).equals(key)).toBe(true);
    expect(parseMasterKey(key.toString('hex')).equals(key)).toBe(true);
    expect(() => parseMasterKey(randomBytes(16).toString('base64'))).toThrow(/must be 32 bytes/);
    expect(
      loadMasterKey({ value: key.toString('base64'), development: false, dataDir: dir }).key.equals(key),
    ).toBe(true);
  });

  it('is required in production; in development a key file is made once, mode 0600, and reused', () => {
    expect(() => loadMasterKey({ value: undefined, development: false, dataDir: dir })).toThrow(/required/);
    expect(fs.readdirSync(dir)).toEqual([]);
    const first = loadMasterKey({ value: undefined, development: true, dataDir: dir });
    const file = path.join(dir, 'master.key');
    expect(first.origin).toBe(file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(loadMasterKey({ value: undefined, development: true, dataDir: dir }).key.equals(first.key)).toBe(
      true,
    );
    fs.chmodSync(file, 0o644);
    expect(() => loadMasterKey({ value: undefined, development: true, dataDir: dir })).toThrow(/chmod 600/);
  });
});

describe('the key vault and the tokens', () => {
  let dbh: DatabaseHandle;
  let tenant: Tenant;
  const clock = new ManualClock();
  const masterKey = randomBytes(32);

  beforeEach(async () => {
    dbh = testDatabase();
    await migrateToLatest(dbh.db);
    tenant = await createTenant(dbh.db, { agents: 1 });
  });
  afterEach(() => dbh.destroy());

  it('keeps the private key encrypted at rest, bound to its row, readable only with the master key', async () => {
    const vault = new KeyVault(dbh.db, masterKey, clock);
    const key = await vault.ensureKey(tenant.ccId);
    expect(await vault.ensureKey(tenant.ccId)).toEqual(key);
    const row = await dbh.db.selectFrom('salesforce_keys').selectAll().executeTakeFirstOrThrow();
    expect(row.private_key_enc).toMatch(/^v1\./);
    expect(row.private_key_enc).not.toContain('PRIVATE KEY');
    const { privateKey } = await vault.signingKey(tenant.ccId);
    expect(createPublicKey(privateKey).export({ type: 'spki', format: 'pem' })).toBe(key.publicKeyPem);
    expect(new X509Certificate(key.certificatePem).verify(createPublicKey(key.publicKeyPem))).toBe(true);

    // Another master key cannot read it; nor can this one once the ciphertext is moved to another row.
    await expect(new KeyVault(dbh.db, randomBytes(32), clock).signingKey(tenant.ccId)).rejects.toThrow(
      KeyError,
    );
    const other = await createTenant(dbh.db, { agents: 1 });
    await dbh.db
      .insertInto('salesforce_keys')
      .values({ ...row, id: 'KYmoved', contact_center_id: other.ccId })
      .execute();
    await expect(vault.signingKey(other.ccId)).rejects.toThrow(/cannot be decrypted/);
  });

  it('refuses a confirmation of a key that is not pending, and changes nothing', async () => {
    const vault = new KeyVault(dbh.db, masterKey, clock);
    const active = await vault.ensureKey(tenant.ccId);
    await expect(vault.confirm(tenant.ccId, active.keyId)).rejects.toThrow(KeyError);
    await expect(vault.confirm(tenant.ccId, 'KYnope')).rejects.toThrow(/no pending key/);
    expect((await vault.exportKeys(tenant.ccId)).map((k) => [k.keyId, k.status])).toEqual([
      [active.keyId, 'active'],
    ]);
    await expect(vault.ensureKey('CCunknown')).rejects.toThrow(/unknown contact center/);
  });

  it('signs one token per contact center per lifetime, with the claims the API wants, and renews it near expiry', async () => {
    const vault = new KeyVault(dbh.db, masterKey, clock);
    const tokens = new TokenIssuer(vault, clock);
    const subject = { ccId: tenant.ccId, orgId: tenant.orgId, apiName: tenant.apiName };
    const many = await Promise.all(Array.from({ length: 20 }, () => tokens.token(subject)));
    expect(new Set(many).size).toBe(1);
    expect(tokens.signatures).toBe(1);
    const token = many[0]!;
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'RS256', typ: 'JWT' });
    const publicKey = await importSPKI((await vault.ensureKey(tenant.ccId)).publicKeyPem, 'RS256');
    const { payload } = await jwtVerify(token, publicKey, {
      issuer: tenant.orgId,
      subject: tenant.apiName,
      audience: TOKEN_AUDIENCE,
      currentDate: new Date(clock.now()),
    });
    expect(payload.exp! - payload.iat!).toBe(180);
    expect(payload.jti).toBeUndefined();

    clock.advance(149_000);
    expect(await tokens.token(subject)).toBe(token);
    clock.advance(2_000); // less than 30 s left: a new token
    const renewed = await tokens.token(subject);
    expect(renewed).not.toBe(token);
    expect(decodeJwt(renewed).iat).toBe(Math.floor(clock.now() / 1000));
    expect(tokens.signatures).toBe(2);
  });
});
