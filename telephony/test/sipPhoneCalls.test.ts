/**
 * SIP desk phones, calls (docs/sip.md, "Ringing the desk phone"): a carrier call (SIPp, through a
 * trunk) offered to a desk-phone agent rings the agent's registered phone (a Node SIP phone over the
 * project's message module, `sipDeskPhone.ts`); its 200 is the desk phone's answer (the agent's events
 * say `isDeskPhone`, i.e. `isSoftphoneCall: false` at the connector), its audio is a plain RTP leg of
 * the media plane heard both ways by tone detection; its re-INVITE holds and resumes; BYE both ways;
 * 486/603 and no answer behave as a declined and a missed offer (CANCEL); the secondary ring device
 * (SIPp through the trunk) rings after its delay, and the first 200 of the two takes the call.
 */
import { describe, expect, it } from 'vitest';
import { issueClient } from '../src/admin/accounts.ts';
import { AdminApi, tokenOf } from './adminContext.ts';
import { eventually, salesforceUserId, type AgentClient } from './harness.ts';
import { useMediaService, until, type MediaCtx } from './mediaContext.ts';
import { RtpPhone } from './rtpPhone.ts';
import fs from 'node:fs';
import {
  answerScenario,
  callScenario,
  freePort,
  rejectScenario,
  runSipp,
  type SippRun,
} from './sipCarrier.ts';
import { SipDeskPhone } from './sipDeskPhone.ts';

const CALLER = 600;
const AGENT = 1000;
const SECONDARY = 1300;
const SECONDARY_NUMBER = '+14155550143';
const DESK_NUMBER = '+14155550177';

interface CallLike {
  callId: string;
  isDeskPhone?: boolean;
}

/** A trunk from 127.0.0.1, the first agent on a desk phone with issued credentials, its phone registered. */
async function deskPhoneAgent(
  ctx: MediaCtx,
  trunkPort = 5060,
  secondaryRing: { phoneNumber: string; delaySeconds: number } | null = null,
): Promise<{ agent: AgentClient; phone: SipDeskPhone }> {
  const db = ctx.dbh.db;
  const client = await issueClient(db, ctx.tenant.orgId, 'test', Date.now());
  const api = new AdminApi(ctx.run, await tokenOf(ctx.run, client));
  const trunk = await api.post(`/contact-centers/${ctx.tenant.ccId}/sip-trunks`, {
    name: 'Carrier',
    host: '127.0.0.1',
    port: trunkPort,
    allowedSources: ['127.0.0.1'],
    numbers: [ctx.tenant.number],
  });
  expect(trunk.status).toBe(201);
  await db
    .updateTable('users')
    .set({ salesforce_user_id: salesforceUserId(1) })
    .where('id', '=', ctx.tenant.agents[0]!.id)
    .execute();
  const issued = await api.post<{ username: string; password: string }>(
    `/contact-centers/${ctx.tenant.ccId}/users/${salesforceUserId(1)}/sip-credentials`,
    {},
  );
  expect(issued.status).toBe(201);
  const phone = await SipDeskPhone.open(ctx.run.service.sip!.address);
  expect((await phone.register(issued.body)).status).toBe(200);
  const agent = await ctx.agent(0);
  await agent.request('setAgentConfig', {
    phoneType: 'DESK_PHONE',
    deskPhoneNumber: DESK_NUMBER,
    secondaryRing,
  });
  await agent.goAvailable();
  return { agent, phone };
}

async function callState(ctx: MediaCtx): Promise<string | undefined> {
  const row = await ctx.dbh.db
    .selectFrom('calls')
    .select('state')
    .where('to_number', '=', ctx.tenant.number)
    .executeTakeFirst();
  return row?.state;
}

describe('SIP desk phones: calls', () => {
  const ctx = useMediaService({ sip: { host: '127.0.0.1', port: 0 }, settings: { ringTimeoutSeconds: 5 } });
  const runs: SippRun[] = [];
  const carrier = (dialed: string, rtpPort: number) => {
    const run = runSipp(callScenario({ rtpPort, end: { by: 'service' } }), ctx.run.service.sip!.address, {
      dialed,
    });
    runs.push(run);
    return run;
  };
  const cleanup = () => runs.splice(0).forEach((r) => r.kill());

  it('rings the phone; its 200 answers as the desk phone; both hear each other; the agent hangs up: BYE to both', async () => {
    const { agent, phone } = await deskPhoneAgent(ctx);
    const caller = await RtpPhone.open(CALLER);
    const deskAudio = await RtpPhone.open(AGENT);
    try {
      const sipp = carrier(ctx.tenant.number, caller.address.port);
      caller.start(await sipp.serviceRtp());
      const started = await agent.waitFor('CALL_STARTED');
      const callId = (started.data.call as CallLike).callId;
      const invite = await phone.request('INVITE');
      expect(invite.uri).toBe(phone.contactUri);
      deskAudio.start(await phone.answer(deskAudio.address));
      const connected = await agent.waitFor('CALL_CONNECTED');
      expect((connected.data.call as CallLike).isDeskPhone).toBe(true);
      await until(() => caller.hears(AGENT, 0.8), 'the caller to hear the desk phone');
      await until(() => deskAudio.hears(CALLER, 0.8), 'the desk phone to hear the caller');
      await agent.request('endCall', { callId });
      await phone.request('BYE');
      expect(await sipp.exit).toBe(0);
      await eventually(async () => (await callState(ctx)) === 'ended', 'the call to end');
    } finally {
      cleanup();
      await Promise.all([caller.close(), deskAudio.close(), phone.close()]);
    }
  });

  it("the phone's re-INVITE holds and resumes; its BYE hangs up: the agent gets HANGUP and the carrier BYE", async () => {
    const { agent, phone } = await deskPhoneAgent(ctx);
    const caller = await RtpPhone.open(CALLER);
    const deskAudio = await RtpPhone.open(AGENT);
    try {
      const sipp = carrier(ctx.tenant.number, caller.address.port);
      caller.start(await sipp.serviceRtp());
      await agent.waitFor('CALL_STARTED');
      deskAudio.start(await phone.answer(deskAudio.address));
      await agent.waitFor('CALL_CONNECTED');
      await until(() => deskAudio.hears(CALLER, 0.8), 'the desk phone to hear the caller');
      // Hold and resume on the phone: re-INVITE sendonly, then sendrecv.
      const callerState = async () =>
        (
          await ctx.dbh.db
            .selectFrom('participants')
            .select('state')
            .where('role', '=', 'initial_caller')
            .executeTakeFirstOrThrow()
        ).state;
      const held = await phone.reInvite(deskAudio.address, 'sendonly');
      expect(held.status).toBe(200);
      expect(held.body).toMatch(/a=recvonly/);
      expect((await agent.waitFor('HOLD_TOGGLE')).data).toMatchObject({ onHold: true });
      expect(await callerState()).toBe('held');
      expect((await phone.reInvite(deskAudio.address, 'sendrecv')).status).toBe(200);
      await agent.waitFor('HOLD_TOGGLE', (e) => (e.data as { onHold?: boolean }).onHold === false);
      expect(await callerState()).toBe('connected');
      expect((await phone.hangUp()).status).toBe(200);
      await agent.waitFor('HANGUP');
      expect(await sipp.exit).toBe(0);
      await eventually(async () => (await callState(ctx)) === 'ended', 'the call to end');
    } finally {
      cleanup();
      await Promise.all([caller.close(), deskAudio.close(), phone.close()]);
    }
  });

  it.each([
    [486, 'Busy Here'],
    [603, 'Decline'],
  ])(
    'a phone that answers %i declines the offer (HANGUP DeclinedByAgent); the call waits on',
    async (status, reason) => {
      const { agent, phone } = await deskPhoneAgent(ctx);
      const caller = await RtpPhone.open(CALLER);
      try {
        const sipp = carrier(ctx.tenant.number, caller.address.port);
        caller.start(await sipp.serviceRtp());
        await agent.waitFor('CALL_STARTED');
        await phone.decline(status, reason);
        const hangup = await agent.waitFor('HANGUP');
        expect(hangup.data).toMatchObject({ reason: 'error', agentStatus: 'DeclinedByAgent' });
        expect(await callState(ctx)).toBe('queued');
        // The service ACKs the refusal and sends nothing else (no CANCEL, no BYE).
        expect(phone.received.map((m) => m.method)).toEqual(['INVITE', 'ACK']);
      } finally {
        cleanup();
        await Promise.all([caller.close(), phone.close()]);
      }
    },
  );

  it('a phone that does not answer is CANCELled when the offer rings out (HANGUP MissedCallAgent)', async () => {
    const { agent, phone } = await deskPhoneAgent(ctx);
    const caller = await RtpPhone.open(CALLER);
    try {
      const sipp = carrier(ctx.tenant.number, caller.address.port);
      caller.start(await sipp.serviceRtp());
      await agent.waitFor('CALL_STARTED');
      await phone.request('INVITE');
      // The ring timeout is 5 s (the tests' scheduler runs when told).
      await eventually(async () => {
        await ctx.run.service.scheduler.runDue();
        return agent.events.some((e) => e.event === 'HANGUP');
      }, 'the offer to ring out');
      const hangup = await agent.waitFor('HANGUP');
      expect(hangup.data).toMatchObject({ reason: 'error', agentStatus: 'MissedCallAgent' });
      await phone.request('CANCEL');
      // The phone's 487 is ACKed by the service.
      await phone.request('ACK');
      expect(await callState(ctx)).toBe('queued');
    } finally {
      cleanup();
      await Promise.all([caller.close(), phone.close()]);
    }
  });

  it('the secondary device rings after the delay; its 200 takes the call and the desk phone is CANCELled', async () => {
    const secondaryPort = await freePort();
    const { agent, phone } = await deskPhoneAgent(ctx, secondaryPort, {
      phoneNumber: SECONDARY_NUMBER,
      delaySeconds: 1,
    });
    const caller = await RtpPhone.open(CALLER);
    const secondaryAudio = await RtpPhone.open(SECONDARY);
    try {
      const secondary = runSipp(
        answerScenario({ rtpPort: secondaryAudio.address.port, end: 'service' }),
        null,
        {
          dialed: SECONDARY_NUMBER,
          port: secondaryPort,
        },
      );
      runs.push(secondary);
      await new Promise((r) => setTimeout(r, 300));
      const sipp = carrier(ctx.tenant.number, caller.address.port);
      caller.start(await sipp.serviceRtp());
      await agent.waitFor('CALL_STARTED');
      const { offered_at: offeredAt } = await ctx.dbh.db
        .selectFrom('participants')
        .select('offered_at')
        .where('user_id', '=', ctx.tenant.agents[0]!.id)
        .executeTakeFirstOrThrow();
      await phone.request('INVITE');
      // The secondary ring is a scheduled job, due after the agent's delay (1 s).
      await eventually(async () => {
        await ctx.run.service.scheduler.runDue();
        return agent.events.some((e) => e.event === 'CALL_CONNECTED');
      }, 'the secondary device to ring and answer');
      // Rung (and answered) no sooner than the delay after the offer, on the service's clock.
      expect(Date.now() - Number(offeredAt)).toBeGreaterThanOrEqual(1000);
      const connected = await agent.waitFor('CALL_CONNECTED');
      expect((connected.data.call as CallLike).isDeskPhone).toBe(true);
      secondaryAudio.start(await secondary.serviceRtp());
      await phone.request('CANCEL');
      await until(() => caller.hears(SECONDARY, 0.8), 'the caller to hear the secondary device');
      await until(() => secondaryAudio.hears(CALLER, 0.8), 'the secondary device to hear the caller');
      await agent.request('endCall', { callId: (connected.data.call as CallLike).callId });
      expect(await secondary.exit).toBe(0);
      expect(await sipp.exit).toBe(0);
      expect(phone.received.map((m) => m.method)).not.toContain('BYE');
    } finally {
      cleanup();
      await Promise.all([caller.close(), secondaryAudio.close(), phone.close()]);
    }
  });

  it('the desk phone answers while the secondary device rings: the secondary branch is CANCELled', async () => {
    const secondaryPort = await freePort();
    const { agent, phone } = await deskPhoneAgent(ctx, secondaryPort, {
      phoneNumber: SECONDARY_NUMBER,
      delaySeconds: 1,
    });
    const caller = await RtpPhone.open(CALLER);
    const deskAudio = await RtpPhone.open(AGENT);
    try {
      const secondary = runSipp(rejectScenario('no-answer'), null, {
        dialed: SECONDARY_NUMBER,
        port: secondaryPort,
      });
      runs.push(secondary);
      await new Promise((r) => setTimeout(r, 300));
      const sipp = carrier(ctx.tenant.number, caller.address.port);
      caller.start(await sipp.serviceRtp());
      await agent.waitFor('CALL_STARTED');
      await phone.request('INVITE');
      await eventually(async () => {
        await ctx.run.service.scheduler.runDue();
        const log = fs.existsSync(secondary.messageFile)
          ? fs.readFileSync(secondary.messageFile, 'utf8')
          : '';
        return /INVITE sip:\+14155550143@/.test(log);
      }, 'the secondary device to ring');
      deskAudio.start(await phone.answer(deskAudio.address));
      await agent.waitFor('CALL_CONNECTED');
      // SIPp's scenario ends well only after the CANCEL, its 487 and our ACK.
      expect(await secondary.exit).toBe(0);
      await until(() => caller.hears(AGENT, 0.8), 'the caller to hear the desk phone');
      await until(() => deskAudio.hears(CALLER, 0.8), 'the desk phone to hear the caller');
    } finally {
      cleanup();
      await Promise.all([caller.close(), deskAudio.close(), phone.close()]);
    }
  });
});
