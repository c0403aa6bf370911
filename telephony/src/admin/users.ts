/**
 * User syncing (`UserSyncing`): Salesforce users added to and removed from a contact center, each batch
 * all or nothing; the agents' partner settings; a password for the account's own tools. Users are
 * named by their Salesforce user id and answered with their Switchboard (partner) user id.
 */
import { setPasswordHash } from '../engine/credentials.ts';
import type { Db } from '../db/database.ts';
import type { ContactCenterTable, UserTable } from '../db/schema.ts';
import { ConnectorError } from '../domain/errors.ts';
import { toE164 } from '../domain/phoneNumbers.ts';
import { parseSettings } from '../domain/settings.ts';
import { agentConfig, setAgentConfig } from '../engine/agentConfig.ts';
import { logOutOfRouting } from '../engine/agentPresence.ts';
import type { Engine, Trx } from '../engine/engine.ts';
import { accountKey, type LoginThrottle } from '../engine/loginThrottle.ts';
import { hashPassword, type Sessions } from '../engine/sessions.ts';
import { createUser } from '../engine/tenants.ts';
import { conflict, invalidParams, notFound } from './errors.ts';
import type {
  AgentSettings,
  AgentSettingsView,
  UserAddAnswer,
  UserAddBody,
  UserRemoveBody,
} from '../contracts/adminApi.ts';
import { canonicalSalesforceId } from '../../../shared/salesforceIds.ts';

/** The password hash of a user who has none yet, and of a removed user: no password matches it. */
export const NO_PASSWORD = '!none';
export const REMOVED = '!removed';

/** The member of the contact center with this Salesforce user id (not removed), or 404. */
export async function memberOf(db: Db | Trx, ccId: string, salesforceUserId: string): Promise<UserTable> {
  const user = await db
    .selectFrom('users')
    .selectAll()
    .where('contact_center_id', '=', ccId)
    .where('salesforce_user_id', '=', canonicalSalesforceId(salesforceUserId))
    .where('removed_at', 'is', null)
    .executeTakeFirst();
  if (!user) throw notFound(`no user ${salesforceUserId} in this contact center`, { salesforceUserId });
  return user;
}

/** Adds a batch of users (new ones, removed ones back with their id); existing members stay as they are. */
export async function addUsers(
  engine: Engine,
  cc: ContactCenterTable,
  body: UserAddBody,
): Promise<UserAddAnswer> {
  return engine.command(cc.id, async (tx) => {
    const batch = body.users.map((u) => ({
      ...u,
      id: canonicalSalesforceId(u.salesforceUserId),
      displayName: `${u.firstName?.trim() ?? ''} ${u.lastName.trim()}`.trim(),
    }));
    const ids = new Set<string>();
    const usernames = new Set<string>();
    for (const u of batch) {
      if (ids.has(u.id))
        throw conflict(`user ${u.salesforceUserId} is twice in the batch`, {
          salesforceUserId: u.salesforceUserId,
        });
      if (usernames.has(u.username.toLowerCase()))
        throw conflict(`username ${u.username} is twice in the batch`, {
          salesforceUserId: u.salesforceUserId,
        });
      ids.add(u.id);
      usernames.add(u.username.toLowerCase());
    }
    const known = await tx.db
      .selectFrom('users')
      .selectAll()
      .where('contact_center_id', '=', cc.id)
      .where('salesforce_user_id', 'in', [...ids])
      .execute();
    const bySalesforceId = new Map(known.map((u) => [u.salesforce_user_id, u]));
    const holders = await tx.db
      .selectFrom('users')
      .select(['id', 'username'])
      .where('contact_center_id', '=', cc.id)
      .where((eb) => eb(eb.fn<string>('lower', ['username']), 'in', [...usernames]))
      .execute();
    for (const u of batch) {
      const current = bySalesforceId.get(u.id);
      if (current && current.removed_at === null) continue;
      const holder = holders.find((h) => h.username.toLowerCase() === u.username.toLowerCase());
      if (holder && holder.id !== current?.id)
        throw conflict(`username ${u.username} belongs to another user of this contact center`, {
          salesforceUserId: u.salesforceUserId,
        });
    }

    const users: UserAddAnswer['users'] = [];
    for (const u of batch) {
      const current = bySalesforceId.get(u.id);
      if (current && current.removed_at === null) {
        users.push({ salesforceUserId: u.salesforceUserId, partnerUserId: current.id, created: false });
        continue;
      }
      let partnerUserId: string;
      if (current) {
        await tx.db
          .updateTable('users')
          .set({
            removed_at: null,
            username: u.username,
            display_name: u.displayName,
          })
          .where('id', '=', current.id)
          .execute();
        await setPasswordHash(tx.db, current.id, NO_PASSWORD);
        partnerUserId = current.id;
      } else {
        partnerUserId = await createUser(tx.db, {
          contactCenterId: cc.id,
          username: u.username,
          displayName: u.displayName,
          password: '',
          passwordHash: NO_PASSWORD,
          role: 'agent',
          salesforceUserId: u.id,
        });
      }
      users.push({ salesforceUserId: u.salesforceUserId, partnerUserId, created: true });
    }
    return { users };
  });
}

/**
 * Removes a batch of users: logged out of routing, sessions ended, memberships gone, the row kept
 * (marked removed) for the call history. Refused for all if one is on a call or has one ringing.
 */
export async function removeUsers(
  engine: Engine,
  sessions: Sessions,
  cc: ContactCenterTable,
  body: UserRemoveBody,
): Promise<{ removed: number }> {
  const endedSessions: string[] = [];
  const removed = await engine.command(cc.id, async (tx) => {
    const given = new Map(
      body.users.map((u) => [canonicalSalesforceId(u.salesforceUserId), u.salesforceUserId]),
    );
    const users = await tx.db
      .selectFrom('users')
      .selectAll()
      .where('contact_center_id', '=', cc.id)
      .where('salesforce_user_id', 'in', [...given.keys()])
      .where('removed_at', 'is', null)
      .execute();
    for (const u of users)
      if (u.active_call_id || u.offered_leg_id)
        throw conflict(`${u.display_name} is on a call or has one ringing`, {
          salesforceUserId: given.get(u.salesforce_user_id ?? '') ?? '',
        });
    for (const u of users) {
      await logOutOfRouting(tx, u.id);
      await tx.db.deleteFrom('group_members').where('user_id', '=', u.id).execute();
      await tx.db
        .deleteFrom('queue_members')
        .where('member_type', '=', 'user')
        .where('member_id', '=', u.id)
        .execute();
      const open = await tx.db
        .selectFrom('sessions')
        .select('id')
        .where('user_id', '=', u.id)
        .where('ended_at', 'is', null)
        .execute();
      await tx.db
        .updateTable('sessions')
        .set({ ended_at: tx.now, end_reason: 'loggedOut' })
        .where('user_id', '=', u.id)
        .where('ended_at', 'is', null)
        .execute();
      endedSessions.push(...open.map((s) => s.id));
      await tx.db.updateTable('users').set({ removed_at: tx.now }).where('id', '=', u.id).execute();
      await setPasswordHash(tx.db, u.id, REMOVED);
    }
    return users.length;
  });
  // Already ended in the transaction; this tells their sockets (sessionEnded, loggedOut).
  for (const id of endedSessions) await sessions.end(id, 'loggedOut');
  return { removed };
}

function settingsOf(u: UserTable): AgentSettings {
  const config = agentConfig(u);
  return {
    autoAccept: config.autoAccept,
    secondaryRing: config.secondaryRing,
    callerId: u.caller_id,
    defaultOutboundQueueId: u.default_outbound_queue_id,
  };
}

async function settingsOptions(db: Db | Trx, ccId: string): Promise<AgentSettingsView['options']> {
  const numbers = await db
    .selectFrom('phone_numbers')
    .select(['number', 'label'])
    .where('contact_center_id', '=', ccId)
    .orderBy('number')
    .execute();
  const queues = await db
    .selectFrom('queues')
    .select(['id', 'name'])
    .where('contact_center_id', '=', ccId)
    .orderBy('name')
    .orderBy('id')
    .execute();
  return {
    callerIds: numbers.map((n) => ({ phoneNumber: n.number, label: n.label })),
    queues: queues.map((q) => ({ id: q.id, name: q.name })),
  };
}

export async function readSettings(
  db: Db,
  cc: ContactCenterTable,
  salesforceUserId: string,
): Promise<AgentSettingsView> {
  const user = await memberOf(db, cc.id, salesforceUserId);
  return { settings: settingsOf(user), options: await settingsOptions(db, cc.id) };
}

function number(input: string, country: string, path: string): string {
  try {
    return toE164(input, country);
  } catch (err) {
    if (err instanceof ConnectorError) throw invalidParams(err.message, { path });
    throw err;
  }
}

/**
 * Saves an agent's settings. Auto-accept and the secondary ring are the agent's devices: changed, they
 * reach the open connector as AGENT_CONFIG_UPDATED, and cannot change during a call.
 */
export async function saveSettings(
  engine: Engine,
  cc: ContactCenterTable,
  salesforceUserId: string,
  body: AgentSettings,
): Promise<AgentSettings> {
  return engine.command(cc.id, async (tx) => {
    const user = await memberOf(tx.db, cc.id, salesforceUserId);
    const country = parseSettings(cc.settings_json).defaultCountry;
    const options = await settingsOptions(tx.db, cc.id);
    const secondaryRing = body.secondaryRing
      ? {
          phoneNumber: number(body.secondaryRing.phoneNumber, country, '/secondaryRing/phoneNumber'),
          delaySeconds: body.secondaryRing.delaySeconds,
        }
      : null;
    const callerId = body.callerId === null ? null : number(body.callerId, country, '/callerId');
    if (callerId !== null && !options.callerIds.some((c) => c.phoneNumber === callerId))
      throw invalidParams(`${callerId} is not a number of this contact center`, { path: '/callerId' });
    const queueId = body.defaultOutboundQueueId;
    if (queueId !== null && !options.queues.some((q) => q.id === queueId))
      throw invalidParams(`no queue ${queueId} in this contact center`, { path: '/defaultOutboundQueueId' });
    const devices = agentConfig(user);
    if (
      devices.autoAccept !== body.autoAccept ||
      JSON.stringify(devices.secondaryRing) !== JSON.stringify(secondaryRing)
    )
      await setAgentConfig(tx, user.id, { autoAccept: body.autoAccept, secondaryRing });
    await tx.db
      .updateTable('users')
      .set({ caller_id: callerId, default_outbound_queue_id: queueId })
      .where('id', '=', user.id)
      .execute();
    return { autoAccept: body.autoAccept, secondaryRing, callerId, defaultOutboundQueueId: queueId };
  });
}

/** Sets a user's password (for the agents' login page until single sign-on works). */
export async function setPassword(
  db: Db,
  throttle: LoginThrottle,
  cc: ContactCenterTable,
  salesforceUserId: string,
  password: string,
): Promise<void> {
  const user = await memberOf(db, cc.id, salesforceUserId);
  await setPasswordHash(db, user.id, await hashPassword(password));
  await throttle.unlock(accountKey(cc.org_id, cc.api_name, user.username));
}

/**
 * Lifts a user's sign-in lock after failed passwords (docs/security.md): their next sign-in is
 * checked at once. Whether the user had failures to forget.
 */
export async function unlockUser(
  db: Db,
  throttle: LoginThrottle,
  cc: ContactCenterTable,
  salesforceUserId: string,
): Promise<{ unlocked: boolean }> {
  const user = await memberOf(db, cc.id, salesforceUserId);
  return { unlocked: await throttle.unlock(accountKey(cc.org_id, cc.api_name, user.username)) };
}
