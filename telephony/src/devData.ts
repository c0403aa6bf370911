/**
 * Development data, created on an empty database by `npm start`: one org, one contact center, three
 * agents and a supervisor (passwords printed at start-up), two queues, a dialed number, a flow,
 * a phone book, the demo's Salesforce presence statuses, and an admin API client of the org
 * (its secret printed at start-up).
 */
import { randomBytes } from 'node:crypto';
import { issueClient, type IssuedClient } from './admin/accounts.ts';
import type { Db } from './db/database.ts';
import { setPresenceStatuses } from './engine/agentPresence.ts';
import type { Engine } from './engine/engine.ts';
import * as tenants from './engine/tenants.ts';

export const DEMO_ORG_ID = '00D000000000001AAA';
export const DEMO_CONTACT_CENTER = 'SwitchboardDemo';
export const DEMO_NUMBER = '+14155550100';

/** The statuses the emulator's Omni-Channel offers (the guide's example, chapter 12). */
export const DEMO_PRESENCE_STATUSES = [
  { statusId: '0', name: 'Offline', hasChannels: false, isOffline: true },
  { statusId: '0N5xx0000004CSO', name: 'Available', hasChannels: true, isOffline: false },
  { statusId: '0N5xx0000004D56', name: 'Away', hasChannels: false, isOffline: false },
  { statusId: '0N5xx0000004D3U', name: 'Busy', hasChannels: false, isOffline: false },
];

export interface DemoCredentials {
  orgId: string;
  contactCenter: string;
  contactCenterId: string;
  users: Array<{ username: string; password: string; role: string; id: string }>;
  dialedNumber: string;
  /** OAuth client credentials of the demo account for the admin API (docs/admin-api.md). */
  adminClient: IssuedClient;
}

export async function hasAnyTenant(db: Db): Promise<boolean> {
  return (await db.selectFrom('orgs').select('id').executeTakeFirst()) !== undefined;
}

export async function createDemoTenant(engine: Engine): Promise<DemoCredentials> {
  const db = engine.db;
  await tenants.createOrg(db, { id: DEMO_ORG_ID, name: 'Switchboard Demo Org' });
  const ccId = await tenants.createContactCenter(db, {
    orgId: DEMO_ORG_ID,
    apiName: DEMO_CONTACT_CENTER,
    displayName: 'Switchboard Demo Contact Center',
    scrtUrl: 'https://127.0.0.1:8443',
    settings: {
      customErrorLabels: { Switchboard_Error_TrunkDown: 'The phone line is down. Try again in a minute.' },
    },
  });
  const users: DemoCredentials['users'] = [];
  const people = [
    { username: 'ada', displayName: 'Ada Lovelace', role: 'agent' as const, sf: '005000000000001AAA' },
    { username: 'grace', displayName: 'Grace Hopper', role: 'agent' as const, sf: '005000000000002AAA' },
    { username: 'alan', displayName: 'Alan Turing', role: 'agent' as const, sf: '005000000000003AAA' },
    { username: 'sam', displayName: 'Sam Supervisor', role: 'supervisor' as const, sf: '005000000000004AAA' },
  ];
  for (const p of people) {
    const password = randomBytes(9).toString('base64url');
    const id = await tenants.createUser(db, {
      contactCenterId: ccId,
      username: p.username,
      displayName: p.displayName,
      password,
      role: p.role,
      salesforceUserId: p.sf,
    });
    users.push({ username: p.username, password, role: p.role, id });
  }
  const agentIds = users.filter((u) => u.role === 'agent').map((u) => u.id);
  const support = await tenants.createQueue(db, { contactCenterId: ccId, name: 'Support', priority: 1 });
  const sales = await tenants.createQueue(db, { contactCenterId: ccId, name: 'Sales', priority: 0 });
  const team = await tenants.createGroup(db, {
    contactCenterId: ccId,
    name: 'Tier 1',
    userIds: agentIds.slice(0, 2),
  });
  await tenants.addQueueMember(db, { queueId: support, memberType: 'group', memberId: team });
  await tenants.addQueueMember(db, {
    queueId: support,
    memberType: 'user',
    memberId: agentIds[2] as string,
    priority: 2,
  });
  for (const id of agentIds)
    await tenants.addQueueMember(db, { queueId: sales, memberType: 'user', memberId: id });
  await tenants.addPhoneNumber(db, {
    contactCenterId: ccId,
    number: DEMO_NUMBER,
    target: { type: 'queue', id: support },
    label: 'Support line',
  });
  await tenants.addPhoneNumber(db, {
    contactCenterId: ccId,
    number: '+14155550101',
    target: { type: 'queue', id: sales },
    label: 'Sales line',
  });
  await tenants.createFlow(db, { contactCenterId: ccId, devName: 'Route_To_Sales', fallbackQueueId: sales });
  await tenants.addPhonebookEntry(db, {
    contactCenterId: ccId,
    name: 'Billing department',
    phoneNumber: '+14155550199',
  });
  await tenants.addPhonebookEntry(db, {
    contactCenterId: ccId,
    name: 'Field service',
    phoneNumber: '+14155550198',
  });
  await engine.command(ccId, (tx) => setPresenceStatuses(tx, DEMO_PRESENCE_STATUSES));
  const adminClient = await issueClient(db, DEMO_ORG_ID, 'Demo');
  return {
    orgId: DEMO_ORG_ID,
    contactCenter: DEMO_CONTACT_CENTER,
    contactCenterId: ccId,
    users,
    dialedNumber: DEMO_NUMBER,
    adminClient,
  };
}
