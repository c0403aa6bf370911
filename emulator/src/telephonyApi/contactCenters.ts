/** Registered contact centers and their verification keys (PEM SPKI public keys or X.509 certificates). */
import { X509Certificate, createPublicKey, type KeyObject } from 'node:crypto';
import { orgKey } from './salesforceIds.ts';
import type { ContactCenterRegistration } from './types.ts';

export interface VerificationKey {
  key: KeyObject;
  /** Certificate validity in epoch ms; a bare public key is valid at any time. */
  validFrom: number;
  validTo: number;
}

export interface ContactCenter {
  orgId: string;
  callCenterApiName: string;
  keys: VerificationKey[];
}

const ORG_ID = /^[0-9A-Za-z]{15}([0-9A-Za-z]{3})?$/;

export function contactCenterKey(orgId: string, callCenterApiName: string): string {
  return `${orgKey(orgId)}/${callCenterApiName}`;
}

export function parseVerificationKey(pem: string): VerificationKey {
  if (pem.includes('PRIVATE KEY')) throw new Error('a verification key must be public, not a private key');
  let parsed: VerificationKey;
  if (pem.includes('BEGIN CERTIFICATE')) {
    const cert = new X509Certificate(pem);
    parsed = {
      key: cert.publicKey,
      validFrom: Date.parse(cert.validFrom),
      validTo: Date.parse(cert.validTo),
    };
  } else if (pem.includes('BEGIN PUBLIC KEY')) {
    parsed = { key: createPublicKey(pem), validFrom: -Infinity, validTo: Infinity };
  } else {
    throw new Error('a verification key must be a PEM public key or X.509 certificate');
  }
  if (parsed.key.asymmetricKeyType !== 'rsa') throw new Error('a verification key must be an RSA key');
  return parsed;
}

export class ContactCenters {
  private readonly byKey = new Map<string, ContactCenter>();

  /** Adds or replaces (keys replaced); throws on a bad org id, name or key, changing nothing. */
  register(cc: ContactCenterRegistration): void {
    if (!ORG_ID.test(cc.orgId)) throw new Error(`orgId must be a 15- or 18-character org id: ${cc.orgId}`);
    if (!cc.callCenterApiName) throw new Error('callCenterApiName is required');
    if (cc.keys.length === 0) throw new Error('at least one key is required');
    const keys = cc.keys.map(parseVerificationKey);
    this.byKey.set(contactCenterKey(cc.orgId, cc.callCenterApiName), {
      orgId: cc.orgId,
      callCenterApiName: cc.callCenterApiName,
      keys,
    });
  }

  find(orgId: string, callCenterApiName: string): ContactCenter | undefined {
    return this.byKey.get(contactCenterKey(orgId, callCenterApiName));
  }
}
