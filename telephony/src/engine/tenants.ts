/**
 * Tenants and their configuration: orgs, contact centers, users, groups, queues, phone numbers,
 * flows, the phone book and presence rules. Used by the development data, the tests, and the admin
 * API (package issue).
 */
import { setPasswordHash } from './credentials.ts';
import type { Db } from '../db/database.ts';
import type { PresenceRule } from '../domain/presenceRules.ts';
import { newId } from '../domain/ids.ts';
import { toE164 } from '../domain/phoneNumbers.ts';
import { parseSettings, type ContactCenterSettings } from '../domain/settings.ts';
import { hashPassword } from './sessions.ts';
import type { RoutingTarget } from './ports.ts';

export async function createOrg(db: Db, org: { id: string; name: string }): Promise<string> {
  await db.insertInto('orgs').values({ id: org.id, name: org.name, created_at: Date.now() }).execute();
  return org.id;
}

export async function createContactCenter(
  db: Db,
  cc: {
    orgId: string;
    apiName: string;
    displayName: string;
    scrtUrl: string;
    settings?: Partial<ContactCenterSettings>;
  },
): Promise<string> {
  const id = newId('CC');
  const settings = parseSettings(cc.settings ?? {});
  await db
    .insertInto('contact_centers')
    .values({
      id,
      org_id: cc.orgId,
      api_name: cc.apiName,
      display_name: cc.displayName,
      scrt_url: cc.scrtUrl,
      settings_json: JSON.stringify(settings),
      presence_rule_id: null,
      created_at: Date.now(),
    })
    .execute();
  return id;
}

export async function updateSettings(
  db: Db,
  ccId: string,
  patch: Partial<ContactCenterSettings>,
): Promise<ContactCenterSettings> {
  const row = await db
    .selectFrom('contact_centers')
    .select('settings_json')
    .where('id', '=', ccId)
    .executeTakeFirstOrThrow();
  const merged = parseSettings({ ...(JSON.parse(row.settings_json) as object), ...patch });
  await db
    .updateTable('contact_centers')
    .set({ settings_json: JSON.stringify(merged) })
    .where('id', '=', ccId)
    .execute();
  return merged;
}

export interface NewUser {
  contactCenterId: string;
  username: string;
  displayName: string;
  password: string;
  role?: 'agent' | 'supervisor';
  salesforceUserId?: string | null;
  phoneType?: 'SOFT_PHONE' | 'DESK_PHONE';
  deskPhoneNumber?: string | null;
  /** A precomputed scrypt hash (to create many users quickly with one password). */
  passwordHash?: string;
}

export async function createUser(db: Db, u: NewUser): Promise<string> {
  const id = newId('US');
  const now = Date.now();
  await db
    .insertInto('users')
    .values({
      id,
      contact_center_id: u.contactCenterId,
      username: u.username,
      display_name: u.displayName,
      role: u.role ?? 'agent',
      salesforce_user_id: u.salesforceUserId ?? null,
      presence_rule_id: null,
      presence_state: 'offline',
      presence_reason: null,
      presence_since: now,
      idle_since: now,
      next_state_json: null,
      offered_leg_id: null,
      active_call_id: null,
      wrap_up_call_id: null,
      phone_type: u.phoneType ?? 'SOFT_PHONE',
      desk_phone_number: u.deskPhoneNumber ?? null,
      auto_accept: 0,
      secondary_number: null,
      secondary_delay_s: null,
      created_at: now,
    })
    .execute();
  await setPasswordHash(db, id, u.passwordHash ?? (await hashPassword(u.password)));
  await db.insertInto('agent_streams').values({ user_id: id, event_seq: 0 }).execute();
  return id;
}

export async function createGroup(
  db: Db,
  g: { contactCenterId: string; name: string; userIds?: string[] },
): Promise<string> {
  const id = newId('GR');
  await db
    .insertInto('groups')
    .values({ id, contact_center_id: g.contactCenterId, name: g.name, presence_rule_id: null })
    .execute();
  for (const userId of g.userIds ?? [])
    await db.insertInto('group_members').values({ group_id: id, user_id: userId }).execute();
  return id;
}

export async function createQueue(
  db: Db,
  q: { contactCenterId: string; name: string; priority?: number },
): Promise<string> {
  const id = newId('QU');
  await db
    .insertInto('queues')
    .values({
      id,
      contact_center_id: q.contactCenterId,
      name: q.name,
      priority: q.priority ?? 0,
      created_at: Date.now(),
    })
    .execute();
  return id;
}

export async function addQueueMember(
  db: Db,
  m: { queueId: string; memberType: 'user' | 'group'; memberId: string; priority?: number },
): Promise<void> {
  await db
    .insertInto('queue_members')
    .values({
      queue_id: m.queueId,
      member_type: m.memberType,
      member_id: m.memberId,
      priority: m.priority ?? 1,
    })
    .execute();
}

export async function addPhoneNumber(
  db: Db,
  n: { contactCenterId: string; number: string; target: RoutingTarget; label?: string },
): Promise<string> {
  const number = toE164(n.number, 'US');
  await db
    .insertInto('phone_numbers')
    .values({
      number,
      contact_center_id: n.contactCenterId,
      target_type: n.target.type,
      target_id: n.target.id,
      label: n.label ?? null,
    })
    .execute();
  return number;
}

export async function createFlow(
  db: Db,
  f: { contactCenterId: string; devName: string; fallbackQueueId: string },
): Promise<string> {
  const id = newId('FL');
  await db
    .insertInto('flows')
    .values({
      id,
      contact_center_id: f.contactCenterId,
      dev_name: f.devName,
      fallback_queue_id: f.fallbackQueueId,
    })
    .execute();
  return id;
}

export async function addPhonebookEntry(
  db: Db,
  e: { contactCenterId: string; name: string; phoneNumber: string },
): Promise<string> {
  const id = newId('PB');
  await db
    .insertInto('phonebook')
    .values({
      id,
      contact_center_id: e.contactCenterId,
      name: e.name,
      phone_number: toE164(e.phoneNumber, 'US'),
    })
    .execute();
  return id;
}

export async function createPresenceRule(
  db: Db,
  r: { contactCenterId: string; name: string; rule: PresenceRule },
): Promise<string> {
  const id = newId('PR');
  await db
    .insertInto('presence_rules')
    .values({
      id,
      contact_center_id: r.contactCenterId,
      name: r.name,
      publisher_json: JSON.stringify(r.rule.publisher),
      subscriber_json: JSON.stringify(r.rule.subscriber),
    })
    .execute();
  return id;
}

/** Attaches a presence rule to the contact center (default), a group (team) or a user. */
export async function assignPresenceRule(
  db: Db,
  ruleId: string | null,
  to: { type: 'contactCenter' | 'group' | 'user'; id: string },
): Promise<void> {
  const table = to.type === 'contactCenter' ? 'contact_centers' : to.type === 'group' ? 'groups' : 'users';
  await db.updateTable(table).set({ presence_rule_id: ruleId }).where('id', '=', to.id).execute();
}

/** The contact center and routing target of a dialed number, or null. */
export async function findDialedNumber(
  db: Db,
  number: string,
): Promise<{ contactCenterId: string; target: RoutingTarget } | null> {
  const row = await db
    .selectFrom('phone_numbers')
    .selectAll()
    .where('number', '=', number)
    .executeTakeFirst();
  return row
    ? { contactCenterId: row.contact_center_id, target: { type: row.target_type, id: row.target_id } }
    : null;
}
