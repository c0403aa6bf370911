/**
 * The admin API's connection endpoints: connect (binding a Salesforce contact center, the picker's
 * list, the Salesforce sync switch), the key pairs through the vault, and the My Domain update; down to
 * a VoiceCall record the emulated telephony API accepts with the key the package activated.
 */
import { X509Certificate, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { telephonyApiUrl } from '../src/admin/contactCenters.ts';
import { DEVELOPMENT_SCRT_POLICY } from '../src/salesforce/scrtPolicy.ts';

const PRODUCTION = { production: true, allowedHosts: [] };
import type { ConnectAnswer, OrgDomainAnswer, PartnerKey } from '../src/contracts/adminApi.ts';
import * as tenants from '../src/engine/tenants.ts';
import { AdminApi, tokenOf, useAdmin, type ErrorAnswer } from './adminContext.ts';
import { eventually, startService } from './harness.ts';
import { issueClient } from '../src/admin/accounts.ts';

const ctx = useAdmin();
const SF_CC = '04v5g000000XyZ1AAK';

const binding = async (ccId: string) =>
  (
    await ctx.dbh.db
      .selectFrom('contact_centers')
      .select('salesforce_contact_center_id')
      .where('id', '=', ccId)
      .executeTakeFirstOrThrow()
  ).salesforce_contact_center_id;

const syncEnabled = async (ccId: string) =>
  (
    await ctx.dbh.db
      .selectFrom('salesforce_connections')
      .select('enabled')
      .where('contact_center_id', '=', ccId)
      .executeTakeFirst()
  )?.enabled ?? 0;

describe('POST /admin/v1/connect', () => {
  it('binds the contact center named by internalName and lists the account’s, by display name', async () => {
    const second = await tenants.createContactCenter(ctx.dbh.db, {
      orgId: ctx.tenant.orgId,
      apiName: 'SwitchboardSales',
      displayName: 'A sales line',
      scrtUrl: 'https://scrt.test',
    });
    const res = await ctx.api.post<ConnectAnswer>('/connect', {
      orgId: ctx.tenant.orgId.slice(0, 15),
      salesforceContactCenterId: SF_CC,
      internalName: ctx.tenant.apiName,
      displayName: 'Support',
      partnerContactCenterId: null,
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      account: { orgId: ctx.tenant.orgId, name: expect.stringMatching(/^Org /) },
      contactCenters: [
        { id: second, apiName: 'SwitchboardSales', displayName: 'A sales line' },
        { id: ctx.tenant.ccId, apiName: ctx.tenant.apiName, displayName: expect.any(String) },
      ],
      boundContactCenterId: ctx.tenant.ccId,
    });
    expect(await binding(ctx.tenant.ccId)).toBe(SF_CC);
    expect(await syncEnabled(ctx.tenant.ccId)).toBe(1);
    expect(await binding(second)).toBeNull();
    // The bound contact center answers to its Salesforce id, 15 or 18 characters.
    for (const ref of [SF_CC, SF_CC.slice(0, 15)]) {
      const queues = await ctx.api.get<{ queues: Array<{ id: string }> }>(`/contact-centers/${ref}/queues`);
      expect(queues.body.queues.map((q) => q.id)).toEqual([ctx.tenant.queueId]);
    }
  });

  it('binds the partner contact center the admin picked; a later binding of the same Salesforce contact center moves it', async () => {
    const second = await tenants.createContactCenter(ctx.dbh.db, {
      orgId: ctx.tenant.orgId,
      apiName: 'Second',
      displayName: 'Second',
      scrtUrl: 'https://scrt.test',
    });
    await ctx.api.post('/connect', {
      orgId: ctx.tenant.orgId,
      salesforceContactCenterId: SF_CC,
      internalName: ctx.tenant.apiName,
    });
    const moved = await ctx.api.post<ConnectAnswer>('/connect', {
      orgId: ctx.tenant.orgId,
      salesforceContactCenterId: SF_CC,
      internalName: ctx.tenant.apiName,
      partnerContactCenterId: second,
    });
    expect(moved.body.boundContactCenterId).toBe(second);
    expect(await binding(second)).toBe(SF_CC);
    expect(await binding(ctx.tenant.ccId)).toBeNull();
    expect(await syncEnabled(second)).toBe(1);
    expect(await syncEnabled(ctx.tenant.ccId)).toBe(0);
  });

  it('takes the telephony API URL and My Domain when connect carries them (an addition)', async () => {
    await ctx.dbh.db
      .updateTable('contact_centers')
      .set({ scrt_url: '' })
      .where('id', '=', ctx.tenant.ccId)
      .execute();
    const bound = await ctx.api.post<ConnectAnswer>('/connect', {
      orgId: ctx.tenant.orgId,
      salesforceContactCenterId: SF_CC,
      internalName: ctx.tenant.apiName,
    });
    expect(bound.body.boundContactCenterId).toBe(ctx.tenant.ccId);
    // Bound, but no URL to send to: the sync stays off.
    expect(await syncEnabled(ctx.tenant.ccId)).toBe(0);
    const res = await ctx.api.post<ConnectAnswer>('/connect', {
      orgId: ctx.tenant.orgId,
      internalName: ctx.tenant.apiName,
      scrtUrl: 'https://acme.my.salesforce-scrt.com/',
      orgDomain: 'acme.my.salesforce.com',
    });
    expect(res.body.boundContactCenterId).toBe(ctx.tenant.ccId);
    const row = await ctx.dbh.db
      .selectFrom('contact_centers')
      .select(['scrt_url', 'org_domain', 'salesforce_contact_center_id'])
      .where('id', '=', ctx.tenant.ccId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({
      scrt_url: 'https://acme.my.salesforce-scrt.com',
      org_domain: 'acme.my.salesforce.com',
      salesforce_contact_center_id: SF_CC,
    });
    expect(await syncEnabled(ctx.tenant.ccId)).toBe(1);
  });

  it('answers boundContactCenterId null when nothing matches, and binds nothing', async () => {
    const res = await ctx.api.post<ConnectAnswer>('/connect', {
      orgId: ctx.tenant.orgId,
      salesforceContactCenterId: SF_CC,
      internalName: 'SomethingElse',
      displayName: null,
      partnerContactCenterId: null,
    });
    expect(res.status).toBe(200);
    expect(res.body.boundContactCenterId).toBeNull();
    expect(res.body.contactCenters.map((c) => c.id)).toEqual([ctx.tenant.ccId]);
    expect(await binding(ctx.tenant.ccId)).toBeNull();
  });

  it('refuses another org (403), an unknown partner contact center (404) and bad bodies (400), binding nothing', async () => {
    const otherOrg = await ctx.api.post<ErrorAnswer>('/connect', {
      orgId: ctx.other.orgId,
      salesforceContactCenterId: SF_CC,
      internalName: ctx.tenant.apiName,
    });
    expect(otherOrg.status).toBe(403);
    expect(otherOrg.body.error.code).toBe('FORBIDDEN');

    const theirs = await ctx.api.post<ErrorAnswer>('/connect', {
      orgId: ctx.tenant.orgId,
      salesforceContactCenterId: SF_CC,
      partnerContactCenterId: ctx.other.ccId,
    });
    expect(theirs.status).toBe(404);
    expect(theirs.body.error).toMatchObject({
      code: 'NOT_FOUND',
      details: { partnerContactCenterId: ctx.other.ccId },
    });

    const bad: Array<[unknown, string]> = [
      [{ salesforceContactCenterId: SF_CC }, '/orgId'],
      [{ orgId: 'not-an-id' }, '/orgId'],
      [{ orgId: ctx.tenant.orgId, salesforceContactCenterId: '04v!' }, '/salesforceContactCenterId'],
      [
        { orgId: ctx.tenant.orgId, internalName: ctx.tenant.apiName, namedCredential: 'x' },
        '/namedCredential',
      ],
      [{ orgId: ctx.tenant.orgId, internalName: ctx.tenant.apiName, scrtUrl: 'ftp://x' }, '/scrtUrl'],
    ];
    for (const [body, path] of bad) {
      const res = await ctx.api.post<ErrorAnswer>('/connect', {
        internalName: ctx.tenant.apiName,
        ...(body as object),
      });
      expect([res.status, res.body.error.code, res.body.error.details?.path], JSON.stringify(body)).toEqual([
        400,
        'INVALID_PARAMS',
        path,
      ]);
    }
    expect(await binding(ctx.tenant.ccId)).toBeNull();
    expect(await binding(ctx.other.ccId)).toBeNull();
    expect(await syncEnabled(ctx.tenant.ccId)).toBe(0);
  });
});

describe('keys: GET|POST …/keys, POST …/keys/{keyId}/activate', () => {
  const keysPath = () => `/contact-centers/${ctx.tenant.ccId}/keys`;

  it('rotates (a pending key while the active one signs) and activates; the old key retires', async () => {
    await ctx.api.post('/connect', {
      orgId: ctx.tenant.orgId,
      salesforceContactCenterId: SF_CC,
      internalName: ctx.tenant.apiName,
    });
    const initial = await ctx.api.get<{ keys: PartnerKey[] }>(keysPath());
    expect(initial.body.keys.map((k) => k.status)).toEqual(['active']);
    const [active] = initial.body.keys;

    const rotated = await ctx.api.post<PartnerKey>(keysPath(), { salesforceContactCenterId: SF_CC });
    expect(rotated.status).toBe(201);
    expect(rotated.body).toMatchObject({ status: 'pending', activatedAt: null });
    const cert = new X509Certificate(rotated.body.certificatePem);
    expect(new Date(cert.validTo).getTime()).toBe(
      Math.floor(Date.parse(rotated.body.expiresAt) / 1000) * 1000,
    );
    expect(cert.publicKey.export({ type: 'spki', format: 'pem' })).toBe(
      createPublicKey(rotated.body.publicKeyPem).export({ type: 'spki', format: 'pem' }),
    );
    expect(rotated.body.createdAt).toBe(new Date(ctx.clock.now()).toISOString());
    const both = await ctx.api.get<{ keys: PartnerKey[] }>(keysPath());
    expect(both.body.keys.map((k) => [k.id, k.status])).toEqual([
      [active!.id, 'active'],
      [rotated.body.id, 'pending'],
    ]);

    // A second rotation supersedes the first pending key.
    const again = await ctx.api.post<PartnerKey>(keysPath(), { salesforceContactCenterId: null });
    const superseded = await ctx.api.post<ErrorAnswer>(`${keysPath()}/${rotated.body.id}/activate`);
    expect(superseded.status).toBe(409);
    expect(superseded.body.error.code).toBe('CONFLICT');

    ctx.clock.advance(5000);
    const activated = await ctx.api.post<PartnerKey>(`${keysPath()}/${again.body.id}/activate`);
    expect(activated.status).toBe(200);
    expect(activated.body).toMatchObject({
      id: again.body.id,
      status: 'active',
      certificatePem: again.body.certificatePem,
      activatedAt: new Date(ctx.clock.now()).toISOString(),
    });
    const after = await ctx.api.get<{ keys: PartnerKey[] }>(keysPath());
    expect(after.body.keys.map((k) => [k.id, k.status])).toEqual([[again.body.id, 'active']]);
    expect((await ctx.api.post(`${keysPath()}/${again.body.id}/activate`)).status).toBe(409);
    expect((await ctx.api.post(`${keysPath()}/${active!.id}/activate`)).status).toBe(409);
  });

  it('answers 404 for an unknown key, a key of another contact center, or another account, and changes nothing', async () => {
    const pending = await ctx.api.post<PartnerKey>(keysPath(), {});
    expect(pending.status).toBe(201);
    const unknown = await ctx.api.post<ErrorAnswer>(`${keysPath()}/KYunknown/activate`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.details).toEqual({ keyId: 'KYunknown' });
    const theirKey = await ctx.otherApi.post<PartnerKey>(`/contact-centers/${ctx.other.ccId}/keys`);
    expect(theirKey.status).toBe(201);
    expect((await ctx.api.post(`${keysPath()}/${theirKey.body.id}/activate`)).status).toBe(404);
    expect((await ctx.otherApi.post(`${keysPath()}/${pending.body.id}/activate`)).status).toBe(404);
    expect((await ctx.otherApi.get(keysPath())).status).toBe(404);
    expect((await ctx.api.post(keysPath(), { salesforceContactCenterId: 'nope!' })).status).toBe(400);
    expect((await ctx.api.post(keysPath(), { keySize: 4096 })).status).toBe(400);
    const keys = await ctx.api.get<{ keys: PartnerKey[] }>(keysPath());
    expect(keys.body.keys.map((k) => [k.id, k.status])).toEqual([
      [expect.any(String), 'active'],
      [pending.body.id, 'pending'],
    ]);
  });

  it('answers 503 UNAVAILABLE when the service runs without the Salesforce sync', async () => {
    const bare = await startService(ctx.dbh.db, { clock: ctx.clock });
    try {
      const client = await issueClient(ctx.dbh.db, ctx.tenant.orgId, 'bare', ctx.clock.now());
      const api = new AdminApi(bare, await tokenOf(bare, client));
      const res = await api.get<ErrorAnswer>(keysPath());
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('UNAVAILABLE');
      expect((await api.get(`/contact-centers/${ctx.tenant.ccId}/queues`)).status).toBe(200);
    } finally {
      await bare.stop();
    }
  });
});

describe('PUT …/org-domain', () => {
  it('stores the new telephony API URL and My Domain', async () => {
    const res = await ctx.api.put<OrgDomainAnswer>(`/contact-centers/${ctx.tenant.ccId}/org-domain`, {
      orgDomain: 'acme-new.my.salesforce.com',
      scrtUrl: 'https://acme-new.my.salesforce-scrt.com/',
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: ctx.tenant.ccId,
      scrtUrl: 'https://acme-new.my.salesforce-scrt.com',
      orgDomain: 'acme-new.my.salesforce.com',
    });
    const row = await ctx.dbh.db
      .selectFrom('contact_centers')
      .select(['scrt_url', 'org_domain'])
      .where('id', '=', ctx.tenant.ccId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({
      scrt_url: 'https://acme-new.my.salesforce-scrt.com',
      org_domain: 'acme-new.my.salesforce.com',
    });
  });

  it('refuses a URL that is not absolute https without query or fragment, and changes nothing', async () => {
    const path = `/contact-centers/${ctx.tenant.ccId}/org-domain`;
    for (const body of [
      { scrtUrl: 'http://acme.my.salesforce-scrt.com' },
      { scrtUrl: 'ftp://acme.my.salesforce-scrt.com' },
      { scrtUrl: 'https://acme.my.salesforce-scrt.com/?x=1' },
      { scrtUrl: 'https://acme.my.salesforce-scrt.com/#top' },
      { scrtUrl: 'https://user:pw@acme.my.salesforce-scrt.com' },
      { scrtUrl: 'acme.my.salesforce-scrt.com' },
      { scrtUrl: 'https://acme.my.salesforce-scrt.com', orgDomain: 'has spaces' },
      { scrtUrl: 'https://acme.my.salesforce-scrt.com', extra: true },
      { orgDomain: 'acme.my.salesforce.com' },
    ]) {
      const res = await ctx.api.put<ErrorAnswer>(path, body);
      expect([res.status, res.body.error.code], JSON.stringify(body)).toEqual([400, 'INVALID_PARAMS']);
    }
    expect((await ctx.otherApi.put(path, { scrtUrl: 'https://x.test' })).status).toBe(404);
    const row = await ctx.dbh.db
      .selectFrom('contact_centers')
      .select(['scrt_url', 'org_domain'])
      .where('id', '=', ctx.tenant.ccId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ scrt_url: 'https://scrt.test', org_domain: null });
  });

  it('accepts http on 127.0.0.1 or localhost (the emulator) only outside production', () => {
    expect(telephonyApiUrl('http://127.0.0.1:8443', DEVELOPMENT_SCRT_POLICY)).toBe('http://127.0.0.1:8443');
    expect(telephonyApiUrl('http://localhost:8443/', DEVELOPMENT_SCRT_POLICY)).toBe('http://localhost:8443');
    expect(() => telephonyApiUrl('http://127.0.0.1:8443', PRODUCTION)).toThrow(/https/);
    expect(telephonyApiUrl('https://acme.my.salesforce-scrt.com', PRODUCTION)).toBe(
      'https://acme.my.salesforce-scrt.com',
    );
  });
});

describe('the wizard against the emulated telephony API', () => {
  it('connect, then the key provisioning; the next inbound call is a VoiceCall record signed with the activated key', async () => {
    const cc = `/contact-centers/${ctx.tenant.ccId}`;
    // Salesforce tells the org's telephony API URL; the wizard connects and provisions the key.
    expect(
      (await ctx.api.put(`${cc}/org-domain`, { orgDomain: '127.0.0.1', scrtUrl: ctx.emulator.url })).status,
    ).toBe(200);
    const connected = await ctx.api.post<ConnectAnswer>('/connect', {
      orgId: ctx.tenant.orgId,
      salesforceContactCenterId: SF_CC,
      internalName: ctx.tenant.apiName,
      displayName: 'Support',
      partnerContactCenterId: null,
    });
    expect(connected.body.boundContactCenterId).toBe(ctx.tenant.ccId);
    const keys = `/contact-centers/${SF_CC}/keys`;
    const pending = await ctx.api.post<PartnerKey>(keys, { salesforceContactCenterId: SF_CC });
    const active = await ctx.api.post<PartnerKey>(`${keys}/${pending.body.id}/activate`);
    expect(active.status).toBe(200);
    // Salesforce stores the certificate it got (only that one).
    ctx.emulator.registerContactCenter({
      orgId: ctx.tenant.orgId,
      callCenterApiName: ctx.tenant.apiName,
      keys: [active.body.certificatePem],
    });

    const callId = await ctx.sim.call('+14155550123', ctx.tenant.number);
    const record = await eventually(
      () => ctx.emulator.voiceCalls().find((r) => r.vendorCallKey === callId),
      'the VoiceCall record',
    );
    expect(record.vendorCallKey).toBe(callId);
    const refused = ctx.emulator.requests().filter((r) => r.status === 401);
    expect(refused).toEqual([]);
  });
});
