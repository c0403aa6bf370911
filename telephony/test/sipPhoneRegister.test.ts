/**
 * SIP desk phones, registration (docs/sip.md, "Desk phones"): an agent's credentials issued through
 * the admin API (password shown once, only HA1 stored; bad input and another account's user refused);
 * a phone REGISTERs with digest against them and its binding is kept in the database with its expiry;
 * a wrong password, an unknown user and a flood are refused, storing nothing.
 */
import { describe, expect, it } from 'vitest';
import { issueClient } from '../src/admin/accounts.ts';
import { header } from '../src/sip/message.ts';
import { AdminApi, tokenOf, type ErrorAnswer } from './adminContext.ts';
import { createTenant, salesforceUserId, type Running, type Tenant } from './harness.ts';
import { useMediaService, type MediaCtx } from './mediaContext.ts';
import { SipDeskPhone } from './sipDeskPhone.ts';

const SIP = { host: '127.0.0.1', port: 0, registerRate: { rate: 0.01, burst: 40 } };

interface Issued {
  username: string;
  password: string;
  registrar: string | null;
  createdAt: number;
}

async function adminOf(run: Running, tenant: Tenant): Promise<AdminApi> {
  const client = await issueClient(run.service.engine.db, tenant.orgId, 'test', Date.now());
  return new AdminApi(run, await tokenOf(run, client));
}

/** Gives the tenant's first agent its Salesforce user id (as user sync does). */
async function linkAgent(ctx: MediaCtx, tenant: Tenant, n: number): Promise<string> {
  const sfId = salesforceUserId(n);
  await ctx.dbh.db
    .updateTable('users')
    .set({ salesforce_user_id: sfId })
    .where('id', '=', tenant.agents[0]!.id)
    .execute();
  return sfId;
}

const credentialsPath = (tenant: Tenant, sfId: string) =>
  `/contact-centers/${tenant.ccId}/users/${sfId}/sip-credentials`;

async function issue(ctx: MediaCtx): Promise<{ api: AdminApi; sfId: string; creds: Issued }> {
  const api = await adminOf(ctx.run, ctx.tenant);
  const sfId = await linkAgent(ctx, ctx.tenant, 1);
  const res = await api.post<Issued>(credentialsPath(ctx.tenant, sfId), {});
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { api, sfId, creds: res.body };
}

const bindings = (ctx: MediaCtx) => ctx.dbh.db.selectFrom('sip_phone_bindings').selectAll().execute();

describe('SIP desk phones: credentials and REGISTER', () => {
  const ctx = useMediaService({ sip: SIP });

  it('issues credentials once (HA1 stored, not the password); refuses bad input and others’ users', async () => {
    const { api, sfId, creds } = await issue(ctx);
    const sip = ctx.run.service.sip!.address;
    expect(creds).toMatchObject({
      username: expect.stringMatching(/^sw[0-9a-f]{16}$/),
      password: expect.stringMatching(/^[A-Za-z0-9_-]{24}$/),
      registrar: `sip:127.0.0.1:${sip.port}`,
    });
    const rows = await ctx.dbh.db.selectFrom('sip_phone_credentials').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ user_id: ctx.tenant.agents[0]!.id, username: creds.username });
    expect(JSON.stringify(rows)).not.toContain(creds.password);

    // Issued again: new credentials; the old ones no longer register.
    const again = await api.post<Issued>(credentialsPath(ctx.tenant, sfId));
    expect(again.status).toBe(201);
    expect(again.body.username).not.toBe(creds.username);
    const phone = await SipDeskPhone.open(sip);
    try {
      expect((await phone.register(creds)).status).toBe(403);
      expect((await phone.register(again.body)).status).toBe(200);
    } finally {
      await phone.close();
    }

    const bad = await api.post<ErrorAnswer>(credentialsPath(ctx.tenant, sfId), { password: 'mine' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('INVALID_PARAMS');
    const badId = await api.post<ErrorAnswer>(credentialsPath(ctx.tenant, 'not-a-user'), {});
    expect(badId.status).toBe(400);
    const unknown = await api.post<ErrorAnswer>(credentialsPath(ctx.tenant, salesforceUserId(99)), {});
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');

    // Another account: neither its contact center nor its user is reachable with this token.
    const other = await createTenant(ctx.dbh.db, { numberSuffix: 77 });
    const otherSfId = salesforceUserId(2);
    await ctx.dbh.db
      .updateTable('users')
      .set({ salesforce_user_id: otherSfId })
      .where('id', '=', other.agents[0]!.id)
      .execute();
    expect((await api.post<ErrorAnswer>(credentialsPath(other, otherSfId), {})).status).toBe(404);
    expect((await api.post<ErrorAnswer>(credentialsPath(ctx.tenant, otherSfId), {})).status).toBe(404);
    const stored = await ctx.dbh.db.selectFrom('sip_phone_credentials').select('user_id').execute();
    expect(stored.map((r) => r.user_id)).toEqual([ctx.tenant.agents[0]!.id]);
  });

  it('REGISTER: challenged, then bound with its expiry; wrong password and unknown user get 403', async () => {
    const { creds } = await issue(ctx);
    const sip = ctx.run.service.sip!.address;
    const phone = await SipDeskPhone.open(sip);
    try {
      const challenged = await phone.send(creds.username);
      expect(challenged.status).toBe(401);
      expect(header(challenged, 'www-authenticate')).toMatch(/^Digest realm="switchboard", nonce="/);

      expect((await phone.register({ ...creds, password: 'not the password' })).status).toBe(403);
      expect(
        (await phone.register({ username: 'sw0000000000000000', password: creds.password })).status,
      ).toBe(403);
      // Right credentials for another address-of-record than their own.
      expect((await phone.register(creds, { aor: 'someone-else' })).status).toBe(403);
      expect(await bindings(ctx)).toEqual([]);

      const before = Date.now();
      const ok = await phone.register(creds, { expires: 120 });
      expect(ok.status).toBe(200);
      expect(header(ok, 'contact')).toBe(`<${phone.contactUri}>;expires=120`);
      const [bound] = await bindings(ctx);
      expect(bound).toMatchObject({
        user_id: ctx.tenant.agents[0]!.id,
        contact_uri: phone.contactUri,
        source_address: '127.0.0.1',
      });
      expect(Number(bound!.source_port)).toBe(phone.port);
      expect(Number(bound!.expires_at)).toBeGreaterThanOrEqual(before + 119_000);
      expect(Number(bound!.expires_at)).toBeLessThanOrEqual(Date.now() + 120_000);

      // Longer than the most is capped; too short is 423 with Min-Expires and changes nothing.
      expect(header(await phone.register(creds, { expires: 86_400 }), 'contact')).toMatch(/;expires=3600$/);
      const brief = await phone.register(creds, { expires: 5 });
      expect(brief.status).toBe(423);
      expect(header(brief, 'min-expires')).toBe('60');
      expect(await bindings(ctx)).toHaveLength(1);

      // A query (no Contact) lists the binding; Expires 0 removes it.
      expect(header(await phone.register(creds, { contact: null }), 'contact')).toMatch(
        new RegExp(`^<${phone.contactUri}>;expires=\\d+$`),
      );
      expect((await phone.register(creds, { expires: 0 })).status).toBe(200);
      expect(await bindings(ctx)).toEqual([]);
    } finally {
      await phone.close();
    }
  });
});

describe('SIP desk phones: REGISTER rate limit', () => {
  const ctx = useMediaService({ sip: { ...SIP, registerRate: { rate: 0.01, burst: 3 } } });

  it('answers 503 with Retry-After past the REGISTER rate of a source, before any credential check', async () => {
    const { creds } = await issue(ctx);
    const phone = await SipDeskPhone.open(ctx.run.service.sip!.address);
    try {
      const answers = [];
      for (let i = 0; i < 5; i++) answers.push(await phone.send(creds.username));
      expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 503, 503]);
      expect(header(answers[4]!, 'retry-after')).toBe('1');
      // Even the right answer to a challenge is refused while over the rate.
      expect((await phone.register(creds)).status).toBe(503);
      expect(await bindings(ctx)).toEqual([]);
    } finally {
      await phone.close();
    }
  });
});
