/**
 * The operator's account commands (`npm run admin -- …`, operator.ts) on the service's database: an
 * account, its contact center and a client issued there are what the running service's admin API sees.
 */
import { describe, expect, it } from 'vitest';
import { runOperatorCommand } from '../src/admin/operator.ts';
import type { ConnectAnswer } from '../src/contracts/adminApi.ts';
import { AdminApi, postToken, useAdmin } from './adminContext.ts';

const ctx = useAdmin();
const ORG = '00D5g000004ABCD';

async function run(...args: string[]): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const code = await runOperatorCommand(ctx.dbh.db, args, (line) => out.push(line), { production: false });
  return { code, out };
}

describe('npm run admin', () => {
  it('creates an account and a contact center, issues a client whose secret the service accepts, lists and revokes it', async () => {
    expect(await run('account', ORG, 'Acme Corp')).toEqual({
      code: 0,
      out: [`account ${ORG}EA4 (Acme Corp) created`],
    });
    const cc = await run(
      'contact-center',
      ORG,
      'AcmeSupport',
      'Acme Support',
      'https://acme.my.salesforce-scrt.com',
    );
    expect(cc.code).toBe(0);
    const ccId = /contact center (CC\S+)/.exec(cc.out[0]!)?.[1];

    const issued = await run('issue', `${ORG}EA4`, 'Salesforce');
    expect(issued.code).toBe(0);
    const clientId = /client id\s+(\S+)/.exec(issued.out[0]!)?.[1] ?? '';
    const secret = /client secret\s+(\S+)/.exec(issued.out[1]!)?.[1] ?? '';
    const token = await postToken(ctx.run, {
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: secret,
    });
    expect(token.status).toBe(200);
    const api = new AdminApi(ctx.run, token.body.access_token as string);
    const connected = await api.post<ConnectAnswer>('/connect', { orgId: ORG, internalName: 'AcmeSupport' });
    expect(connected.body).toEqual({
      account: { orgId: `${ORG}EA4`, name: 'Acme Corp' },
      contactCenters: [{ id: ccId, apiName: 'AcmeSupport', displayName: 'Acme Support' }],
      boundContactCenterId: ccId,
    });

    const listed = await run('clients', ORG);
    expect(listed.out).toEqual([expect.stringMatching(new RegExp(`^${clientId}  Salesforce  issued `))]);
    expect(listed.out.join('\n')).not.toContain(secret);
    expect(await run('revoke', clientId)).toEqual({ code: 0, out: [`client ${clientId} revoked`] });
    expect((await api.get(`/contact-centers/${ccId}/queues`)).status).toBe(401);
    expect((await run('revoke', clientId)).code).toBe(1);
  });

  it('refuses bad arguments with a message and creates nothing', async () => {
    expect((await run('account', 'nope', 'X')).out).toEqual(['error: not an org id: nope']);
    expect((await run('account', ctx.tenant.orgId, 'Again')).out).toEqual([
      `error: the account ${ctx.tenant.orgId} exists`,
    ]);
    expect((await run('issue', '00D000000000999')).out).toEqual(['error: no account (org) 00D000000000999']);
    expect((await run('contact-center', ctx.tenant.orgId, 'bad name', 'X')).code).toBe(1);
    // An account is found by its org id's first 15 characters (the harness's ids are not canonical).
    expect((await run('issue', ctx.tenant.orgId.slice(0, 15))).code).toBe(0);
    expect((await run('contact-center', ctx.tenant.orgId, 'Good', 'X', 'http://example.com')).out).toEqual([
      'error: scrtUrl must be https://',
    ]);
    const usage = await run('launch');
    expect(usage.code).toBe(2);
    expect(usage.out[0]).toMatch(/^usage: npm run admin/);
    const ccs = await ctx.dbh.db
      .selectFrom('contact_centers')
      .select('id')
      .where('org_id', '=', ctx.tenant.orgId)
      .execute();
    expect(ccs).toEqual([{ id: ctx.tenant.ccId }]);
    expect(await ctx.dbh.db.selectFrom('orgs').select('id').where('id', '=', 'nope').execute()).toEqual([]);
  });
});
