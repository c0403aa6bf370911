/**
 * SIP digest authentication (RFC 2617 MD5, RFC 8760 `qop=auth`), as carriers and desk phones answer
 * it. Nonces are stateless: `<ms timestamp>.<HMAC(secret, timestamp)>`, valid for `NONCE_TTL_MS`;
 * only HA1 = MD5(username:realm:password) is ever stored.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const REALM = 'switchboard';
export const NONCE_TTL_MS = 5 * 60_000;

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

export function ha1(username: string, password: string, realm = REALM): string {
  return md5(`${username}:${realm}:${password}`);
}

export interface DigestCredentials {
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  qop?: string | undefined;
  nc?: string | undefined;
  cnonce?: string | undefined;
}

/** The parameters of an `Authorization: Digest …` header; null when it is not a digest answer. */
export function parseAuthorization(header: string | undefined): DigestCredentials | null {
  const m = /^\s*Digest\s+(.*)$/is.exec(header ?? '');
  if (!m) return null;
  const params: Record<string, string> = {};
  for (const p of m[1]!.matchAll(/([a-zA-Z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g))
    params[p[1]!.toLowerCase()] = p[2] ?? p[3] ?? '';
  const { username, realm, nonce, uri, response } = params;
  if (!username || !realm || !nonce || !uri || !response) return null;
  return { username, realm, nonce, uri, response, qop: params.qop, nc: params.nc, cnonce: params.cnonce };
}

export class DigestAuthority {
  constructor(
    private readonly secret: Buffer,
    private readonly now: () => number,
  ) {}

  private sign(timestamp: string): string {
    return createHmac('sha256', this.secret).update(timestamp).digest('base64url').slice(0, 22);
  }

  nonce(): string {
    const t = String(this.now());
    return `${t}.${this.sign(t)}`;
  }

  /** The `WWW-Authenticate` value of a challenge. */
  challenge(stale = false): string {
    return `Digest realm="${REALM}", nonce="${this.nonce()}", algorithm=MD5, qop="auth"${stale ? ', stale=true' : ''}`;
  }

  /** Whether the nonce is ours: 'fresh', 'stale' (ours but expired) or 'bad'. */
  private nonceState(nonce: string): 'fresh' | 'stale' | 'bad' {
    const [t, sig] = nonce.split('.');
    if (!t || !sig || !/^\d+$/.test(t) || !same(sig, this.sign(t))) return 'bad';
    const age = this.now() - Number(t);
    return age >= 0 && age <= NONCE_TTL_MS ? 'fresh' : 'stale';
  }

  /**
   * Checks an answer against the stored HA1 of `username`: 'ok', 'stale' (challenge again with
   * stale=true), or 'refused' (wrong user, realm, nonce or response).
   */
  verify(
    creds: DigestCredentials,
    method: string,
    expected: { username: string; ha1: string },
  ): 'ok' | 'stale' | 'refused' {
    const state = this.nonceState(creds.nonce);
    if (state === 'bad' || creds.realm !== REALM || creds.username !== expected.username) return 'refused';
    const ha2 = md5(`${method}:${creds.uri}`);
    const want =
      creds.qop === 'auth'
        ? md5(`${expected.ha1}:${creds.nonce}:${creds.nc ?? ''}:${creds.cnonce ?? ''}:auth:${ha2}`)
        : md5(`${expected.ha1}:${creds.nonce}:${ha2}`);
    if (!same(creds.response.toLowerCase(), want)) return 'refused';
    return state === 'stale' ? 'stale' : 'ok';
  }
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
