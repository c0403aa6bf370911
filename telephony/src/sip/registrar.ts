/**
 * The registrar of SIP desk phones (docs/sip.md, "Desk phones"): REGISTER with digest against the
 * agent's issued credentials; the phone's Contact and source address kept in the database until the
 * registration expires.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../db/database.ts';
import { type DigestAuthority, parseAuthorization } from './digest.ts';
import { header, param, responseTo, uriOf, userOf, type SipRequest, type SipResponse } from './message.ts';
import { bind, bindingOf, phoneAccount } from './phones.ts';
import type { Peer } from './transport.ts';

/** Registration lifetimes (seconds): asked-for values are capped to MAX; under MIN get 423. */
export const MIN_EXPIRES_S = 60;
export const MAX_EXPIRES_S = 3600;

/** The answer to a REGISTER (already rate-limited by the caller). */
export async function register(
  db: Db,
  digest: DigestAuthority,
  req: SipRequest,
  from: Peer,
  now: number,
): Promise<SipResponse> {
  const toTag = randomBytes(8).toString('hex');
  const answer = (status: number, reason: string, extra: Array<[string, string]> = []) =>
    responseTo(req, status, reason, { toTag, extra });
  const creds = parseAuthorization(header(req, 'authorization'));
  if (!creds) return answer(401, 'Unauthorized', [['www-authenticate', digest.challenge()]]);
  const account = await phoneAccount(db, creds.username);
  // An unknown user name gets the same 403 as a wrong password: nothing tells which user names exist.
  if (!account) return answer(403, 'Forbidden');
  const verdict = digest.verify(creds, 'REGISTER', account);
  if (verdict === 'stale') return answer(401, 'Unauthorized', [['www-authenticate', digest.challenge(true)]]);
  if (verdict === 'refused') return answer(403, 'Forbidden');
  if (userOf(uriOf(header(req, 'to') ?? '')) !== account.username) return answer(403, 'Forbidden');

  const contact = header(req, 'contact');
  if (contact === undefined) {
    const current = await bindingOf(db, account.userId, now);
    if (!current) return answer(200, 'OK');
    const left = Math.ceil((current.expires_at - now) / 1000);
    return answer(200, 'OK', [['contact', `<${current.contact_uri}>;expires=${left}`]]);
  }
  const asked = Number(param(contact, 'expires') ?? header(req, 'expires') ?? MAX_EXPIRES_S);
  if (!Number.isInteger(asked) || asked < 0) return answer(400, 'Bad Request');
  if (contact.trim() === '*') {
    if (asked !== 0) return answer(400, 'Bad Request');
    await bind(
      db,
      account.userId,
      { contactUri: '', address: from.address, port: from.port, expiresAt: 0 },
      now,
    );
    return answer(200, 'OK');
  }
  const contactUri = uriOf(contact);
  if (!/^sip:/i.test(contactUri) || contactUri.length > 256) return answer(400, 'Bad Request');
  if (asked > 0 && asked < MIN_EXPIRES_S)
    return answer(423, 'Interval Too Brief', [['min-expires', String(MIN_EXPIRES_S)]]);
  const expires = Math.min(asked, MAX_EXPIRES_S);
  await bind(
    db,
    account.userId,
    { contactUri, address: from.address, port: from.port, expiresAt: now + expires * 1000 },
    now,
  );
  return answer(200, 'OK', expires > 0 ? [['contact', `<${contactUri}>;expires=${expires}`]] : []);
}
