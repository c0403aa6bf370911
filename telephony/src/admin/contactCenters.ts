/**
 * The account's contact centers: `{cc}` in a path (our id, or the Salesforce contact center it is bound
 * to), `connect` (binding, the picker's list), the My Domain update, and the Salesforce sync switch:
 * a contact center's sync runs while it is bound to a Salesforce contact center and knows its
 * telephony API URL (docs/admin-api.md).
 */
import { hostRefusal, type ScrtPolicy } from '../salesforce/scrtPolicy.ts';
import type { Db } from '../db/database.ts';
import type { ContactCenterTable } from '../db/schema.ts';
import type { SalesforceSync } from '../salesforce/index.ts';
import { conflict, invalidParams, forbidden, notFound } from './errors.ts';
import type { Account } from './oauth.ts';
import type { ConnectAnswer, ConnectBody, OrgDomainAnswer, OrgDomainBody } from '../contracts/adminApi.ts';
import { canonicalSalesforceId, SALESFORCE_ID_PATTERN, sameOrg } from '../../../shared/salesforceIds.ts';

const salesforceIdPattern = new RegExp(SALESFORCE_ID_PATTERN);

/**
 * `{cc}` = `bound`: the account's one contact center bound to Salesforce, for the Apex requests that
 * carry no readable contact center id (`ListQueuesRequest`, `ListGroupsRequest`, `PhoneNumberRequest`,
 * `UserSyncingRequest`: docs/package.md, "Names Salesforce confirms").
 */
export const BOUND_REF = 'bound';

/**
 * The contact center `ref` names in the account: our id, a bound Salesforce contact center id, or
 * `bound` (the account's only bound contact center: 404 if none, 409 if several).
 */
export async function contactCenterOf(db: Db, account: Account, ref: string): Promise<ContactCenterTable> {
  if (ref === BOUND_REF) {
    const bound = await db
      .selectFrom('contact_centers')
      .selectAll()
      .where('org_id', '=', account.orgId)
      .where('salesforce_contact_center_id', 'is not', null)
      .orderBy('id')
      .limit(2)
      .execute();
    if (bound.length === 0) throw notFound('no contact center connected', { contactCenter: ref });
    if (bound.length > 1)
      throw conflict('more than one contact center connected: name one by its id', { contactCenter: ref });
    return bound[0] as ContactCenterTable;
  }
  const byId = await db
    .selectFrom('contact_centers')
    .selectAll()
    .where('id', '=', ref)
    .where('org_id', '=', account.orgId)
    .executeTakeFirst();
  if (byId) return byId;
  if (salesforceIdPattern.test(ref)) {
    const bound = await db
      .selectFrom('contact_centers')
      .selectAll()
      .where('org_id', '=', account.orgId)
      .where('salesforce_contact_center_id', '=', canonicalSalesforceId(ref))
      .executeTakeFirst();
    if (bound) return bound;
    throw notFound(`contact center not connected: ${ref}`, { contactCenter: ref });
  }
  throw notFound(`no contact center ${ref}`, { contactCenter: ref });
}

/**
 * The telephony API URL Salesforce gave: absolute https, no credentials, query or fragment (http on
 * 127.0.0.1 or localhost too outside production: the emulator); in production a Salesforce telephony
 * API host or an allowlisted one (salesforce/scrtPolicy.ts); without a trailing slash.
 */
export function telephonyApiUrl(raw: string, policy: ScrtPolicy): string {
  const refuse = (why: string) => invalidParams(`scrtUrl ${why}`, { path: '/scrtUrl' });
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse('is not an absolute URL');
  }
  const local = url.hostname === '127.0.0.1' || url.hostname === 'localhost';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local && !policy.production))
    throw refuse('must be https://');
  const host = hostRefusal(url.hostname, policy);
  if (host) throw refuse(host);
  if (url.username || url.password) throw refuse('must not carry credentials');
  if (url.search || url.hash || raw.includes('?') || raw.includes('#'))
    throw refuse('must not have a query or fragment');
  return url.href.replace(/\/+$/, '');
}

/** Turns the Salesforce sync of a contact center on (bound, URL known) or off. */
async function applySyncSwitch(db: Db, salesforce: SalesforceSync | null, ccId: string): Promise<void> {
  const cc = await db
    .selectFrom('contact_centers')
    .select(['salesforce_contact_center_id', 'scrt_url'])
    .where('id', '=', ccId)
    .executeTakeFirstOrThrow();
  if (cc.salesforce_contact_center_id && cc.scrt_url) {
    await salesforce?.connect(ccId);
    return;
  }
  await db
    .updateTable('salesforce_connections')
    .set({ enabled: 0 })
    .where('contact_center_id', '=', ccId)
    .execute();
}

/**
 * Binds our contact center to a Salesforce contact center (a previous binding of that Salesforce
 * contact center in the account moves here), then switches the sync of every contact center touched.
 */
export async function bindContactCenter(
  db: Db,
  salesforce: SalesforceSync | null,
  cc: ContactCenterTable,
  salesforceContactCenterId: string,
): Promise<void> {
  const sfId = canonicalSalesforceId(salesforceContactCenterId);
  const previous = await db.transaction().execute(async (trx) => {
    const moved = await trx
      .selectFrom('contact_centers')
      .select('id')
      .where('org_id', '=', cc.org_id)
      .where('salesforce_contact_center_id', '=', sfId)
      .where('id', '!=', cc.id)
      .execute();
    if (moved.length > 0)
      await trx
        .updateTable('contact_centers')
        .set({ salesforce_contact_center_id: null })
        .where(
          'id',
          'in',
          moved.map((m) => m.id),
        )
        .execute();
    await trx
      .updateTable('contact_centers')
      .set({ salesforce_contact_center_id: sfId })
      .where('id', '=', cc.id)
      .execute();
    return moved.map((m) => m.id);
  });
  for (const id of [...previous, cc.id]) await applySyncSwitch(db, salesforce, id);
}

const blankToNull = (value: string | null | undefined): string | null =>
  value === undefined || value === null || value.trim() === '' ? null : value.trim();

/** `POST /connect`: checks the org, binds the Salesforce contact center, lists the account's. */
export async function connect(
  db: Db,
  salesforce: SalesforceSync | null,
  account: Account,
  body: ConnectBody,
  policy: ScrtPolicy,
): Promise<ConnectAnswer> {
  if (!sameOrg(body.orgId, account.orgId))
    throw forbidden(`these credentials belong to another org than ${body.orgId}`);
  const org = await db
    .selectFrom('orgs')
    .select(['id', 'name'])
    .where('id', '=', account.orgId)
    .executeTakeFirstOrThrow();
  const scrtUrl = blankToNull(body.scrtUrl);
  const normalisedUrl = scrtUrl === null ? null : telephonyApiUrl(scrtUrl, policy);
  const partnerId = blankToNull(body.partnerContactCenterId);
  const internalName = blankToNull(body.internalName);
  const all = await db
    .selectFrom('contact_centers')
    .selectAll()
    .where('org_id', '=', account.orgId)
    .execute();
  let match: ContactCenterTable | undefined;
  if (partnerId !== null) {
    match = all.find((c) => c.id === partnerId);
    if (!match) throw notFound(`no contact center ${partnerId}`, { partnerContactCenterId: partnerId });
  } else if (internalName !== null) {
    match = all.find((c) => c.api_name === internalName);
  }
  const salesforceId = blankToNull(body.salesforceContactCenterId);
  if (match) {
    const orgDomain = blankToNull(body.orgDomain);
    if (normalisedUrl !== null || orgDomain !== null)
      await db
        .updateTable('contact_centers')
        .set({
          ...(normalisedUrl !== null ? { scrt_url: normalisedUrl } : {}),
          ...(orgDomain !== null ? { org_domain: orgDomain } : {}),
        })
        .where('id', '=', match.id)
        .execute();
    if (salesforceId !== null) await bindContactCenter(db, salesforce, match, salesforceId);
    else if (normalisedUrl !== null) await applySyncSwitch(db, salesforce, match.id);
  }
  return {
    account: { orgId: org.id, name: org.name },
    contactCenters: all
      .map((c) => ({ id: c.id, apiName: c.api_name, displayName: c.display_name }))
      .sort((a, b) => a.displayName.localeCompare(b.displayName, 'en') || a.id.localeCompare(b.id)),
    boundContactCenterId: match?.id ?? null,
  };
}

/** `PUT …/org-domain`: the org's My Domain changed; the sync uses the new telephony API URL at once. */
export async function updateOrgDomain(
  db: Db,
  salesforce: SalesforceSync | null,
  cc: ContactCenterTable,
  body: OrgDomainBody,
  policy: ScrtPolicy,
): Promise<OrgDomainAnswer> {
  const scrtUrl = telephonyApiUrl(body.scrtUrl, policy);
  const orgDomain = blankToNull(body.orgDomain);
  await db
    .updateTable('contact_centers')
    .set({ scrt_url: scrtUrl, org_domain: orgDomain })
    .where('id', '=', cc.id)
    .execute();
  await applySyncSwitch(db, salesforce, cc.id);
  return { id: cc.id, scrtUrl, orgDomain };
}
