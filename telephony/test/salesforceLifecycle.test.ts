import { describe, expect, it } from 'vitest';
import { AgentClient, createTenant, eventually, salesforceUserId } from './harness.ts';
import { useSalesforce } from './salesforceContext.ts';

const RECORD_TYPE = '012000000000001AAA';
const ctx = useSalesforce({ agents: 3, voiceCallRecordTypeId: RECORD_TYPE });

const ok = (status: number) => status >= 200 && status < 300;

describe('an inbound call in Salesforce', () => {
  it('is created before it rings, then gets its transcripts and its post-call update', async () => {
    const ada = await ctx.agent(0);
    await ada.goAvailable();
    const res = await ctx.sim.post<{ callId: string }>('/calls', {
      from: '+14155550123',
      to: ctx.tenant.number,
      attributes: { ivrChoice: 'billing' },
    });
    const callId = res.body.callId;
    await ada.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callId);
    // Voice resiliency's normal case: the record exists when the agent's phone rings.
    const created = ctx.emulator.voiceCalls().find((r) => r.vendorCallKey === callId);
    expect(created?.fields).toMatchObject({
      initiationMethod: 'Inbound',
      from: '+14155550123',
      to: ctx.tenant.number,
      startTime: new Date(ctx.clock.now()).toISOString(),
      callAttributes: { ivrChoice: 'billing', RecordTypeId: RECORD_TYPE },
    });
    expect(created?.participants).toEqual([{ participantKey: '+14155550123', type: 'END_USER' }]);

    await ada.request('acceptCall', { callId });
    await ada.waitFor('CALL_CONNECTED');
    const view = await ctx.sim.get<{ participants: Array<{ id: string; role: string }> }>(`/calls/${callId}`);
    const caller = view.body.participants.find((p) => p.role === 'initial_caller')!.id;
    ctx.clock.advance(5_000);
    await ctx.sim.post(`/calls/${callId}/transcript`, { speaker: 'END_USER', text: 'My bill is wrong' });
    ctx.clock.advance(5_000);
    await ctx.sim.post(`/calls/${callId}/transcript`, { speaker: 'HUMAN_AGENT', text: 'Let me check' });
    await ada.request('hold', { callId, participantId: caller });
    // Nothing is transcribed while the customer is on hold (Salesforce drops it; we do not send it).
    await ctx.sim.post(`/calls/${callId}/transcript`, { speaker: 'END_USER', text: 'hold music' });
    ctx.clock.advance(20_000);
    await ada.request('resume', { callId, participantId: caller });
    ctx.clock.advance(30_000);
    await ada.request('endCall', { callId });
    await ctx.sim.post(`/calls/${callId}/recording`, {
      url: 'https://rec.example/1.wav',
      durationSeconds: 60,
    });

    const record = await ctx.record(callId, (r) => r.fields.recordingLocation !== undefined);
    expect(record.transcripts.map((t) => [t.senderType, t.content, t.sentParticipantId])).toEqual([
      ['END_USER', 'My bill is wrong', `${callId}END_USER`],
      ['HUMAN_AGENT', 'Let me check', salesforceUserId(1)],
    ]);
    expect(record.fields).toMatchObject({
      endTime: new Date(ctx.clock.now()).toISOString(),
      isActiveCall: false,
      disconnectReason: { value: 'AGENT_HANGUP', isError: false },
      agent: ctx.tenant.agents[0]!.username,
      queue: 'Support',
      recordingLocation: 'https://rec.example/1.wav',
      totalRecordingDuration: 60,
      totalHoldDuration: 20,
      agentInteractionDuration: 40,
    });
    expect(record.callDisposition).toBe('completed');

    const requests = ctx.emulator.requests();
    expect(requests.every((r) => ok(r.status))).toBe(true);
    const kinds = requests.map((r) => `${r.method} ${r.path.replace(record.voiceCallId, '{id}')}`);
    expect(kinds[0]).toBe('POST /telephony/v1/voiceCalls');
    // The two utterances one by one, or together in one bulk request if both waited.
    expect(kinds.slice(1, -2).length).toBeGreaterThan(0);
    for (const k of kinds.slice(1, -2))
      expect([
        `POST /telephony/v1/voiceCalls/${callId}/messages`,
        'POST /telephony/v1/voiceCalls/messages',
      ]).toContain(k);
    expect(kinds.slice(-2)).toEqual([
      'PATCH /telephony/v1/voiceCalls/{id}',
      'PATCH /telephony/v1/voiceCalls/{id}',
    ]);
    expect(new Set(requests.map((r) => r.idempotencyKey)).size).toBe(requests.length);
    expect(requests.every((r) => r.claims?.sub === ctx.tenant.apiName)).toBe(true);
    // One token for the whole call: signed once, reused.
    expect(ctx.run.service.salesforce!.tokens.signatures).toBe(1);
  });

  it('is routed anyway when every create attempt fails, and created later by the outbox', async () => {
    const ada = await ctx.agent(0);
    await ada.goAvailable();
    ctx.emulator.failNext(4, 503);
    const callId = await ctx.sim.call('+14155550124', ctx.tenant.number);
    await ada.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callId);
    const creates = () => ctx.emulator.requests().filter((r) => r.path === '/telephony/v1/voiceCalls');
    expect(creates().map((r) => r.status)).toEqual([503, 503, 503, 503]);
    expect(ctx.logs.some((l) => l.includes(`create for ${callId} failed 4 times`))).toBe(true);
    await ctx.run.service.salesforce!.worker.runDue();
    expect(creates()).toHaveLength(4);
    await ada.request('acceptCall', { callId });
    // The outbox retries after its backoff (8 s after 4 failures) while the call goes on.
    await ctx.advance(10_000);
    await ada.request('endCall', { callId });
    await ctx.advance(1_000);
    const record = await ctx.record(callId, (r) => r.fields.isActiveCall === false);
    expect(record.fields.initiationMethod).toBe('Inbound');
    expect(creates().map((r) => r.status)).toEqual([503, 503, 503, 503, 201]);
    expect(new Set(creates().map((r) => r.idempotencyKey)).size).toBe(1);
  });
});

describe('supervisors and contact centers that are not connected', () => {
  it("a supervisor who barged in is transcribed as SUPERVISOR on the call's first key", async () => {
    const ada = await ctx.agent(0);
    const boss = await ctx.supervisor();
    const { callId } = await ctx.connectedCall(ada);
    await boss.request('superviseCall', { callId });
    await boss.request('bargeIn', { callId });
    const legs = await ctx.sim.get<{ participants: Array<{ id: string; role: string }> }>(`/calls/${callId}`);
    const supervisorLeg = legs.body.participants.find((p) => p.role === 'supervisor')!.id;
    await ctx.sim.post(`/calls/${callId}/transcript`, {
      participantId: supervisorLeg,
      speaker: 'SUPERVISOR',
      text: 'I can help with that',
    });
    const record = await ctx.record(callId, (r) => r.transcripts.length === 1);
    expect(record.transcripts[0]).toMatchObject({
      senderType: 'SUPERVISOR',
      sentParticipantId: `${callId}SUPERVISOR`,
      content: 'I can help with that',
    });
  });

  it('a contact center without a Salesforce connection sends nothing and queues nothing', async () => {
    const other = await createTenant(ctx.dbh.db, { agents: 1 });
    const agent = await AgentClient.login(ctx.run, other, other.agents[0]!.username);
    try {
      await agent.goAvailable();
      const callId = await ctx.sim.call('+14155550128', other.number);
      const started = await agent.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callId);
      expect(started.data.call?.state).toBe('ringing');
      await agent.request('acceptCall', { callId });
      await ctx.sim.post(`/calls/${callId}/transcript`, { speaker: 'END_USER', text: 'hello' });
      await agent.request('endCall', { callId });
      await ctx.advance(60_000);
      expect(ctx.emulator.requests()).toEqual([]);
      expect(await ctx.dbh.db.selectFrom('salesforce_outbox').selectAll().execute()).toEqual([]);
      expect(await ctx.dbh.db.selectFrom('salesforce_voice_calls').selectAll().execute()).toEqual([]);
    } finally {
      agent.close();
    }
  });
});

describe('calls other than inbound', () => {
  it('an internal call is synced by its post-call update (Salesforce creates outbound records itself)', async () => {
    const ada = await ctx.agent(0);
    const bob = await ctx.agent(1);
    await bob.goAvailable();
    const { call } = await ada.request<{ call: { callId: string } }>('dial', {
      destination: { type: 'agent', userId: ctx.tenant.agents[1]!.id },
    });
    await bob.waitFor('CALL_STARTED');
    await bob.request('acceptCall', { callId: call.callId });
    ctx.clock.advance(15_000);
    await bob.request('endCall', { callId: call.callId });
    const record = await ctx.record(call.callId, (r) => r.fields.isActiveCall === false);
    expect(record.fields).toMatchObject({
      endTime: new Date(ctx.clock.now()).toISOString(),
      agent: 'agent2',
    });
    const paths = ctx.emulator.requests().map((r) => `${r.method} ${r.path}`);
    expect(paths).toEqual([`PATCH /telephony/v1/voiceCalls/${call.callId}`]);
  });

  it('a queued callback: the initial call closes as CALLBACK (the Update page), the callback is updated when done', async () => {
    const ada = await ctx.agent(0);
    await ada.request('setAgentStatus', { statusId: '0N5xx0000004D3U' });
    const initial = await ctx.sim.call('+14155550125', ctx.tenant.number);
    await ctx.record(initial);
    const cb = await ctx.sim.post<{ callId: string }>(`/calls/${initial}/callback`, {});
    const callbackId = cb.body.callId;
    const first = await ctx.record(initial, (r) => r.fields.isActiveCall === false);
    expect(first.fields.disconnectReason).toEqual({ value: 'CALLBACK', isError: false });

    await ada.goAvailable();
    await ada.waitFor('QUEUED_CALL_STARTED', (e) => e.data.call?.callId === callbackId);
    await ada.request('acceptCall', { callId: callbackId });
    await ctx.sim.post(`/calls/${callbackId}/answer`);
    ctx.clock.advance(30_000);
    await ada.request('endCall', { callId: callbackId });
    const callback = await ctx.record(callbackId, (r) => r.fields.isActiveCall === false);
    expect(callback.fields).toMatchObject({ fromNumber: '+14155550125', agent: 'agent1' });
    expect(ctx.emulator.requests().every((r) => ok(r.status))).toBe(true);
  });

  it('a voicemail follows the guide: open as Voicemail, transcript, flow by dialed number, final update', async () => {
    // Nobody staffs the queue: the call goes to voicemail.
    ctx.emulator.setFlowRules([
      { dialedNumber: ctx.tenant.number, route: { type: 'queue', queueId: 'VM_QUEUE' } },
    ]);
    const callId = await ctx.sim.call('+14155550126', ctx.tenant.number);
    await ctx.record(callId);
    ctx.clock.advance(20_000);
    await ctx.sim.post(`/calls/${callId}/voicemail`, {
      url: 'https://rec.example/vm.wav',
      durationSeconds: 18,
      transcript: 'Please call me back about my order',
    });
    const record = await ctx.record(callId, (r) => r.fields.isActiveCall === false);
    const calls = ctx.emulator
      .requests()
      .map((r) => ({ what: `${r.method} ${r.path.split('/').slice(3).join('/')}`, body: r.body }));
    expect(calls.map((c) => c.what)).toEqual([
      'POST voiceCalls',
      `PATCH voiceCalls/${record.voiceCallId}`,
      `POST voiceCalls/${callId}/messages`,
      `PATCH voiceCalls/${record.voiceCallId}/omniFlow`,
      `PATCH voiceCalls/${record.voiceCallId}`,
    ]);
    expect(calls[1]!.body).toEqual({ isActiveCall: true, callOrigin: 'Voicemail' });
    // No fallbackQueue: the service knows no Salesforce queue developer name or id (issue 12).
    expect(calls[3]!.body).toEqual({ dialedNumber: ctx.tenant.number });
    expect(record.flowExecutions[0]?.route).toEqual({ type: 'queue', queueId: 'VM_QUEUE' });
    expect(record.transcripts.map((t) => t.content)).toEqual(['Please call me back about my order']);
    expect(record.fields).toMatchObject({
      callOrigin: 'Voicemail',
      recordingLocation: 'https://rec.example/vm.wav',
      totalRecordingDuration: 18,
      disconnectReason: { value: 'VOICEMAIL', isError: false },
    });
  });
});

describe('transfers and conferences', () => {
  it('a consult to a queue creates a Transfer record; after the conference each record gets its own update', async () => {
    const ada = await ctx.agent(0);
    const bob = await ctx.agent(1);
    const { callId } = await ctx.connectedCall(ada);
    await ctx.record(callId);
    await bob.goAvailable();
    const added = await ada.request<{ participantId: string }>('addParticipant', {
      callId,
      destination: { type: 'queue', queueId: ctx.tenant.queueId },
      blind: false,
    });
    await bob.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callId);
    await bob.request('acceptCall', { callId });
    await ada.request('conference', { callId });
    ctx.clock.advance(5_000);
    await ctx.sim.post(`/calls/${callId}/transcript`, {
      participantId: added.participantId,
      speaker: 'HUMAN_AGENT',
      text: 'Hello, I am the specialist',
    });
    ctx.clock.advance(5_000);
    await ada.request('endCall', { callId });
    ctx.clock.advance(20_000);
    await bob.request('endCall', { callId });

    const root = await ctx.record(callId, (r) => r.fields.isActiveCall === false);
    const transfer = await ctx.record(added.participantId, (r) => r.fields.isActiveCall === false);
    // `queue` on the create is the queue's id; the update's `queue` is the name of the agent's queue.
    expect(transfer.fields).toMatchObject({
      initiationMethod: 'Transfer',
      queue: 'Support',
      agent: 'agent2',
    });
    const create = ctx.emulator
      .requests()
      .find((r) => (r.body as { vendorCallKey?: string }).vendorCallKey === added.participantId);
    expect(create?.body).toMatchObject({ queue: ctx.tenant.queueId, parentVoiceCallId: callId });
    expect(transfer.previousCallId).toBe(root.voiceCallId);
    expect(transfer.conversationKey).toBe(callId);
    // The transferred agent's words go to the conversation's first key.
    expect(root.transcripts.map((t) => [t.senderType, t.sentParticipantId])).toEqual([
      ['HUMAN_AGENT', salesforceUserId(2)],
    ]);
    expect(Date.parse(transfer.fields.endTime as string)).toBe(ctx.clock.now());
    expect(Date.parse(root.fields.endTime as string)).toBe(ctx.clock.now());
    expect(ctx.emulator.requests().every((r) => ok(r.status))).toBe(true);
  });

  it('a transfer to an Omni-Channel flow goes where the flow says (an agent by the ExternalId user sync returned)', async () => {
    // The flow answers CallCenterRoutingMap ExternalIds: the partner user id, not the Salesforce user id.
    ctx.emulator.setFlowRules([
      { flowDevName: 'Route_To_Expert', route: { type: 'agent', userId: ctx.tenant.agents[2]!.id } },
    ]);
    const { createFlow } = await import('../src/engine/tenants.ts');
    await createFlow(ctx.dbh.db, {
      contactCenterId: ctx.tenant.ccId,
      devName: 'Route_To_Expert',
      fallbackQueueId: ctx.tenant.queueId,
    });
    const ada = await ctx.agent(0);
    const bob = await ctx.agent(1);
    const cy = await ctx.agent(2);
    const { callId } = await ctx.connectedCall(ada);
    await bob.goAvailable();
    await cy.goAvailable();
    const added = await ada.request<{ participantId: string }>('addParticipant', {
      callId,
      destination: { type: 'flow', flowName: 'Route_To_Expert' },
      blind: true,
    });
    // Bob is available and longest idle in the fallback queue, but the flow chose Cy.
    await cy.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callId);
    expect(bob.events.some((e) => e.event === 'CALL_STARTED')).toBe(false);
    const transfer = await ctx.record(added.participantId, (r) => r.flowExecutions.length > 0);
    expect(transfer.flowExecutions[0]).toMatchObject({
      request: { flowDevName: 'Route_To_Expert' },
      matchedBy: 'flowDevName',
    });
    // No fallbackQueue: the page wants a Salesforce queue developer name or id, not our queue id.
    expect(transfer.flowExecutions[0]!.request.fallbackQueue).toBeUndefined();
    // Cy declines: the pending routing is cleared, the leg goes to the fallback queue (Bob).
    await cy.request('declineCall', { callId });
    await bob.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callId);
    await eventually(
      () =>
        ctx.emulator.voiceCalls().find((r) => r.vendorCallKey === added.participantId)?.routingClears
          .length === 1,
      'the routing to be cleared',
    );
  });

  it('an inbound number that routes through a flow rings where the flow says', async () => {
    const { createFlow, createQueue, addQueueMember, addPhoneNumber } =
      await import('../src/engine/tenants.ts');
    const vip = await createQueue(ctx.dbh.db, { contactCenterId: ctx.tenant.ccId, name: 'VIP', priority: 1 });
    await addQueueMember(ctx.dbh.db, {
      queueId: vip,
      memberType: 'user',
      memberId: ctx.tenant.agents[2]!.id,
    });
    const flowId = await createFlow(ctx.dbh.db, {
      contactCenterId: ctx.tenant.ccId,
      devName: 'Inbound_Flow',
      fallbackQueueId: ctx.tenant.queueId,
    });
    const number = await addPhoneNumber(ctx.dbh.db, {
      contactCenterId: ctx.tenant.ccId,
      number: '+14155559876',
      target: { type: 'flow', id: flowId },
    });
    ctx.emulator.setFlowRules([{ dialedNumber: number, route: { type: 'queue', queueId: vip } }]);
    const ada = await ctx.agent(0);
    const cy = await ctx.agent(2);
    await ada.goAvailable();
    await cy.goAvailable();
    const callId = await ctx.sim.call('+14155550127', number);
    await cy.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callId);
    expect(ada.events.some((e) => e.event === 'CALL_STARTED')).toBe(false);
    const record = await ctx.record(callId, (r) => r.flowExecutions.length > 0);
    expect(record.flowExecutions[0]).toMatchObject({
      request: { dialedNumber: number, flowDevName: 'Inbound_Flow' },
      matchedBy: 'dialedNumber',
    });
    expect(record.flowExecutions[0]!.request.fallbackQueue).toBeUndefined();
    // The caller hangs up while it rings: nobody answered, the pending routing is cleared.
    await ctx.sim.post(`/calls/${callId}/hangup`);
    const ended = await ctx.record(callId, (r) => r.fields.isActiveCall === false);
    expect(ended.routingClears).toHaveLength(1);
    expect(ended.fields.disconnectReason).toEqual({ value: 'ABANDONED', isError: false });
  });
});
