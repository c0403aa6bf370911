/**
 * What Salesforce maps and fetches through the admin API: transfer destinations, phone numbers,
 * intelligence services, and signed recording URLs that the service's recording links then honour.
 */
import { describe, expect, it } from 'vitest';
import type { PartnerPhoneNumber, SignedUrl, TransferDestination } from '../src/contracts/adminApi.ts';
import * as tenants from '../src/engine/tenants.ts';
import { readWav } from '../src/media/wav.ts';
import { tokenOf, useAdmin, type ErrorAnswer } from './adminContext.ts';
import type { Tenant } from './harness.ts';
import { storeRecording } from './recordingFixture.ts';

const ctx = useAdmin();
const cc = () => `/contact-centers/${ctx.tenant.ccId}`;
/** An inbound call `username` of `tenant` accepts and ends; with its recording stored unless told not to. */
async function endedCall(tenant: Tenant, username: string, recording = true): Promise<string> {
  const agent = await ctx.login(tenant, username);
  await agent.goAvailable();
  const callId = await ctx.sim.call('+14155550123', tenant.number);
  await agent.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callId);
  await agent.request('acceptCall', { callId });
  await agent.request('endCall', { callId });
  if (recording) await storeRecording(ctx.run.service, { callId, contactCenterId: tenant.ccId });
  return callId;
}

describe('GET …/transfer-destinations', () => {
  it('lists queues then flows, each by name; filters by destinationType', async () => {
    const billing = await tenants.createQueue(ctx.dbh.db, {
      contactCenterId: ctx.tenant.ccId,
      name: 'Billing',
    });
    const beta = await tenants.createFlow(ctx.dbh.db, {
      contactCenterId: ctx.tenant.ccId,
      devName: 'Beta',
      fallbackQueueId: billing,
    });
    const after = await tenants.createFlow(ctx.dbh.db, {
      contactCenterId: ctx.tenant.ccId,
      devName: 'AfterHours',
      fallbackQueueId: billing,
    });
    const all = await ctx.api.get<{ destinations: TransferDestination[] }>(`${cc()}/transfer-destinations`);
    expect(all.body.destinations).toEqual([
      { destinationType: 'queue', id: billing, name: 'Billing' },
      { destinationType: 'queue', id: ctx.tenant.queueId, name: 'Support' },
      { destinationType: 'flow', id: after, name: 'AfterHours' },
      { destinationType: 'flow', id: beta, name: 'Beta' },
    ]);
    const queues = await ctx.api.get<{ destinations: TransferDestination[] }>(
      `${cc()}/transfer-destinations?destinationType=queue`,
    );
    expect(queues.body.destinations.map((d) => d.name)).toEqual(['Billing', 'Support']);
    const flows = await ctx.api.get<{ destinations: TransferDestination[] }>(
      `${cc()}/transfer-destinations?destinationType=flow`,
    );
    expect(flows.body.destinations.map((d) => d.name)).toEqual(['AfterHours', 'Beta']);
    const bad = await ctx.api.get<ErrorAnswer>(`${cc()}/transfer-destinations?destinationType=agent`);
    expect([bad.status, bad.body.error.code]).toEqual([400, 'INVALID_PARAMS']);
    expect((await ctx.api.get(`${cc()}/transfer-destinations?type=queue`)).status).toBe(400);
    expect((await ctx.otherApi.get(`${cc()}/transfer-destinations`)).status).toBe(404);
  });
});

describe('GET …/phone-numbers', () => {
  it('lists the dialed numbers by number with country, line type, label and target', async () => {
    const flow = await tenants.createFlow(ctx.dbh.db, {
      contactCenterId: ctx.tenant.ccId,
      devName: 'Main',
      fallbackQueueId: ctx.tenant.queueId,
    });
    await tenants.addPhoneNumber(ctx.dbh.db, {
      contactCenterId: ctx.tenant.ccId,
      number: '+18002752273',
      target: { type: 'flow', id: flow },
      label: 'Free line',
    });
    await tenants.addPhoneNumber(ctx.dbh.db, {
      contactCenterId: ctx.tenant.ccId,
      number: '+442079460000',
      target: { type: 'user', id: ctx.tenant.agents[0]!.id },
      label: 'London',
    });
    const res = await ctx.api.get<{ phoneNumbers: PartnerPhoneNumber[] }>(`${cc()}/phone-numbers`);
    expect(res.body.phoneNumbers).toEqual([
      {
        phoneNumber: ctx.tenant.number,
        countryCode: 'US',
        numberType: 'FIXED_LINE_OR_MOBILE',
        label: null,
        targetType: 'queue',
        targetId: ctx.tenant.queueId,
      },
      {
        phoneNumber: '+18002752273',
        countryCode: 'US',
        numberType: 'TOLL_FREE',
        label: 'Free line',
        targetType: 'flow',
        targetId: flow,
      },
      {
        phoneNumber: '+442079460000',
        countryCode: 'GB',
        numberType: 'FIXED_LINE',
        label: 'London',
        targetType: 'user',
        targetId: ctx.tenant.agents[0]!.id,
      },
    ]);
    const theirs = await ctx.otherApi.get<{ phoneNumbers: PartnerPhoneNumber[] }>(
      `/contact-centers/${ctx.other.ccId}/phone-numbers`,
    );
    expect(theirs.body.phoneNumbers.map((n) => n.phoneNumber)).toEqual([ctx.other.number]);
  });
});

describe('GET …/intelligence-services', () => {
  it('lists the signal sources with IntelligenceSignalType names; 404 for a contact center not in the account', async () => {
    const res = await ctx.api.get(`${cc()}/intelligence-services`);
    expect(res.body).toEqual({
      services: [
        {
          service: 'SwitchboardSignals',
          label: 'Switchboard Real-Time Signals',
          signalTypes: ['Sentiment', 'Category'],
        },
      ],
    });
    expect((await ctx.otherApi.get(`${cc()}/intelligence-services`)).status).toBe(404);
    expect((await ctx.api.get(`/contact-centers/04v000000000001AAA/intelligence-services`)).status).toBe(404);
  });
});

describe('POST /admin/v1/recordings/signed-urls', () => {
  it('signs a URL per key, in request order, that serves the recording until it expires', async () => {
    const callId = await endedCall(ctx.tenant, 'agent1');
    const res = await ctx.api.post<{ items: SignedUrl[] }>('/recordings/signed-urls', {
      vendorCallKeys: ['CAmissing', callId],
      expiresInMinutes: 5,
    });
    expect(res.status).toBe(200);
    const [missing, signed] = res.body.items;
    expect(missing).toEqual({
      vendorCallKey: 'CAmissing',
      url: null,
      expiresInMinutes: null,
      errorCode: 404,
    });
    expect(signed).toMatchObject({ vendorCallKey: callId, expiresInMinutes: 5, errorCode: null });
    const expiresAt = ctx.clock.now() + 5 * 60_000;
    expect(signed!.url).toBe(
      `${ctx.run.baseUrl}/recordings/v1/${callId}?expires=${expiresAt}&sig=${new URL(signed!.url!).searchParams.get('sig')}`,
    );
    const open = await fetch(signed!.url!, { redirect: 'manual' });
    expect([open.status, open.headers.get('content-type')]).toEqual([200, 'audio/wav']);
    expect(readWav(Buffer.from(await open.arrayBuffer())).samples.length).toBe(2 * 8000);
    ctx.clock.advance(5 * 60_000 - 1);
    expect((await fetch(signed!.url!, { redirect: 'manual' })).status).toBe(200);
    ctx.clock.advance(1);
    expect((await fetch(signed!.url!, { redirect: 'manual' })).status).toBe(403);

    const defaulted = await ctx.api.post<{ items: SignedUrl[] }>('/recordings/signed-urls', {
      vendorCallKeys: [callId],
    });
    expect(defaulted.body.items[0]!.expiresInMinutes).toBe(60);
    expect(defaulted.body.items[0]!.url).toContain(`expires=${ctx.clock.now() + 60 * 60_000}&`);
  });

  it('finds a call by the key of any of its VoiceCall records, in any contact center of the account', async () => {
    const callId = await endedCall(ctx.tenant, 'agent1');
    await ctx.dbh.db
      .insertInto('salesforce_voice_calls')
      .values({
        vendor_call_key: 'PAtransferleg',
        contact_center_id: ctx.tenant.ccId,
        call_id: callId,
        leg_id: 'PAtransferleg',
        voice_call_id: '0LQ000000000001',
        flow_executed: 0,
        created_at: ctx.clock.now(),
      })
      .execute();
    const res = await ctx.api.post<{ items: SignedUrl[] }>('/recordings/signed-urls', {
      vendorCallKeys: ['PAtransferleg'],
    });
    expect(res.body.items[0]!.url).toContain(`/recordings/v1/${callId}?`);
  });

  it('answers 404 for a call of another account, 409 while the call lasts or its recording may still come', async () => {
    const theirs = await endedCall(ctx.other, 'agent1');
    const unrecorded = await endedCall(ctx.tenant, 'agent1', false);
    const agent = await ctx.login(ctx.tenant, 'agent2');
    await agent.goAvailable();
    const ongoing = await ctx.sim.call('+14155550124', ctx.tenant.number);
    await agent.waitFor('CALL_STARTED', (e) => e.data.call?.callId === ongoing);

    const ask = async () =>
      (
        await ctx.api.post<{ items: SignedUrl[] }>('/recordings/signed-urls', {
          vendorCallKeys: [theirs, ongoing, unrecorded, theirs],
        })
      ).body.items.map((i) => [i.vendorCallKey, i.errorCode, i.url]);
    expect(await ask()).toEqual([
      [theirs, 404, null],
      [ongoing, 409, null],
      [unrecorded, 409, null],
      [theirs, 404, null],
    ]);
    // An hour after the end without a recording, there will be none.
    ctx.clock.advance(60 * 60_000);
    ctx.api.token = await tokenOf(ctx.run, ctx.client);
    expect((await ask())[2]).toEqual([unrecorded, 404, null]);
    // The other account signs its own.
    ctx.otherApi = await ctx.apiFor(ctx.other);
    const own = await ctx.otherApi.post<{ items: SignedUrl[] }>('/recordings/signed-urls', {
      vendorCallKeys: [theirs],
    });
    expect(own.body.items[0]!.errorCode).toBeNull();
  });

  it("never signs a URL stored on the call that is not in the service's storage (404)", async () => {
    const callId = await endedCall(ctx.tenant, 'agent1', false);
    const posted = await ctx.sim.post(`/calls/${callId}/recording`, {
      url: 'https://media.example.com/rec/1.wav',
      durationSeconds: 42,
    });
    expect(posted.status).toBe(200);
    const res = await ctx.api.post<{ items: SignedUrl[] }>('/recordings/signed-urls', {
      vendorCallKeys: [callId],
    });
    expect(res.body.items).toEqual([
      { vendorCallKey: callId, url: null, expiresInMinutes: null, errorCode: 404 },
    ]);
  });

  it('refuses bad bodies with INVALID_PARAMS', async () => {
    for (const body of [
      { vendorCallKeys: [] },
      { vendorCallKeys: Array.from({ length: 101 }, (_, i) => `CA${i}`) },
      { vendorCallKeys: ['CA1'], expiresInMinutes: 4 },
      { vendorCallKeys: ['CA1'], expiresInMinutes: 1441 },
      { vendorCallKeys: ['CA1'], expiresInMinutes: '60' },
      { vendorCallKeys: [''] },
      { vendorCallKeys: ['CA1'], namedCredential: 'Switchboard' },
    ]) {
      const res = await ctx.api.post<ErrorAnswer>('/recordings/signed-urls', body);
      expect([res.status, res.body.error.code], JSON.stringify(body).slice(0, 80)).toEqual([
        400,
        'INVALID_PARAMS',
      ]);
    }
  });
});
