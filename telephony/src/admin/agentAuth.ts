/**
 * Agents' own identity on the admin API (docs/admin-api.md, "Agent partner settings"): the package
 * sends an agent's partner settings with that agent's Switchboard sign-in (HTTP Basic, from the
 * per-user principal of the `SwitchboardAgent` external credential), never with the account's
 * token. The credentials name one user of the contact center in the path, and that user must be the
 * Salesforce user in the path: nobody reads or saves another user's settings.
 */
import { hasControlCharacter } from '../contracts/bounds.ts';
import type { Db } from '../db/database.ts';
import type { ContactCenterTable } from '../db/schema.ts';
import { passwordHashOf } from '../engine/credentials.ts';
import { accountKey, type LoginThrottle } from '../engine/loginThrottle.ts';
import { UNMATCHABLE_HASH, verifyPassword } from '../engine/passwords.ts';
import { AdminError } from './errors.ts';
import type { Account } from './oauth.ts';
import { canonicalSalesforceId, SALESFORCE_ID_PATTERN } from '../../../shared/salesforceIds.ts';

/** The realm of the `WWW-Authenticate: Basic` challenge. */
export const AGENT_REALM = 'switchboard-agent';

const salesforceIdPattern = new RegExp(SALESFORCE_ID_PATTERN);

const unauthorized = (message: string) => new AdminError(401, 'UNAUTHORIZED', message);

/** `Basic base64(username:password)` → the two; null when the header is not that. */
export function basicCredentials(header: string | undefined): { username: string; password: string } | null {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * The agent an HTTP Basic header proves, in the contact center `ccRef` (our id or its bound
 * Salesforce id), who must be the Salesforce user `salesforceUserId`: 401 for no, malformed or wrong
 * credentials (an unknown contact center or user answers the same), 403 for another user's.
 */
export async function authenticateAgent(
  db: Db,
  throttle: LoginThrottle,
  source: string,
  header: string | undefined,
  ccRef: string,
  salesforceUserId: string,
): Promise<{ account: Account; contactCenter: ContactCenterTable }> {
  const credentials = basicCredentials(header);
  if (!credentials) {
    throw unauthorized("an agent's settings need the agent's own Switchboard credentials (HTTP Basic)");
  }
  if (hasControlCharacter(credentials.username) || hasControlCharacter(credentials.password))
    throw new AdminError(400, 'INVALID_PARAMS', 'credentials must not contain control characters');
  const contactCenter = await db
    .selectFrom('contact_centers')
    .selectAll()
    .where((eb) =>
      salesforceIdPattern.test(ccRef)
        ? eb.or([eb('id', '=', ccRef), eb('salesforce_contact_center_id', '=', canonicalSalesforceId(ccRef))])
        : eb('id', '=', ccRef),
    )
    .executeTakeFirst();
  const user = contactCenter
    ? await db
        .selectFrom('users')
        .selectAll()
        .where('contact_center_id', '=', contactCenter.id)
        .where('username', '=', credentials.username)
        .where('removed_at', 'is', null)
        .executeTakeFirst()
    : undefined;
  const attempt = await throttle.begin(
    accountKey(contactCenter?.org_id ?? '', contactCenter?.api_name ?? ccRef, credentials.username),
    source,
  );
  let ok: boolean;
  try {
    const stored = user ? await passwordHashOf(db, user.id) : null;
    ok =
      (await verifyPassword(credentials.password, stored ?? UNMATCHABLE_HASH, source, attempt.lane)).ok &&
      stored !== null;
  } catch (err) {
    await attempt.abandoned();
    throw err;
  }
  if (!contactCenter || !user || !ok) {
    await attempt.failed();
    throw unauthorized('wrong contact center, username or password');
  }
  await attempt.succeeded();
  const claimed = salesforceIdPattern.test(salesforceUserId) ? canonicalSalesforceId(salesforceUserId) : null;
  if (user.salesforce_user_id === null || user.salesforce_user_id !== claimed) {
    throw new AdminError(
      403,
      'FORBIDDEN',
      "these credentials are another user's: an agent reads and saves only their own settings",
      { salesforceUserId },
    );
  }
  return {
    account: { orgId: contactCenter.org_id, clientId: `agent:${user.id}`, scopes: [] },
    contactCenter,
  };
}
