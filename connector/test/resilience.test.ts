import { afterEach, describe, expect, it } from 'vitest';
import { REQUEST_TIMEOUT_MS } from '../src/serviceClient.ts';
import { useConnector } from './context.ts';
import type { Host } from './host.ts';
import { TcpProxy } from './proxy.ts';

const ctx = useConnector({ agents: 2 });

const CALLER = '+14155551234';
const settle = () => new Promise((r) => setTimeout(r, 400));

let proxy: TcpProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

/** Agent 0's page, connected to the service through a proxy the test can cut. */
async function agentBehindProxy(): Promise<Host> {
  proxy = await TcpProxy.start(ctx.port);
  return ctx.agent(0, { url: `${proxy.url}/connector/` });
}

async function connectedCall(host: Host): Promise<{ callId: string; call: Record<string, unknown> }> {
  await ctx.available(host);
  const callId = await ctx.sim.call(CALLER, ctx.tenant.number);
  const started = await host.waitFor('CALL_STARTED', (p) => p.callId === callId);
  const connected = await host.request('ACCEPT_CALL', { call: started.payload }, 'CALL_CONNECTED');
  return { callId, call: connected.payload };
}

/** The connector's own log lines (the vendor log download). */
async function vendorLog(host: Host): Promise<string> {
  const before = host.downloads.length;
  host.send('DOWNLOAD_VENDOR_LOGS');
  await host.until(() => host.downloads.length > before, 'the log download');
  return host.downloads[before]!.text;
}

/** Sends a request while the service is unreachable: the error comes at once, not after the timeout. */
async function failsFast(host: Host, type: string, fields: Record<string, unknown>, error: string) {
  const started = Date.now();
  const answer = await host.request(type, fields, 'ERROR');
  expect(answer.payload).toEqual({ message: error });
  expect(Date.now() - started).toBeLessThan(REQUEST_TIMEOUT_MS / 2);
}

describe('a lost connection', () => {
  it('fails requests fast while down, reconnects with backoff, resumes from its last event, and the call goes on', async () => {
    const host = await agentBehindProxy();
    const { callId, call } = await connectedCall(host);
    const from = host.mark();

    proxy!.refuse();
    await failsFast(host, 'MUTE', { call }, 'CAN_NOT_MUTE_CALL');
    // Meanwhile the agent puts the customer on hold on their desk phone.
    const held = await ctx.sim.post(`/agents/${ctx.tenant.agents[0]!.id}/deskphone/hold`, { callId });
    expect(held.status).toBe(200);
    await settle();
    expect(host.types(from)).toEqual(['ERROR']);

    proxy!.allow();
    const hold = await host.waitFor('HOLD_TOGGLE', undefined, from, 15_000);
    expect(hold.payload).toMatchObject({ isCustomerOnHold: true });
    expect(await vendorLog(host)).toContain('reconnected (resumed: true)');

    await host.request('RESUME', { call }, 'HOLD_TOGGLE', (p) => p.isCustomerOnHold === false);
    await host.request('END_CALL', { call }, 'HANGUP');
    await host.waitFor('AFTER_CALL_WORK_STARTED', undefined, from);
    await settle();
    expect(host.types(from)).toEqual([
      'ERROR',
      'HOLD_TOGGLE',
      'HOLD_TOGGLE',
      'HANGUP',
      'AFTER_CALL_WORK_STARTED',
    ]);
  });

  it('a dropped connection that comes straight back delivers no event twice', async () => {
    const host = await agentBehindProxy();
    const { callId, call } = await connectedCall(host);
    const from = host.mark();
    await host.request('HOLD', { call }, 'HOLD_TOGGLE');
    proxy!.cut();
    await ctx.sim.post(`/agents/${ctx.tenant.agents[0]!.id}/deskphone/resume`, { callId });
    await host.waitFor('HOLD_TOGGLE', (p) => p.isCustomerOnHold === false, from, 15_000);
    await ctx.sim.post(`/agents/${ctx.tenant.agents[0]!.id}/deskphone/mute`, { callId });
    await host.waitFor('MUTE_TOGGLE', undefined, from, 15_000);
    await settle();
    expect(host.types(from)).toEqual(['HOLD_TOGGLE', 'HOLD_TOGGLE', 'MUTE_TOGGLE']);
  });

  it('when the missed events are gone, it compares calls afresh: a call that ended meanwhile gets its HANGUP', async () => {
    const host = await agentBehindProxy();
    const { callId } = await connectedCall(host);
    const from = host.mark();
    proxy!.refuse();
    await ctx.sim.post(`/calls/${callId}/hangup`);
    // The agent's stream loses the events of the outage (as pruning would).
    await ctx.dbh.db.deleteFrom('agent_events').where('user_id', '=', ctx.tenant.agents[0]!.id).execute();
    proxy!.allow();
    const hangup = await host.waitFor('HANGUP', undefined, from, 15_000);
    expect(hangup.payload).toEqual([expect.objectContaining({ callId, state: 'ended', reason: 'ended' })]);
    expect(await vendorLog(host)).toContain('reconnected (resumed: false)');
  });
});

describe('the service goes down during a call', () => {
  it('requests fail fast; when the service is back the connector reconnects and the call works', async () => {
    const host = await ctx.agent(0);
    const { callId, call } = await connectedCall(host);
    await ctx.stop();
    await failsFast(host, 'HOLD', { call }, 'CAN_NOT_HOLD_CALL');
    await failsFast(host, 'DIAL', { contact: { phoneNumber: '+14155550142' } }, 'GENERIC_ERROR');

    await ctx.start();
    await expect
      .poll(() => ctx.run.service.streams.connectedUsers(), { timeout: 15_000, interval: 100 })
      .toBe(1);
    const from = host.mark();
    const held = await host.request('HOLD', { call }, 'HOLD_TOGGLE');
    expect(held.payload).toMatchObject({
      isCustomerOnHold: true,
      calls: [expect.objectContaining({ callId })],
    });
    await ctx.sim.post(`/calls/${callId}/hangup`);
    await host.waitFor('HANGUP', undefined, from);
  });
});

describe('a page refresh', () => {
  it('replays the active call: CONNECTOR_READY carries it, AGENT_AVAILABLE replays CALL_CONNECTED and the consult', async () => {
    const first = await ctx.agent(0);
    const { callId, call } = await connectedCall(first);
    const added = await first.request(
      'ADD_PARTICIPANT',
      { contact: { phoneNumber: '+14155550199' }, call, isBlindTransfer: false },
      'PARTICIPANT_ADDED',
    );
    const participantId = added.payload.connectionId as string;
    await ctx.sim.post(`/calls/${callId}/participants/${participantId}/answer`);
    await first.waitFor('PARTICIPANT_CONNECTED');
    const storage = first.sessionEntries();
    first.close();

    const page = ctx.open({ storage });
    const ready = await page.waitForMessage('CONNECTOR_READY');
    expect(ready.payload?.callInProgress).toMatchObject({ callId, state: 'connected', callType: 'Inbound' });
    page.send('AGENT_AVAILABLE', { isAvailable: true });
    const replayed = await page.waitFor('CALL_CONNECTED');
    expect(replayed.payload).toMatchObject({ callId, isReplayedCall: true, callInfo: { isOnHold: true } });
    const consult = await page.waitFor('PARTICIPANT_CONNECTED');
    expect(consult.payload).toMatchObject({
      callId,
      connectionId: participantId,
      phoneNumber: '+14155550199',
    });

    // And the call goes on from the new page.
    await page.request('CONFERENCE', { calls: [replayed.payload] }, 'HOLD_TOGGLE', (p) => p.isCallMerged);
  });

  it('replays a ringing offer as CALL_STARTED', async () => {
    const first = await ctx.agent(0);
    await ctx.available(first);
    const callId = await ctx.sim.call(CALLER, ctx.tenant.number);
    await first.waitFor('CALL_STARTED');
    const storage = first.sessionEntries();
    first.close();
    const page = ctx.open({ storage });
    await page.waitForMessage('CONNECTOR_READY');
    page.send('AGENT_AVAILABLE', { isAvailable: true });
    const replayed = await page.waitFor('CALL_STARTED');
    expect(replayed.payload).toMatchObject({ callId, state: 'ringing', isReplayedCall: true });
    await page.request('ACCEPT_CALL', { call: replayed.payload }, 'CALL_CONNECTED');
  });
});
