/**
 * What the package's tools and Apex meet on the real service: `{cc}` = `bound` (the Apex requests
 * that carry no readable contact center id), and `npm run org:contact-center`'s certificate fetch
 * and contact center definition (scripts/package/contactCenterXml.ts).
 */
import { X509Certificate } from 'node:crypto';
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import * as tenants from '../src/engine/tenants.ts';
import {
  activeCertificate,
  packageValues,
  readTemplate,
  renderContactCenterXml,
} from '../../scripts/package/contactCenterXml.ts';
import { useAdmin, type ErrorAnswer } from './adminContext.ts';

/** What this test reads of a key (docs/admin-api.md, Keys). */
interface PartnerKey {
  status: string;
  certificatePem: string;
}

const ctx = useAdmin();
const SF_CC = '04v5g000000XyZ1AAK';
const ROOT = new URL('../..', import.meta.url).pathname;

async function connect(): Promise<void> {
  const answer = await ctx.api.post('/connect', {
    orgId: ctx.tenant.orgId,
    salesforceContactCenterId: SF_CC,
    internalName: ctx.tenant.apiName,
  });
  expect(answer.status).toBe(200);
}

describe('{cc} = bound', () => {
  it('names the account’s one bound contact center, and nothing before connect', async () => {
    const before = await ctx.api.get<ErrorAnswer>('/contact-centers/bound/queues');
    expect(before.status).toBe(404);
    expect(before.body.error.code).toBe('NOT_FOUND');
    await connect();
    const bound = await ctx.api.get<{ queues: Array<{ id: string }> }>('/contact-centers/bound/queues');
    const byId = await ctx.api.get<{ queues: Array<{ id: string }> }>(
      `/contact-centers/${ctx.tenant.ccId}/queues`,
    );
    expect(bound.status).toBe(200);
    expect(bound.body).toEqual(byId.body);
    expect(bound.body.queues.map((q) => q.id)).toContain(ctx.tenant.queueId);
  });

  it('is refused with 409 while two contact centers are bound, and changes nothing', async () => {
    await connect();
    const second = await tenants.createContactCenter(ctx.dbh.db, {
      orgId: ctx.tenant.orgId,
      apiName: 'Second',
      displayName: 'Second',
      scrtUrl: 'https://acme.my.salesforce-scrt.com',
    });
    await ctx.dbh.db
      .updateTable('contact_centers')
      .set({ salesforce_contact_center_id: '04v5g000000XyZ2AAK' })
      .where('id', '=', second)
      .execute();
    const answer = await ctx.api.post<ErrorAnswer>('/contact-centers/bound/queues', { name: 'Billing' });
    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe('CONFLICT');
    const queues = await ctx.dbh.db
      .selectFrom('queues')
      .select('name')
      .where('name', '=', 'Billing')
      .execute();
    expect(queues).toEqual([]);
  });
});

describe('npm run org:contact-center', () => {
  it('fetches the active certificate with the account’s client and fills in the definition', async () => {
    await connect();
    const keys = await ctx.api.get<{ keys: PartnerKey[] }>(`/contact-centers/${ctx.tenant.ccId}/keys`);
    const active = keys.body.keys.find((k) => k.status === 'active');
    const client = {
      serviceUrl: ctx.run.baseUrl,
      clientId: ctx.client.clientId,
      clientSecret: ctx.client.clientSecret,
    };
    const pem = await activeCertificate(client, ctx.tenant.ccId);
    expect(pem).toBe(active?.certificatePem);
    expect(new X509Certificate(pem).subject).not.toBe('');

    const xml = renderContactCenterXml(readTemplate(ROOT), {
      internalName: ctx.tenant.apiName,
      displayName: 'Acme <Support>',
      certificatePem: pem,
      longDistancePrefix: '1',
      serviceUrl: 'https://switchboard.acme.test',
      ...packageValues('switchboard'),
    });
    const doc = new JSDOM(xml, { contentType: 'text/xml' }).window.document;
    const item = (name: string) => doc.querySelector(`item[name="${name}"]`)?.textContent;
    expect(item('reqTelephonyIntegrationCertificate')).toBe(pem);
    expect(item('reqVendorInfoApiName')).toBe('switchboard__Switchboard');
    expect(item('reqErrorLabelNamespace')).toBe('switchboard');
    expect(item('reqServiceUrl')).toBe('https://switchboard.acme.test');
    expect(item('reqDisplayName')).toBe('Acme <Support>');
    expect(xml).not.toMatch(/\{\{\w+\}\}/);
  });

  it('says why when the client or the contact center is wrong', async () => {
    await connect();
    const client = { serviceUrl: ctx.run.baseUrl, clientId: ctx.client.clientId, clientSecret: 'wrong' };
    await expect(activeCertificate(client, ctx.tenant.ccId)).rejects.toThrow(
      /refused the client credentials \(401/,
    );
    const right = { ...client, clientSecret: ctx.client.clientSecret };
    await expect(activeCertificate(right, 'CCnope')).rejects.toThrow(/404 NOT_FOUND/);
  });
});
