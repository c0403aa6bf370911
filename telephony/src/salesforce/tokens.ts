/**
 * JWTs for the telephony API (Implementation Guide, "Telephony Integration REST API Authorization"):
 * RS256, `iss` = org id, `sub` = contact center API name, `aud` = https://scrt.salesforce.com, `iat`,
 * `exp` 3 minutes later (the strictest the guide has said). One token per contact center is signed
 * and reused until it is close to expiry: one signature per contact center per token lifetime. No
 * `jti`: Salesforce rejects a token whose `jti` it has seen, and a cached token is sent many times.
 */
import type { KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Clock } from '../engine/index.ts';
import type { KeyVault } from './keyVault.ts';

export const TOKEN_AUDIENCE = 'https://scrt.salesforce.com';

export interface TokenSubject {
  ccId: string;
  orgId: string;
  apiName: string;
}

export interface TokenOptions {
  /** Token lifetime, at most 180 s. */
  ttlSeconds?: number;
  /** A cached token is replaced when fewer seconds than this remain. */
  renewBeforeSeconds?: number;
}

interface Cached {
  token: string;
  expiresAt: number;
}

export class TokenIssuer {
  /** How many tokens were signed (the benchmark and the metrics report it). */
  signatures = 0;
  private readonly cache = new Map<string, Promise<Cached>>();
  private readonly ttlMs: number;
  private readonly renewMs: number;

  constructor(
    private readonly vault: KeyVault,
    private readonly clock: Clock,
    options: TokenOptions = {},
  ) {
    this.ttlMs = Math.min(options.ttlSeconds ?? 180, 180) * 1000;
    this.renewMs = (options.renewBeforeSeconds ?? 30) * 1000;
    vault.onChange((ccId) => this.drop(ccId));
  }

  /** A valid token for the contact center: the cached one, or a newly signed one. */
  async token(subject: TokenSubject): Promise<string> {
    const cached = this.cache.get(subject.ccId);
    if (cached) {
      const value = await cached.catch(() => undefined);
      if (value && value.expiresAt - this.renewMs > this.clock.now()) return value.token;
      if (this.cache.get(subject.ccId) !== cached) return this.token(subject);
    }
    const signing = this.sign(subject);
    this.cache.set(subject.ccId, signing);
    signing.catch(() => {
      if (this.cache.get(subject.ccId) === signing) this.cache.delete(subject.ccId);
    });
    return (await signing).token;
  }

  /** Forgets the contact center's token (after a 401, or when its key changed). */
  drop(ccId: string): void {
    this.cache.delete(ccId);
  }

  /**
   * A token signed with the pending key of a rotation (not cached), for a request the active key's
   * token was refused for: Salesforce may already hold only the new certificate.
   */
  async pendingToken(subject: TokenSubject): Promise<{ token: string; keyId: string } | null> {
    const pending = await this.vault.pendingKey(subject.ccId);
    if (!pending) return null;
    return { token: (await this.sign(subject, pending.privateKey)).token, keyId: pending.keyId };
  }

  private async sign(subject: TokenSubject, key?: KeyObject): Promise<Cached> {
    const privateKey = key ?? (await this.vault.signingKey(subject.ccId)).privateKey;
    const iat = Math.floor(this.clock.now() / 1000);
    const exp = iat + Math.floor(this.ttlMs / 1000);
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
      .setIssuer(subject.orgId)
      .setSubject(subject.apiName)
      .setAudience(TOKEN_AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(privateKey);
    this.signatures++;
    return { token, expiresAt: exp * 1000 };
  }
}
