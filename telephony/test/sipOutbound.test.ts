/**
 * Outbound calls through a SIP trunk, with SIPp as the carrier's side (docs/sip.md, "Outbound"): an
 * agent's dial becomes an INVITE; the carrier's answer connects the call with audio both ways (tone
 * detection); busy, unavailable and unanswered calls reach the agent as the developer guide's failed
 * call (HANGUP `error`, `FailedConnectCustomer`); hang-ups go both ways.
 */
import { describe, expect, it } from 'vitest';
import { issueClient } from '../src/admin/accounts.ts';
import { AdminApi, tokenOf } from './adminContext.ts';
import { eventually, type AgentClient } from './harness.ts';
import { useMediaService, until, type MediaCtx } from './mediaContext.ts';
import { RtpPhone } from './rtpPhone.ts';
import { answerScenario, freePort, rejectScenario, runSipp, type SippRun } from './sipCarrier.ts';

const CUSTOMER = 700;
const AGENT = 1100;
const DIALED = '+14155550142';

async function trunkTo(ctx: MediaCtx, port: number): Promise<void> {
  const client = await issueClient(ctx.dbh.db, ctx.tenant.orgId, 'test', Date.now());
  const api = new AdminApi(ctx.run, await tokenOf(ctx.run, client));
  const res = await api.post(`/contact-centers/${ctx.tenant.ccId}/sip-trunks`, {
    name: 'Carrier',
    host: '127.0.0.1',
    port,
    allowedSources: ['127.0.0.1'],
    numbers: [ctx.tenant.number],
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

async function endReason(ctx: MediaCtx, callId: string): Promise<string | null> {
  return eventually(async () => {
    const row = await ctx.dbh.db
      .selectFrom('calls')
      .select(['state', 'end_reason'])
      .where('id', '=', callId)
      .executeTakeFirst();
    return row?.state === 'ended' ? row.end_reason : undefined;
  }, 'the call to end');
}

describe('SIP trunk: outbound calls', () => {
  const ctx = useMediaService({ sip: { host: '127.0.0.1', port: 0, noAnswerMs: 1500 } });
  const runs: SippRun[] = [];
  const carrier = async (scenario: string): Promise<SippRun> => {
    const port = await freePort();
    await trunkTo(ctx, port);
    const run = runSipp(scenario, null, { dialed: DIALED, port });
    runs.push(run);
    // SIPp listens once it has started: give it its socket before the agent dials.
    await new Promise((r) => setTimeout(r, 300));
    return run;
  };
  const dial = async (a: AgentClient) =>
    (
      await a.request<{ call: { callId: string } }>('dial', {
        destination: { type: 'phoneNumber', phoneNumber: DIALED },
      })
    ).call.callId;

  it('the agent dials out: the customer answers, both hear each other, the agent hangs up (BYE)', async () => {
    const customer = await RtpPhone.open(CUSTOMER);
    try {
      const sipp = await carrier(answerScenario({ rtpPort: customer.address.port, end: 'service' }));
      const a = await ctx.agent(0);
      const { phone: agentPhone } = await ctx.station(a, AGENT);
      await a.goAvailable();
      const callId = await dial(a);
      customer.start(await sipp.serviceRtp());
      await a.waitFor('CALL_CONNECTED');
      await until(() => customer.hears(AGENT, 0.8), 'the customer to hear the agent');
      await until(() => agentPhone.hears(CUSTOMER, 0.8), 'the agent to hear the customer');
      await a.request('endCall', { callId });
      expect(await sipp.exit).toBe(0);
      await ctx.expectReleased(1);
    } finally {
      runs.splice(0).forEach((r) => r.kill());
      await customer.close();
    }
  });

  it("the customer's BYE ends the call", async () => {
    const customer = await RtpPhone.open(CUSTOMER);
    try {
      const sipp = await carrier(
        answerScenario({ rtpPort: customer.address.port, end: 'carrier', pauseMs: 500 }),
      );
      const a = await ctx.agent(0);
      await a.goAvailable();
      const callId = await dial(a);
      expect(await sipp.exit).toBe(0);
      expect(await endReason(ctx, callId)).toBe('caller_hangup');
      expect((await a.waitFor('HANGUP')).data.reason).toBe('ended');
    } finally {
      runs.splice(0).forEach((r) => r.kill());
      await customer.close();
    }
  });

  it('a blind transfer to an external number goes out through the trunk; the caller then talks to it', async () => {
    const third = await RtpPhone.open(CUSTOMER);
    try {
      const sipp = await carrier(answerScenario({ rtpPort: third.address.port, end: 'service' }));
      const a = await ctx.agent(0);
      await ctx.station(a, AGENT);
      const { callId, caller } = await ctx.connectedCall(a, 500);
      await a.request('addParticipant', {
        callId,
        destination: { type: 'phoneNumber', phoneNumber: DIALED },
        blind: true,
      });
      expect((await a.waitFor('HANGUP')).data.reason).toBe('ended');
      third.start(await sipp.serviceRtp());
      await until(() => third.hears(500, 0.8), 'the transfer target to hear the caller');
      await until(() => caller.hears(CUSTOMER, 0.8), 'the caller to hear the transfer target');
      await ctx.sim.post(`/calls/${callId}/hangup`);
      expect(await sipp.exit).toBe(0);
      expect(await endReason(ctx, callId)).toBe('caller_hangup');
    } finally {
      runs.splice(0).forEach((r) => r.kill());
      await third.close();
    }
  });

  for (const [scenario, reason] of [
    ['486 Busy Here', 'busy'],
    ['480 Temporarily Unavailable', 'no_answer'],
    ['503 Service Unavailable', 'unavailable'],
    ['no-answer', 'no_answer'],
  ] as const) {
    it(`${scenario} → the agent's call fails (${reason}, FailedConnectCustomer)`, async () => {
      try {
        const sipp = await carrier(rejectScenario(scenario));
        const a = await ctx.agent(0);
        await a.goAvailable();
        const callId = await dial(a);
        const hangup = await a.waitFor('HANGUP');
        expect(hangup.data).toMatchObject({ reason: 'error', agentStatus: 'FailedConnectCustomer' });
        expect(await endReason(ctx, callId)).toBe(reason);
        expect(await sipp.exit).toBe(0);
      } finally {
        runs.splice(0).forEach((r) => r.kill());
      }
    });
  }
});
