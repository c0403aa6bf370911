/**
 * Inbound calls over a SIP trunk, with SIPp as the carrier (docs/sip.md): the INVITE takes the
 * simulator's path (VoiceCall created, routed, offered to the agent); the caller's RTP (a Node RTP
 * phone at the address SIPp's SDP names) and the agent's softphone (WebRTC) hear each other, checked
 * by tone detection; the agent's hang-up sends BYE, the caller's BYE ends the call; unknown sources,
 * bad digest credentials and floods are refused, creating nothing.
 */
import dgram from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { issueClient } from '../src/admin/accounts.ts';
import { AdminApi, tokenOf } from './adminContext.ts';
import { eventually, type Running, type Tenant } from './harness.ts';
import { useMediaService, until, type MediaCtx } from './mediaContext.ts';
import { RtpPhone } from './rtpPhone.ts';
import { callScenario, refusedScenario, runSipp, type SippRun } from './sipCarrier.ts';

const CALLER = 600;
const AGENT = 1000;
const SIP = { host: '127.0.0.1', port: 0 };
const CARRIER = { username: 'carrier-a', password: 'a long enough secret' };

async function addTrunk(run: Running, tenant: Tenant, auth: boolean, sources = ['127.0.0.1']): Promise<void> {
  const client = await issueClient(run.service.engine.db, tenant.orgId, 'test', Date.now());
  const api = new AdminApi(run, await tokenOf(run, client));
  const res = await api.post(`/contact-centers/${tenant.ccId}/sip-trunks`, {
    name: 'Carrier',
    host: '127.0.0.1',
    allowedSources: sources,
    numbers: [tenant.number],
    ...(auth ? { auth: CARRIER } : {}),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

const sipAddress = (ctx: MediaCtx) => ctx.run.service.sip!.address;

async function callsTo(ctx: MediaCtx): Promise<Array<{ id: string; state: string; from_number: string }>> {
  return ctx.dbh.db
    .selectFrom('calls')
    .select(['id', 'state', 'from_number'])
    .where('to_number', '=', ctx.tenant.number)
    .execute();
}

/** Runs SIPp and makes sure it is gone at the end of the test. */
function carrier(runs: SippRun[], run: SippRun): SippRun {
  runs.push(run);
  return run;
}

describe('SIP trunk: inbound calls', () => {
  const ctx = useMediaService({ sip: SIP });
  const runs: SippRun[] = [];
  const cleanup = () => runs.splice(0).forEach((r) => r.kill());

  it('a carrier call reaches the agent; both hear each other; the agent hangs up and the carrier gets BYE', async () => {
    try {
      await addTrunk(ctx.run, ctx.tenant, false);
      const a = await ctx.agent(0);
      const { phone: agentPhone } = await ctx.station(a, AGENT);
      await a.goAvailable();
      const caller = await RtpPhone.open(CALLER);
      try {
        const sipp = carrier(
          runs,
          runSipp(callScenario({ rtpPort: caller.address.port, end: { by: 'service' } }), sipAddress(ctx), {
            dialed: ctx.tenant.number,
          }),
        );
        caller.start(await sipp.serviceRtp());
        const started = await a.waitFor('CALL_STARTED');
        const callId = started.data.call!.callId;
        const [call] = await callsTo(ctx);
        expect(call).toMatchObject({ id: callId, from_number: '+14155550123' });
        await a.request('acceptCall', { callId });
        await until(() => caller.hears(AGENT, 0.8), 'the SIP caller to hear the agent');
        await until(() => agentPhone.hears(CALLER, 0.8), 'the agent to hear the SIP caller');
        await a.request('endCall', { callId });
        expect(await sipp.exit).toBe(0);
        expect((await callsTo(ctx))[0]?.state).toBe('ended');
        await ctx.expectReleased(1);
        expect(ctx.run.service.sip!.activeDialogs).toBe(0);
      } finally {
        await caller.close();
      }
    } finally {
      cleanup();
    }
  });

  it("the caller's BYE while waiting abandons the call", async () => {
    try {
      await addTrunk(ctx.run, ctx.tenant, false);
      const caller = await RtpPhone.open(CALLER);
      try {
        const sipp = carrier(
          runs,
          runSipp(
            callScenario({ rtpPort: caller.address.port, end: { by: 'caller', pauseMs: 300 } }),
            sipAddress(ctx),
            { dialed: ctx.tenant.number },
          ),
        );
        caller.start(await sipp.serviceRtp());
        expect(await sipp.exit).toBe(0);
        const call = await eventually(async () => {
          const [c] = await callsTo(ctx);
          return c?.state === 'ended' ? c : undefined;
        }, 'the call to end');
        const row = await ctx.dbh.db
          .selectFrom('calls')
          .select('end_reason')
          .where('id', '=', call.id)
          .executeTakeFirstOrThrow();
        expect(row.end_reason).toBe('abandoned');
        await ctx.expectReleased(0);
      } finally {
        await caller.close();
      }
    } finally {
      cleanup();
    }
  });

  it('refuses a source no trunk allows (403) and a number the trunk does not carry (404), creating no call', async () => {
    try {
      await addTrunk(ctx.run, ctx.tenant, false, ['127.0.0.2']);
      const stranger = carrier(
        runs,
        runSipp(refusedScenario(403), sipAddress(ctx), { dialed: ctx.tenant.number, source: '127.0.0.3' }),
      );
      expect(await stranger.exit).toBe(0);
      const otherNumber = carrier(
        runs,
        runSipp(refusedScenario(404), sipAddress(ctx), { dialed: '+14155559999', source: '127.0.0.2' }),
      );
      expect(await otherNumber.exit).toBe(0);
      expect(await callsTo(ctx)).toEqual([]);
    } finally {
      cleanup();
    }
  });

  it('an overloaded node answers the INVITE 503 (the admission check of docs/scaling.md), creating no call', async () => {
    const limits = ctx.run.service.admission.limits;
    const before = limits.maxWaiting;
    try {
      await addTrunk(ctx.run, ctx.tenant, false);
      // maxWaiting 0: the node refuses every new call, as when draining it.
      limits.maxWaiting = 0;
      const refused = carrier(
        runs,
        runSipp(refusedScenario(503), sipAddress(ctx), { dialed: ctx.tenant.number }),
      );
      expect(await refused.exit).toBe(0);
      expect(await callsTo(ctx)).toEqual([]);
    } finally {
      limits.maxWaiting = before;
      cleanup();
    }
  });
});

describe('SIP trunk: digest credentials and rate limits', () => {
  const ctx = useMediaService({
    sip: { ...SIP, inviteRate: { rate: 0.01, burst: 6 }, registerRate: { rate: 0.01, burst: 2 } },
  });
  const runs: SippRun[] = [];
  const cleanup = () => runs.splice(0).forEach((r) => r.kill());

  it('takes a call whose digest answer is right, refuses a wrong password with 403', async () => {
    try {
      await addTrunk(ctx.run, ctx.tenant, true);
      const wrong = carrier(
        runs,
        runSipp(refusedScenario(403, true), sipAddress(ctx), {
          dialed: ctx.tenant.number,
          auth: { username: CARRIER.username, password: 'not the password' },
        }),
      );
      expect(await wrong.exit).toBe(0);
      expect(await callsTo(ctx)).toEqual([]);

      const caller = await RtpPhone.open(CALLER);
      try {
        const right = carrier(
          runs,
          runSipp(
            callScenario({ rtpPort: caller.address.port, auth: true, end: { by: 'caller', pauseMs: 300 } }),
            sipAddress(ctx),
            { dialed: ctx.tenant.number, auth: CARRIER },
          ),
        );
        caller.start(await right.serviceRtp());
        expect(await right.exit).toBe(0);
        expect(await callsTo(ctx)).toHaveLength(1);
      } finally {
        await caller.close();
      }
    } finally {
      cleanup();
    }
  });

  it('answers 503 with Retry-After past the INVITE and REGISTER rates of a source', async () => {
    await addTrunk(ctx.run, ctx.tenant, true);
    const socket = dgram.createSocket('udp4');
    // One answer per request: final INVITE answers are resent until ACKed (not here), so keep the first.
    const byCallId = new Map<string, string>();
    socket.on('message', (m) => {
      const text = m.toString();
      const callId = /Call-ID: (\S+)/.exec(text)?.[1] ?? '';
      if (!byCallId.has(callId)) byCallId.set(callId, text);
    });
    const answers = () => [...byCallId.values()];
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    try {
      const { port } = socket.address();
      const target = sipAddress(ctx);
      const request = (method: string, i: number) =>
        [
          `${method} sip:${ctx.tenant.number}@${target.address}:${target.port} SIP/2.0`,
          `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bKflood${method}${i}`,
          `From: <sip:flood@127.0.0.1>;tag=f${i}`,
          `To: <sip:${ctx.tenant.number}@127.0.0.1>`,
          `Call-ID: flood-${method}-${i}`,
          `CSeq: 1 ${method}`,
          'Max-Forwards: 70',
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n');
      for (let i = 0; i < 8; i++) socket.send(request('INVITE', i), target.port, target.address);
      for (let i = 0; i < 4; i++) socket.send(request('REGISTER', i), target.port, target.address);
      await eventually(() => byCallId.size >= 12, 'an answer to every request');
      const status = (method: string) =>
        answers()
          .filter((a) => new RegExp(`CSeq: 1 ${method}`).test(a))
          .map((a) => Number(/^SIP\/2\.0 (\d{3})/.exec(a)?.[1]));
      // Within the burst: a digest challenge (the trunk requires credentials); past it: 503.
      expect(status('INVITE').sort()).toEqual([401, 401, 401, 401, 401, 401, 503, 503]);
      expect(status('REGISTER').sort()).toEqual([401, 401, 503, 503]);
      expect(
        answers()
          .filter((a) => a.startsWith('SIP/2.0 503'))
          .every((a) => /Retry-After: 1/.test(a)),
      ).toBe(true);
      expect(await callsTo(ctx)).toEqual([]);
    } finally {
      socket.close();
    }
  });
});
