/**
 * The operator's commands for admin API accounts (`npm run admin -- …`): create an account (an org)
 * and its contact centers, issue, list and revoke OAuth clients. The secret is printed once.
 */
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { createContactCenter, createOrg } from '../engine/tenants.ts';
import { issueClient, listClients, revokeClient } from './accounts.ts';
import { telephonyApiUrl } from './contactCenters.ts';
import { AdminError } from './errors.ts';
import { canonicalSalesforceId, SALESFORCE_ID_PATTERN } from '../../../shared/salesforceIds.ts';

export const USAGE = `usage: npm run admin -- <command>
  account <orgId> <name>                                   create an account (a Salesforce org)
  contact-center <orgId> <apiName> <displayName> [scrtUrl] create a contact center of the account
  issue <orgId> [label]                                    issue an OAuth client (id and secret, shown once)
  clients <orgId>                                          list the account's clients
  revoke <clientId>                                        revoke a client and end its tokens`;

function orgIdOf(raw: string | undefined): string {
  if (!raw || !new RegExp(SALESFORCE_ID_PATTERN).test(raw)) throw new Error(`not an org id: ${raw ?? ''}`);
  return canonicalSalesforceId(raw);
}

/** The account whose org id has the same first 15 characters (the id's case-sensitive part). */
async function accountOf(db: Db, raw: string | undefined): Promise<string> {
  const orgId = orgIdOf(raw);
  const row = await db
    .selectFrom('orgs')
    .select('id')
    .where(sql<string>`substr(id, 1, 15)`, '=', orgId.slice(0, 15))
    .executeTakeFirst();
  if (!row) throw new Error(`no account (org) ${raw ?? ''}`);
  return row.id;
}

/** Runs one command; prints with `print`; the process exit code. */
export async function runOperatorCommand(
  db: Db,
  args: string[],
  print: (line: string) => void,
  options: { production: boolean; scrtAllowedHosts?: string[] },
): Promise<number> {
  const [command, ...rest] = args;
  try {
    switch (command) {
      case 'account': {
        const [org, name] = rest;
        if (!name) break;
        const orgId = orgIdOf(org);
        const exists = await accountOf(db, orgId).catch(() => null);
        if (exists) throw new Error(`the account ${exists} exists`);
        await createOrg(db, { id: orgId, name });
        print(`account ${orgId} (${name}) created`);
        return 0;
      }
      case 'contact-center': {
        const [org, apiName, displayName, scrtUrl] = rest;
        if (!apiName || !displayName) break;
        if (!/^[A-Za-z][A-Za-z0-9_]{0,79}$/.test(apiName)) throw new Error(`not an API name: ${apiName}`);
        const orgId = await accountOf(db, org);
        const id = await createContactCenter(db, {
          orgId,
          apiName,
          displayName,
          scrtUrl: scrtUrl
            ? telephonyApiUrl(scrtUrl, {
                production: options.production,
                allowedHosts: options.scrtAllowedHosts ?? [],
              })
            : '',
        });
        print(`contact center ${id} (${apiName}) created in account ${orgId}`);
        return 0;
      }
      case 'issue': {
        const client = await issueClient(db, await accountOf(db, rest[0]), rest[1] ?? 'Salesforce');
        print(`client id     ${client.clientId}`);
        print(`client secret ${client.clientSecret}`);
        print('(the secret is shown once: it is stored hashed)');
        return 0;
      }
      case 'clients': {
        for (const c of await listClients(db, await accountOf(db, rest[0])))
          print(
            `${c.id}  ${c.label}  issued ${new Date(c.created_at).toISOString()}${c.revoked_at === null ? '' : `  revoked ${new Date(c.revoked_at).toISOString()}`}`,
          );
        return 0;
      }
      case 'revoke': {
        if (!rest[0]) break;
        const revoked = await revokeClient(db, rest[0]);
        print(revoked ? `client ${rest[0]} revoked` : `no live client ${rest[0]}`);
        return revoked ? 0 : 1;
      }
    }
  } catch (err) {
    print(`error: ${err instanceof AdminError || err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
  print(USAGE);
  return 2;
}
