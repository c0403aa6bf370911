/**
 * Faults in the media plane: a browser that never connects, a softphone that goes away mid-call (and
 * comes back, as after a page refresh), a media worker that dies. The call goes on for the others
 * and nothing stays allocated.
 */
import { describe, expect, it } from 'vitest';
import type { EmbeddedMediaEngine } from '../src/media/embeddedEngine.ts';
import { RtpPhone } from './rtpPhone.ts';
import { eventually } from './harness.ts';
import { unlessJanus, useMediaService, until } from './mediaContext.ts';

async function eventuallyZero(read: () => Promise<number>): Promise<void> {
  await eventually(async () => (await read()) === 0, 'zero');
}

const CALLER = 600;
const AGENT = 1000;

describe('media faults', () => {
  const ctx = useMediaService({ webrtcConnectTimeoutMs: 1500 });

  it('a station whose ICE never connects is released after the timeout', async () => {
    const a = await ctx.agent(0);
    const peer = await RtpPhone.webrtc(null);
    const res = await fetch(`${ctx.run.baseUrl}/media/v1/station`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/sdp' },
      body: peer.offer,
    });
    expect(res.status).toBe(201);
    await peer.phone.close(); // the answer is never applied: no ICE check ever comes
    expect(await ctx.metric('stations')).toBe(1);
    await ctx.expectReleased(0);
  });

  it('a softphone that disappears mid-call is released, the call goes on, and a new one hears the caller', async () => {
    const a = await ctx.agent(0);
    const first = await ctx.station(a, AGENT);
    const { callId, caller } = await ctx.connectedCall(a, CALLER);
    await until(() => first.phone.hears(CALLER, 0.8), 'the agent to hear the caller');
    await first.phone.close();
    await until(() => caller.hearsNo(AGENT), 'the agent gone');
    await eventuallyZero(() => ctx.metric('stations'));
    const state = await ctx.sim.get<{ state: string }>(`/calls/${callId}`);
    expect(state.body.state).toBe('connected');
    const second = await ctx.station(a, AGENT + 200);
    await until(() => second.phone.hears(CALLER, 0.8) && caller.hears(AGENT + 200, 0.8), 'audio again');
    await a.request('endCall', { callId });
    expect(await ctx.hangUpStation(a, second.stationId)).toBe(204);
    await ctx.expectReleased(0);
  });

  it('a caller whose phone vanishes: the call goes on; its end releases everything', async () => {
    const a = await ctx.agent(0);
    const { stationId } = await ctx.station(a, AGENT);
    const { callId, caller } = await ctx.connectedCall(a, CALLER);
    await until(() => caller.hears(AGENT, 0.8), 'the caller to hear the agent');
    await caller.close();
    await new Promise((r) => setTimeout(r, 300));
    expect((await ctx.sim.get<{ state: string }>(`/calls/${callId}`)).body.state).toBe('connected');
    expect((await ctx.sim.post(`/calls/${callId}/hangup`)).status).toBe(200);
    await ctx.expectReleased(1);
    expect(await ctx.hangUpStation(a, stationId)).toBe(204);
    await ctx.expectReleased(0);
  });

  unlessJanus("it stops the embedded engine's worker thread; a Janus node that dies is mediaNodes.test.ts")(
    'a media worker that dies: its legs are released, the call goes on, media can be attached again',
    async () => {
      const a = await ctx.agent(0);
      await ctx.station(a, AGENT);
      const { callId, callerId, caller } = await ctx.connectedCall(a, CALLER);
      await until(() => caller.hears(AGENT, 0.8), 'the caller to hear the agent');
      const engine = ctx.run.service.media!.engine as EmbeddedMediaEngine;
      await engine.thread.terminate();
      await until(() => engine.restarts === 1, 'the worker to restart');
      await ctx.expectReleased(0);
      expect((await ctx.sim.get<{ state: string }>(`/calls/${callId}`)).body.state).toBe('connected');
      await caller.close();
      const again = await ctx.party(callId, callerId, CALLER + 100);
      const station = await ctx.station(a, AGENT);
      await until(
        () => station.phone.hears(CALLER + 100, 0.8) && again.hears(AGENT, 0.8),
        'audio after the restart',
      );
    },
  );
});
