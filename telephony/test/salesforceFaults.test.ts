/**
 * Issue 12, played from Salesforce's side: the HTTP client against the API stand-in (the emulator
 * in-process) with the faults the v67 pages allow: field errors, rate limits, refusals, slow answers,
 * outages (docs/salesforce-sync.md).
 */
import { describe, expect, it } from 'vitest';
import { eventually, type Running } from './harness.ts';
import { useSalesforce } from './salesforceContext.ts';

const ctx = useSalesforce({ agents: 3 });

async function metric(run: Running, name: string): Promise<number> {
  const text = await (await fetch(`${run.baseUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`));
  return line ? Number(line.split(' ').pop()) : 0;
}

/** How many times each messageId was sent to Salesforce, single or bulk. */
function messageSends(): Map<string, number> {
  const sends = new Map<string, number>();
  for (const r of ctx.emulator.requests()) {
    // Requests answered before their body was read (an outage) carried nothing to Salesforce.
    if (!r.path.endsWith('/messages') || r.body === null) continue;
    const body = r.body as {
      messageId?: string;
      entries?: Array<{ messages: Array<{ messageId: string }> }>;
    };
    const ids = body.entries
      ? body.entries.flatMap((e) => e.messages.map((m) => m.messageId))
      : [body.messageId!];
    for (const id of ids) sends.set(id, (sends.get(id) ?? 0) + 1);
  }
  return sends;
}

describe('create answers with field errors (item 14)', () => {
  it('are logged and counted in /metrics; the record exists', async () => {
    const ada = await ctx.agent(0);
    await ada.goAvailable();
    const res = await ctx.sim.post<{ callId: string }>('/calls', {
      from: '+14155550123',
      to: ctx.tenant.number,
      attributes: { ivrChoice: 'billing', Intent__c: 'bill' },
    });
    const callId = res.body.callId;
    await ada.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callId);
    await ctx.record(callId);
    await eventually(() => ctx.logs.find((l) => l.includes('field error')), 'the field error log line');
    const line = ctx.logs.find((l) => l.includes('field error'))!;
    expect(line).toContain(callId);
    expect(line).toContain('ivrChoice');
    expect(line).not.toContain('Intent__c');
    expect(await metric(ctx.run, 'switchboard_salesforce_create_field_errors_total')).toBe(1);
  });
});

describe('transcripts under rate limiting (item 8)', () => {
  it('entries a 207 refuses with RESOURCE_EXHAUSTED are retried; entries it does not list are not resent', async () => {
    const calls: string[] = [];
    for (const i of [0, 1, 2])
      calls.push((await ctx.connectedCall(await ctx.agent(i), `+1415555030${i}`)).callId);
    // Salesforce is unreachable while the utterances are said: they wait, then go out together in bulk.
    ctx.emulator.goDown(5);
    for (const callId of calls) {
      await ctx.sim.post(`/calls/${callId}/transcript`, { speaker: 'END_USER', text: 'hello' });
      await ctx.sim.post(`/calls/${callId}/transcript`, { speaker: 'END_USER', text: 'again' });
    }
    await ctx.run.service.salesforce!.worker.runDue(); // every first attempt answered (503)
    // The first two entries Salesforce handles after the outage are over its rate limit.
    ctx.emulator.exhaustTranscripts(2, 400);
    await ctx.advance(6_000);
    for (let i = 0; i < 10; i++) await ctx.advance(2_000);
    for (const callId of calls) expect((await ctx.record(callId)).transcripts).toHaveLength(2);
    const failed = await ctx.dbh.db.selectFrom('salesforce_outbox').selectAll().execute();
    expect(failed).toEqual([]);
    // Two entries (two calls × two messages) were refused once: four messages sent twice, the rest once.
    const sends = [...messageSends().values()].filter((n) => n > 0);
    expect(sends).toHaveLength(6);
    const bulk = ctx.emulator.requests().filter((r) => r.path === '/telephony/v1/voiceCalls/messages');
    expect(bulk.some((r) => r.status === 207)).toBe(true);
    expect(sends.reduce((a, b) => a + b, 0) - 6).toBe(bulk.some((r) => r.status === 207) ? 4 : 0);
  });
});

describe('the drained log line (item 15)', () => {
  it('does not say every request was delivered when some were refused for good', async () => {
    const ada = await ctx.agent(0);
    const { callId } = await ctx.connectedCall(ada);
    ctx.emulator.goDown(5);
    await ctx.sim.post(`/calls/${callId}/transcript`, { speaker: 'END_USER', text: 'hello' });
    await ctx.advance(1_000);
    await ctx.sim.post(`/calls/${callId}/transcript`, { speaker: 'END_USER', text: 'two' });
    expect(ctx.logs.some((l) => /request\(s\) waiting/.test(l))).toBe(true);
    // The first request after the outage is refused for good.
    ctx.emulator.failNext(1, 400);
    for (let i = 0; i < 5; i++) await ctx.advance(2_000);
    const drained = await eventually(
      () => ctx.logs.find((l) => l.includes('salesforce outbox: drained')),
      'the drained line',
    );
    expect(drained).not.toContain('every waiting request was delivered');
    expect(drained).toContain('refused for good');
  });
});

describe('a record Salesforce creates from the connector (item 15)', () => {
  it('a transcript answered 404 is retried for a bounded time, then kept as failed', async () => {
    const ada = await ctx.agent(0);
    const bob = await ctx.agent(1);
    await bob.goAvailable();
    const { call } = await ada.request<{ call: { callId: string } }>('dial', {
      destination: { type: 'agent', userId: ctx.tenant.agents[1]!.id },
    });
    await bob.waitFor('CALL_STARTED');
    await bob.request('acceptCall', { callId: call.callId });
    // No connector here makes the record: the transcript finds none.
    await ctx.sim.post(`/calls/${call.callId}/transcript`, { speaker: 'HUMAN_AGENT', text: 'hi Bob' });
    const row = () =>
      ctx.dbh.db
        .selectFrom('salesforce_outbox')
        .selectAll()
        .where('op', '=', 'transcript')
        .executeTakeFirst();
    await eventually(async () => ((await row())?.attempts ?? 0) > 0, 'a first attempt');
    for (let i = 0; i < 10; i++) await ctx.advance(5_000);
    expect(await row()).toMatchObject({ state: 'pending' });
    expect(
      ctx.emulator.requests().filter((r) => r.path.endsWith('/messages') && r.status === 404).length,
    ).toBeGreaterThan(1);
    for (let i = 0; i < 30; i++) await ctx.advance(5_000);
    expect(await row()).toMatchObject({ state: 'failed' });
  });
});

describe('answers lost after Salesforce applied the request, without Idempotency-Key (item 9)', () => {
  it('a repeat is harmless under what the pages document: a transfer create retried as an Update, a transcript by its messageId', async () => {
    // No page documents Idempotency-Key: the stand-in ignores it here.
    ctx.emulator.setIdempotencyKeys(false);
    const ada = await ctx.agent(0);
    const bob = await ctx.agent(1);
    const { callId } = await ctx.connectedCall(ada);
    await ctx.record(callId);
    await bob.goAvailable();
    ctx.emulator.loseNextAnswers(1);
    const added = await ada.request<{ participantId: string }>('addParticipant', {
      callId,
      destination: { type: 'queue', queueId: ctx.tenant.queueId },
      blind: false,
    });
    await eventually(
      () => ctx.emulator.requests().some((r) => r.path === '/telephony/v1/voiceCalls' && r.status === 0),
      'the transfer create whose answer is lost',
    );
    await bob.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callId);
    await bob.request('acceptCall', { callId });
    await ada.request('conference', { callId });
    await ctx.run.service.salesforce!.worker.runDue();
    ctx.emulator.loseNextAnswers(1);
    await ctx.sim.post(`/calls/${callId}/transcript`, { speaker: 'END_USER', text: 'said once' });
    for (let i = 0; i < 6; i++) await ctx.advance(2_000);
    const records = ctx.emulator.voiceCalls().filter((r) => r.vendorCallKey === added.participantId);
    expect(records).toHaveLength(1);
    expect(records[0]!.fields.initiationMethod).toBe('Transfer');
    expect(records[0]!.parentVoiceCallId).not.toBeNull();
    const root = await ctx.record(callId);
    expect(root.transcripts.map((t) => t.content)).toEqual(['said once']);
    expect(await ctx.dbh.db.selectFrom('salesforce_outbox').selectAll().execute()).toEqual([]);
  });
});

describe('an agent-to-agent consult (item 15)', () => {
  it("its transcripts go under the consult's own vendorCallKey while the caller is on hold; after the merge, under the call's", async () => {
    const ada = await ctx.agent(0);
    const bob = await ctx.agent(1);
    const { callId } = await ctx.connectedCall(ada);
    await ctx.record(callId);
    await bob.goAvailable();
    const added = await ada.request<{ participantId: string }>('addParticipant', {
      callId,
      destination: { type: 'agent', userId: ctx.tenant.agents[1]!.id },
      blind: false,
    });
    await bob.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callId);
    await bob.request('acceptCall', { callId });
    await ctx.record(added.participantId);
    // What the connector's consult events tell Salesforce.
    ctx.emulator.markConsult(added.participantId);
    await ctx.advance(1_000);
    await ctx.sim.post(`/calls/${callId}/transcript`, {
      participantId: added.participantId,
      speaker: 'HUMAN_AGENT',
      text: 'Can you take a billing question?',
    });
    const consult = await ctx.record(added.participantId, (r) => r.transcripts.length > 0);
    expect(consult.transcripts.map((t) => [t.content, t.sentParticipantId])).toEqual([
      ['Can you take a billing question?', expect.stringMatching(/^005/)],
    ]);
    await ada.request('conference', { callId });
    await ctx.advance(1_000);
    await ctx.sim.post(`/calls/${callId}/transcript`, { speaker: 'END_USER', text: 'Hello both' });
    const root = await ctx.record(callId, (r) => r.transcripts.length > 0);
    expect(root.transcripts.map((t) => t.content)).toEqual(['Hello both']);
    expect(ctx.emulator.requests().every((r) => r.status >= 200 && r.status < 300)).toBe(true);
  });
});
