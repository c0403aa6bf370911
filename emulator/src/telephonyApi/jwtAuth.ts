/** Verifies the API's bearer JWT as docs/salesforce-telephony-api.md ("Authorization") states. */
import { compactVerify, decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose';
import type { ContactCenter, ContactCenters } from './contactCenters.ts';
import { contactCenterKey } from './contactCenters.ts';

export const AUDIENCE = 'https://scrt.salesforce.com';
export const CLOCK_SKEW_S = 60;
export const MAX_LIFETIME_S = 24 * 3600;

export type AuthResult =
  | { ok: true; contactCenter: ContactCenter; claims: { iss: string; sub: string } }
  | { ok: false; reason: string };

function fail(reason: string): AuthResult {
  return { ok: false, reason };
}

function checkTimes(claims: JWTPayload, nowS: number): string | null {
  const { iat, exp, nbf } = claims;
  if (typeof iat !== 'number' || typeof exp !== 'number') return 'iat and exp are required numbers';
  if (exp <= nowS - CLOCK_SKEW_S) return 'the token has expired';
  if (iat > nowS + CLOCK_SKEW_S) return 'the token is issued in the future';
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > nowS + CLOCK_SKEW_S))
    return 'the token is not yet valid';
  if (exp - iat > MAX_LIFETIME_S) return 'exp must be within 24 hours of iat';
  return null;
}

function checkAudience(aud: unknown): string | null {
  if (aud === undefined) return null;
  const list = Array.isArray(aud) ? aud : [aud];
  return list.includes(AUDIENCE) ? null : `aud must be ${AUDIENCE}`;
}

export class JwtVerifier {
  /** jti values already accepted, per contact center (a jti may be used once). */
  private readonly seenJtis = new Map<string, Set<string>>();

  constructor(
    private readonly contactCenters: ContactCenters,
    private readonly now: () => number,
  ) {}

  forgetJtis(): void {
    this.seenJtis.clear();
  }

  async verify(authorization: string | undefined): Promise<AuthResult> {
    const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(authorization ?? '');
    if (!match?.[1]) return fail('a Bearer JWT is required');
    const token = match[1];
    let claims: JWTPayload;
    try {
      if (decodeProtectedHeader(token).alg !== 'RS256') return fail('the JWT must be signed with RS256');
      claims = decodeJwt(token);
    } catch {
      return fail('the JWT is malformed');
    }
    const { iss, sub, jti } = claims;
    if (typeof iss !== 'string' || typeof sub !== 'string') return fail('iss and sub are required');
    const contactCenter = this.contactCenters.find(iss, sub);
    if (!contactCenter) return fail(`no contact center ${sub} in org ${iss}`);
    const nowMs = this.now();
    const valid = contactCenter.keys.filter((k) => k.validFrom <= nowMs && nowMs <= k.validTo);
    if (!(await this.signedByAny(token, valid))) return fail('the signature does not verify');
    const problem = checkTimes(claims, Math.floor(nowMs / 1000)) ?? checkAudience(claims.aud);
    if (problem) return fail(problem);
    if (jti !== undefined && !this.acceptJti(contactCenterKey(iss, sub), jti)) {
      return fail('this jti was already used');
    }
    return { ok: true, contactCenter, claims: { iss, sub } };
  }

  private async signedByAny(token: string, keys: ContactCenter['keys']): Promise<boolean> {
    for (const { key } of keys) {
      try {
        await compactVerify(token, key, { algorithms: ['RS256'] });
        return true;
      } catch {
        // the next key may verify (key rotation)
      }
    }
    return false;
  }

  private acceptJti(ccKey: string, jti: unknown): boolean {
    if (typeof jti !== 'string') return false;
    const seen = this.seenJtis.get(ccKey) ?? new Set<string>();
    this.seenJtis.set(ccKey, seen);
    if (seen.has(jti)) return false;
    seen.add(jti);
    return true;
  }
}
