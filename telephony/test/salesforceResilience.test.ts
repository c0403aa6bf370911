import { describe, expect, it } from 'vitest';
import {
  createTenant,
  connectSalesforce,
  eventually,
  startService,
  type AgentClient,
  type Running,
} from './harness.ts';
import { useSalesforce } from './salesforceContext.ts';

const ctx = useSalesforce({ agents: 3 });

const ok = (status: number) => status >= 200 && status < 300;

/** Advances the clock in steps until `done`, sending what becomes due (generous: 5 minutes). */
async function drainUntil(done: () => boolean, stepMs = 5_000): Promise<void> {
  for (let i = 0; i < 60 && !done(); i++) await ctx.advance(stepMs);
  await eventually(done, 'the outbox to drain');
}

/** The agent the call rings for (whichever the router chose), once it rings. */
function ringing(agents: AgentClient[], callId: string): Promise<AgentClient> {
  return eventually(
    () =>
      agents.find((a) => a.events.some((e) => e.event === 'CALL_STARTED' && e.data.call?.callId === callId)),
    `call ${callId} to ring`,
  );
}

async function metric(run: Running, name: string): Promise<number> {
  const text = await (await fetch(`${run.baseUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('a 60 s Salesforce outage in the middle of calls', () => {
  it('calls still route; after recovery every record, update and transcript arrives exactly once', async () => {
    const agents = await Promise.all([0, 1, 2].map((i) => ctx.agent(i)));
    for (const a of agents) await a.goAvailable();
    // A call that started before the outage, still connected when it begins.
    const before = await ctx.sim.call('+14155550200', ctx.tenant.number);
    const taking = [await ringing(agents, before)];
    await taking[0]!.request('acceptCall', { callId: before });
    await ctx.record(before);

    ctx.emulator.goDown(60);
    const during: string[] = [];
    for (const i of [0, 1]) {
      const callId = await ctx.sim.call(`+1415555021${i}`, ctx.tenant.number);
      const agent = await ringing(agents, callId);
      await agent.request('acceptCall', { callId });
      taking.push(agent);
      during.push(callId);
    }
    const all = [before, ...during];
    for (const [i, callId] of all.entries()) {
      await ctx.advance(2_000);
      await ctx.sim.post(`/calls/${callId}/transcript`, { speaker: 'END_USER', text: `hello ${i}` });
      await ctx.advance(2_000);
      await ctx.sim.post(`/calls/${callId}/transcript`, { speaker: 'HUMAN_AGENT', text: `hi ${i}` });
    }
    for (const [i, callId] of all.entries()) {
      await taking[i]!.request('endCall', { callId });
      await ctx.sim.post(`/calls/${callId}/recording`, {
        url: `https://rec.example/${i}.wav`,
        durationSeconds: 9,
      });
    }
    // The backlog is visible while Salesforce is down: the metric and a log line.
    await ctx.advance(10_000);
    expect(await metric(ctx.run, 'switchboard_salesforce_outbox_pending')).toBeGreaterThan(0);
    expect(await metric(ctx.run, 'switchboard_salesforce_outbox_oldest_age_seconds')).toBeGreaterThan(0);
    expect(ctx.logs.some((l) => /salesforce outbox: \d+ request\(s\) waiting/.test(l))).toBe(true);

    await ctx.advance(40_000); // the outage is over
    const complete = () =>
      all.every((id) => {
        const r = ctx.emulator.voiceCalls().find((v) => v.vendorCallKey === id);
        return r?.transcripts.length === 2 && r.fields.recordingLocation !== undefined;
      });
    await drainUntil(complete);
    await ctx.advance(5_000);
    expect(ctx.logs.some((l) => l.includes('salesforce outbox: drained'))).toBe(true);
    expect(await metric(ctx.run, 'switchboard_salesforce_outbox_pending')).toBe(0);

    const records = ctx.emulator.voiceCalls();
    expect(records.map((r) => r.vendorCallKey).sort()).toEqual([...all].sort());
    for (const r of records) {
      expect(r.transcripts.map((t) => t.senderType)).toEqual(['END_USER', 'HUMAN_AGENT']);
      expect(r.updates.filter((u) => u.body.isActiveCall === false)).toHaveLength(1);
      expect(r.fields).toMatchObject({ isActiveCall: false, totalRecordingDuration: 9 });
    }
    // Each request was accepted once: retries reused their idempotency key and were answered once.
    const accepted = ctx.emulator.requests().filter((r) => ok(r.status));
    const keys = accepted.map((r) => r.idempotencyKey);
    expect(new Set(keys).size).toBe(keys.length);
    // The transcripts that waited went out together through the bulk endpoint.
    expect(accepted.some((r) => r.path === '/telephony/v1/voiceCalls/messages')).toBe(true);
    const failed = await ctx.dbh.db.selectFrom('salesforce_outbox').selectAll().execute();
    expect(failed).toEqual([]);
  });

  it('a restart with a non-empty outbox sends what it held, once', async () => {
    const ada = await ctx.agent(0);
    await ada.goAvailable();
    ctx.emulator.goDown(60);
    const callId = await ctx.sim.call('+14155550220', ctx.tenant.number);
    await ada.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callId);
    await ada.request('acceptCall', { callId });
    await ctx.sim.post(`/calls/${callId}/transcript`, { speaker: 'END_USER', text: 'before the restart' });
    await ctx.advance(5_000);
    await ada.request('endCall', { callId });
    const held = await ctx.dbh.db.selectFrom('salesforce_outbox').select('op').orderBy('seq').execute();
    // The call ended before Salesforce took its create: the create became the final update (issue 12).
    expect(held.map((r) => r.op)).toEqual(['update', 'transcript']);

    await ctx.restart();
    await ctx.advance(60_000);
    await drainUntil(() => ctx.emulator.voiceCalls()[0]?.fields.isActiveCall === false);
    const [record] = ctx.emulator.voiceCalls();
    expect(record?.vendorCallKey).toBe(callId);
    expect(record?.transcripts.map((t) => t.content)).toEqual(['before the restart']);
    expect(record?.updates).toHaveLength(1);
  });

  it('a call recorded just before a crash is routed by its safety job and created after the restart', async () => {
    // The service stops between recording the call and its create: a service without the sync
    // stands for the crashed one (nothing runs the create), on the same database.
    await ctx.run.stop();
    const bare = await startService(ctx.dbh.reopen(), { clock: ctx.clock });
    const res = await fetch(`${bare.baseUrl}/sim/v1/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: '+14155550230', to: ctx.tenant.number }),
    });
    const { callId, call } = (await res.json()) as { callId: string; call: { state: string } };
    expect(call.state).toBe('queued');
    await bare.stop();
    await ctx.restart();
    const ada = await ctx.agent(0);
    await ada.goAvailable();
    expect(ada.events.some((e) => e.event === 'CALL_STARTED')).toBe(false);
    await ctx.advance(15_000);
    await ada.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callId);
    const record = await ctx.record(callId);
    expect(record.fields.initiationMethod).toBe('Inbound');
  });
});

describe('keys and tokens', () => {
  it('rotation: the old key signs until the new one is confirmed, and no request fails', async () => {
    const sync = ctx.run.service.salesforce!;
    const ada = await ctx.agent(0);
    const lifecycle = async (n: number) => {
      const { callId } = await ctx.connectedCall(ada, `+1415555030${n}`);
      await ada.request('endCall', { callId });
      await ada.request('wrapUp', { callId });
      await ctx.record(callId, (r) => r.fields.isActiveCall === false);
    };
    const [old] = await sync.vault.exportKeys(ctx.tenant.ccId);
    await lifecycle(1);
    const fresh = await sync.vault.rotate(ctx.tenant.ccId);
    expect((await sync.vault.exportKeys(ctx.tenant.ccId)).map((k) => k.status)).toEqual([
      'active',
      'pending',
    ]);
    await lifecycle(2); // still signed with the old key: Salesforce does not know the new one yet
    // The admin uploads the new certificate; Salesforce holds both until the old one is removed.
    const registration = { orgId: ctx.tenant.orgId, callCenterApiName: ctx.tenant.apiName };
    ctx.emulator.registerContactCenter({
      ...registration,
      keys: [old!.certificatePem, fresh.certificatePem],
    });
    await lifecycle(3);
    const signedBefore = sync.tokens.signatures;
    await sync.vault.confirm(ctx.tenant.ccId, fresh.keyId);
    ctx.emulator.registerContactCenter({ ...registration, keys: [fresh.certificatePem] });
    await lifecycle(4);
    expect(sync.tokens.signatures).toBe(signedBefore + 1);
    expect(ctx.emulator.requests().every((r) => ok(r.status))).toBe(true);
    const keys = await ctx.dbh.db
      .selectFrom('salesforce_keys')
      .select(['id', 'status'])
      .where('contact_center_id', '=', ctx.tenant.ccId)
      .orderBy('status', 'desc')
      .execute();
    expect(keys).toEqual([
      { id: old!.keyId, status: 'retired' },
      { id: fresh.keyId, status: 'active' },
    ]);
  });

  it('rotation: if Salesforce holds only the new certificate before the confirmation, the new key takes over', async () => {
    const sync = ctx.run.service.salesforce!;
    const ada = await ctx.agent(0);
    const [old] = await sync.vault.exportKeys(ctx.tenant.ccId);
    const fresh = await sync.vault.rotate(ctx.tenant.ccId);
    // The admin replaced the certificate in Salesforce; nobody confirmed the rotation yet.
    const registration = { orgId: ctx.tenant.orgId, callCenterApiName: ctx.tenant.apiName };
    ctx.emulator.registerContactCenter({ ...registration, keys: [fresh.certificatePem] });
    await ada.goAvailable();
    const callId = await ctx.sim.call('+14155550310', ctx.tenant.number);
    await ada.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callId);
    // The create was not lost: refused with the old key's token (twice), accepted with the new key's.
    expect(ctx.emulator.voiceCalls().map((r) => r.vendorCallKey)).toEqual([callId]);
    expect(ctx.emulator.requests().map((r) => r.status)).toEqual([401, 401, 201]);
    expect((await sync.vault.exportKeys(ctx.tenant.ccId)).map((k) => [k.keyId, k.status])).toEqual([
      [fresh.keyId, 'active'],
    ]);
    expect(ctx.logs.some((l) => l.includes(`accepted the new key ${fresh.keyId}`))).toBe(true);
    await ada.request('acceptCall', { callId });
    await ada.request('endCall', { callId });
    await ctx.record(callId, (r) => r.fields.isActiveCall === false);
    expect(
      ctx.emulator
        .requests()
        .slice(3)
        .every((r) => ok(r.status)),
    ).toBe(true);
    expect(old!.keyId).not.toBe(fresh.keyId);
  });

  it('a token signed with a key Salesforce does not hold is refused; the outbox keeps the request', async () => {
    const sync = ctx.run.service.salesforce!;
    const other = await createTenant(ctx.dbh.db, { agents: 1 });
    const foreign = await sync.vault.ensureKey(other.ccId);
    const [ours] = await sync.vault.exportKeys(ctx.tenant.ccId);
    const registration = { orgId: ctx.tenant.orgId, callCenterApiName: ctx.tenant.apiName };
    ctx.emulator.registerContactCenter({ ...registration, keys: [foreign.certificatePem] });
    const ada = await ctx.agent(0);
    await ada.goAvailable();
    const callId = await ctx.sim.call('+14155550240', ctx.tenant.number);
    await ada.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callId);
    const refused = ctx.emulator.requests();
    // 4 attempts (the create and its 3 retries), each sent again once with a newly signed token.
    expect(refused).toHaveLength(8);
    expect(refused.every((r) => r.status === 401 && r.claims === null)).toBe(true);
    expect(sync.tokens.signatures).toBe(5);
    const [row] = await ctx.dbh.db.selectFrom('salesforce_outbox').selectAll().execute();
    expect(row).toMatchObject({ op: 'create', state: 'pending' });
    expect(row?.last_error).toContain('401');

    ctx.emulator.registerContactCenter({ ...registration, keys: [ours!.certificatePem] });
    await drainUntil(() => ctx.emulator.voiceCalls().length === 1);
    expect(ctx.emulator.voiceCalls()[0]?.vendorCallKey).toBe(callId);
  });

  it('an expired token and a token for another contact center are refused', async () => {
    const sync = ctx.run.service.salesforce!;
    const other = await createTenant(ctx.dbh.db, { agents: 1 });
    await connectSalesforce(ctx.run, other, ctx.emulator);
    const subject = { ccId: ctx.tenant.ccId, orgId: ctx.tenant.orgId, apiName: ctx.tenant.apiName };
    const token = await sync.tokens.token(subject);
    const create = (bearer: string, apiName: string, key: string) =>
      fetch(`${ctx.emulator.url}/telephony/v1/voiceCalls`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${bearer}`,
          'content-type': 'application/json',
          'telephony-provider-name': 'switchboard',
        },
        body: JSON.stringify({
          callCenterApiName: apiName,
          vendorCallKey: key,
          to: '+14155550000',
          from: '+14155550001',
          initiationMethod: 'Inbound',
          startTime: new Date(ctx.clock.now()).toISOString(),
          participants: [{ participantKey: '+14155550001', type: 'END_USER' }],
        }),
      });
    expect((await create(token, ctx.tenant.apiName, 'K1')).status).toBe(201);
    // Contact center A's token for contact center B's record.
    expect((await create(token, other.apiName, 'K2')).status).toBe(401);
    // The same token after it expired (3 minutes), and the fresh one the issuer signs then.
    ctx.clock.advance(5 * 60_000);
    expect((await create(token, ctx.tenant.apiName, 'K3')).status).toBe(401);
    const renewed = await sync.tokens.token(subject);
    expect(renewed).not.toBe(token);
    expect((await create(renewed, ctx.tenant.apiName, 'K3')).status).toBe(201);
  });
});
