/**
 * Reconnecting with `lastSeq`: the missed events are replayed once each, in order, with consecutive
 * sequence numbers; events produced while the replay is under way are neither lost nor duplicated;
 * a client without `lastSeq` reloads its state with getActiveCalls / getAgentStatus.
 */
import WebSocket from 'ws';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type * as Events from '../src/engine/events.ts';
import { useService } from './context.ts';
import { eventSeqOf, type AgentClient, type CallLike, type EventFrame } from './harness.ts';

/** Test hooks around the replay read of the socket's hello (see the interleaving test). */
const replayHooks = vi.hoisted(() => ({
  before: undefined as (() => Promise<void>) | undefined,
  after: undefined as (() => Promise<void>) | undefined,
}));

vi.mock('../src/engine/events.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof Events>();
  return {
    ...actual,
    eventsSince: async (...args: Parameters<typeof actual.eventsSince>) => {
      await replayHooks.before?.();
      const result = await actual.eventsSince(...args);
      await replayHooks.after?.();
      return result;
    },
  };
});

const ctx = useService({ agents: 2, settings: { ringTimeoutSeconds: 20 } });

function lastSeq(c: AgentClient): number {
  return c.events.at(-1)?.seq ?? 0;
}

/** The events stored for a user after `after`, as a client would receive them. */
async function storedSince(userId: string, after: number): Promise<Array<{ seq: number; event: string }>> {
  const rows = await ctx.dbh.db
    .selectFrom('agent_events')
    .select(['seq', 'type'])
    .where('user_id', '=', userId)
    .where('seq', '>', after)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({ seq: r.seq, event: r.type }));
}

function brief(events: EventFrame[]): Array<{ seq: number; event: string }> {
  return events.map((e) => ({ seq: e.seq, event: e.event }));
}

/** Consecutive integers from `from` to `to`. */
function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}

async function desk(action: string, callId: string): Promise<void> {
  const res = await ctx.sim.post(`/agents/${ctx.tenant.agents[0]!.id}/deskphone/${action}`, { callId });
  expect(res.status, `${action}: ${JSON.stringify(res.body)}`).toBe(200);
}

afterEach(() => {
  replayHooks.before = undefined;
  replayHooks.after = undefined;
});

describe('reconnecting with lastSeq', () => {
  it('replays exactly the missed events, in order, with consecutive seqs, then goes on live', async () => {
    const first = await ctx.agent(0);
    expect(first.welcome).toMatchObject({ seq: 0, resumed: false });
    const { callId } = await ctx.connectedCall(first);
    expect(brief(first.events)).toEqual([
      { seq: 1, event: 'CALL_STARTED' },
      { seq: 2, event: 'CALL_CONNECTED' },
    ]);
    const seen = lastSeq(first);
    await first.disconnect();

    // While disconnected: the desk phone holds and resumes the caller, the caller hangs up.
    await desk('hold', callId);
    await desk('resume', callId);
    await desk('mute', callId);
    expect((await ctx.sim.post(`/calls/${callId}/hangup`)).status).toBe(200);
    const missed = await storedSince(ctx.tenant.agents[0]!.id, seen);
    expect(missed.map((e) => e.event)).toEqual([
      'HOLD_TOGGLE',
      'HOLD_TOGGLE',
      'MUTE_TOGGLE',
      'PARTICIPANT_REMOVED',
      'HANGUP',
      'AFTER_CALL_WORK_STARTED',
    ]);

    const second = await ctx.connect(first.token, seen);
    expect(second.welcome).toMatchObject({ type: 'welcome', resumed: true, seq: seen + missed.length });
    await second.until(() => second.events.length >= missed.length, 5000, 'the replay');
    expect(brief(second.events)).toEqual(missed);
    expect(second.events.map((e) => e.seq)).toEqual(range(seen + 1, seen + missed.length));
    const holds = second.events.filter((e) => e.event === 'HOLD_TOGGLE');
    expect(holds.map((e) => e.data.onHold)).toEqual([true, false]);
    expect(second.events.find((e) => e.event === 'HANGUP')?.data.reason).toBe('ended');
    expect(second.events.at(-1)?.data).toEqual({ callId, vendorCallKey: callId });

    // Live again: the next event follows without a gap, and nothing is sent twice.
    await second.request('wrapUp', { callId });
    const ended = await second.waitFor('WRAP_UP_ENDED');
    expect(ended.seq).toBe(seen + missed.length + 1);
    await second.request('getAgentStatus');
    expect(second.events.map((e) => e.seq)).toEqual(range(seen + 1, ended.seq));
  });

  it('with lastSeq equal to the latest seq: resumed, nothing replayed', async () => {
    const first = await ctx.agent(0);
    await ctx.connectedCall(first);
    const seen = lastSeq(first);
    await first.disconnect();
    const second = await ctx.connect(first.token, seen);
    expect(second.welcome).toMatchObject({ resumed: true, seq: seen });
    await second.request('getAgentStatus');
    expect(second.events).toEqual([]);
  });

  it('with lastSeq 0 after some events: every event from seq 1', async () => {
    const first = await ctx.agent(0);
    const { callId } = await ctx.connectedCall(first);
    await desk('hold', callId);
    await first.waitFor('HOLD_TOGGLE');
    await first.disconnect();
    const second = await ctx.connect(first.token, 0);
    expect(second.welcome).toMatchObject({ resumed: true, seq: 3 });
    await second.until(() => second.events.length >= 3, 5000, 'the replay');
    expect(brief(second.events)).toEqual(brief(first.events));
    expect(second.events.map((e) => e.data)).toEqual(first.events.map((e) => e.data));
  });

  it('pruned events: resumed false, nothing replayed, the client reloads', async () => {
    const first = await ctx.agent(0);
    const { callId } = await ctx.connectedCall(first);
    await first.disconnect();
    await desk('hold', callId);
    // The missed event (seq 3) is gone from the log.
    await ctx.dbh.db
      .deleteFrom('agent_events')
      .where('user_id', '=', ctx.tenant.agents[0]!.id)
      .where('seq', '=', 3)
      .execute();
    await desk('resume', callId);
    const second = await ctx.connect(first.token, 2);
    expect(second.welcome).toMatchObject({ resumed: false, seq: 4 });
    await second.request('getAgentStatus');
    expect(second.events).toEqual([]);
    const { calls } = await second.request<{ calls: CallLike[] }>('getActiveCalls');
    expect(calls.map((c) => c.callId)).toEqual([callId]);
  });

  it('a lastSeq ahead of the stream: resumed false, and the next events are not held back', async () => {
    const first = await ctx.agent(0);
    const { callId } = await ctx.connectedCall(first);
    await first.disconnect();
    const second = await ctx.connect(first.token, 50);
    expect(second.welcome).toMatchObject({ resumed: false, seq: 2 });
    await desk('hold', callId);
    const live = await second.waitFor('HOLD_TOGGLE');
    expect(live.seq).toBe(3);
  });
});

describe('connecting without lastSeq', () => {
  it('is resumed false with the current seq; no replay; later events continue from that seq', async () => {
    const first = await ctx.agent(0);
    const { callId, callerId } = await ctx.connectedCall(first);
    await first.disconnect();
    await desk('hold', callId);
    const current = await eventSeqOf(ctx.dbh.db, ctx.tenant.agents[0]!.id);
    expect(current).toBe(3);

    const fresh = await ctx.connect(first.token);
    expect(fresh.welcome).toMatchObject({ resumed: false, seq: current });
    await fresh.request('getAgentStatus');
    expect(fresh.events).toEqual([]);
    await fresh.request('resume', { callId, participantId: callerId });
    const live = await fresh.waitFor('HOLD_TOGGLE');
    expect(live.seq).toBe(current + 1);
    expect(live.data.onHold).toBe(false);
  });

  it('getActiveCalls returns the live call with its state (page refresh recovery)', async () => {
    const first = await ctx.agent(0);
    const { callId, callerId } = await ctx.connectedCall(first);
    await first.request('hold', { callId, participantId: callerId });
    await first.request('mute', { callId });
    await first.request('pauseRecording', { callId });
    const before = await first.request<{ calls: CallLike[] }>('getActiveCalls');
    await first.disconnect();

    const refreshed = await ctx.connect(first.token);
    expect(refreshed.welcome?.resumed).toBe(false);
    const { calls } = await refreshed.request<{ calls: CallLike[] }>('getActiveCalls');
    expect(calls).toEqual(before.calls);
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call).toMatchObject({
      callId,
      state: 'connected',
      callType: 'Inbound',
      recording: { paused: true },
    });
    expect(call.participants.find((p) => p.id === callerId)).toMatchObject({ state: 'held', onHold: true });
    expect(call.participants.find((p) => p.id === call.me)).toMatchObject({
      userId: ctx.tenant.agents[0]!.id,
      muted: true,
    });
    expect((await refreshed.request<{ state: string }>('getAgentStatus')).state).toBe('on_call');
    // And the recovered call can be driven from the new socket.
    await refreshed.request('endCall', { callId });
    await refreshed.waitFor('AFTER_CALL_WORK_STARTED');
  });

  it('a ringing call is recovered too, and can be accepted from the new socket', async () => {
    const first = await ctx.agent(0);
    await first.goAvailable();
    const callId = await ctx.sim.call('+14155550123', ctx.tenant.number);
    await first.waitFor('CALL_STARTED');
    await first.disconnect();
    const refreshed = await ctx.connect(first.token);
    const { calls } = await refreshed.request<{ calls: CallLike[] }>('getActiveCalls');
    expect(calls.map((c) => [c.callId, c.state])).toEqual([[callId, 'ringing']]);
    const { call } = await refreshed.request<{ call: CallLike }>('acceptCall', { callId });
    expect(call.state).toBe('connected');
  });
});

describe('events produced while the client reconnects', () => {
  it('are neither lost nor duplicated: across reconnects the seqs form 1..N exactly once', async () => {
    const first = await ctx.agent(0);
    const { callId } = await ctx.connectedCall(first);
    const received: EventFrame[] = [...first.events];
    let current = first;
    const actions = ['hold', 'mute', 'resume', 'unmute'];
    let step = 0;
    const rounds = 12;

    for (let round = 0; round < rounds; round++) {
      await current.disconnect();
      const from = lastSeq(current);
      // Simulator actions fired right while the hello and its replay are under way.
      const firing = (async () => {
        for (let i = 0; i < 4; i++) await desk(actions[step++ % actions.length]!, callId);
      })();
      const burst = Promise.all(
        [0, 1].map((i) => ctx.sim.post(`/calls/${callId}/audio-stats`, { stats: [{ round, i }] })),
      );
      current = await ctx.connect(first.token, from);
      expect(current.welcome?.resumed).toBe(true);
      await Promise.all([firing, burst]);
      const target = await eventSeqOf(ctx.dbh.db, ctx.tenant.agents[0]!.id);
      await current.until(() => lastSeq(current) >= target, 5000, `seq ${target}`);
      await current.request('getAgentStatus');
      const seqs = current.events.map((e) => e.seq);
      expect(seqs, `round ${round}`).toEqual(range(from + 1, target));
      received.push(...current.events);
    }

    const total = await eventSeqOf(ctx.dbh.db, ctx.tenant.agents[0]!.id);
    expect(total).toBe(2 + rounds * 6);
    expect(received.map((e) => e.seq)).toEqual(range(1, total));
    expect(brief(received)).toEqual(await storedSince(ctx.tenant.agents[0]!.id, 0));
  });

  it('an event committed just before the replay is read is sent once; one just after is not lost', async () => {
    const first = await ctx.agent(0);
    const { callId } = await ctx.connectedCall(first);
    await first.disconnect();
    await desk('hold', callId); // missed: seq 3
    // Deterministic interleaving: one event commits after the socket subscribed but before the
    // replay is read (it is in both), one after the replay was read (only live).
    replayHooks.before = async () => {
      replayHooks.before = undefined;
      await desk('mute', callId); // seq 4
    };
    replayHooks.after = async () => {
      replayHooks.after = undefined;
      await desk('resume', callId); // seq 5
    };
    const second = await ctx.connect(first.token, 2);
    expect(replayHooks.before).toBeUndefined();
    expect(replayHooks.after).toBeUndefined();
    expect(second.welcome).toMatchObject({ resumed: true, seq: 5 });
    await second.until(() => lastSeq(second) >= 5, 5000, 'seq 5');
    await desk('unmute', callId); // seq 6, live
    await second.waitFor('MUTE_TOGGLE', (e) => e.data.muted === false);
    await second.request('getAgentStatus');
    expect(brief(second.events)).toEqual([
      { seq: 3, event: 'HOLD_TOGGLE' },
      { seq: 4, event: 'MUTE_TOGGLE' },
      { seq: 5, event: 'HOLD_TOGGLE' },
      { seq: 6, event: 'MUTE_TOGGLE' },
    ]);
  });

  it('without lastSeq, an event committed while the welcome is prepared is sent once', async () => {
    const first = await ctx.agent(0);
    const { callId } = await ctx.connectedCall(first);
    await first.disconnect();
    await desk('hold', callId); // seq 3, before the hello: not sent (the client reloads)
    // The welcome's seq is read while a command runs.
    const racing = desk('resume', callId); // seq 4
    const fresh = await ctx.connect(first.token);
    await racing;
    await fresh.until(() => (fresh.welcome?.seq ?? 0) >= 4 || lastSeq(fresh) >= 4, 5000, 'seq 4');
    await desk('mute', callId); // seq 5
    await fresh.waitFor('MUTE_TOGGLE');
    await fresh.request('getAgentStatus');
    const seqs = fresh.events.map((e) => e.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs.at(-1)).toBe(5);
    // Everything after the welcome's seq, and nothing at or before it.
    expect(seqs).toEqual(range(fresh.welcome!.seq + 1, 5));
  });

  it('two sockets of the same session both get every live event once', async () => {
    const first = await ctx.agent(0);
    const { callId } = await ctx.connectedCall(first);
    const second = await ctx.connect(first.token, lastSeq(first));
    for (const action of ['hold', 'resume', 'mute', 'unmute']) await desk(action, callId);
    const target = await eventSeqOf(ctx.dbh.db, ctx.tenant.agents[0]!.id);
    for (const c of [first, second]) await c.until(() => lastSeq(c) >= target, 5000, `seq ${target}`);
    expect(first.events.map((e) => e.seq)).toEqual(range(1, target));
    expect(second.events.map((e) => e.seq)).toEqual(range(3, target));
  });
});

describe('a request sent right behind the hello', () => {
  it('is answered (not dropped), after the welcome and the replay', async () => {
    const first = await ctx.agent(0);
    const { callId } = await ctx.connectedCall(first);
    await first.disconnect();
    await desk('hold', callId);

    const socket = new WebSocket(ctx.run.wsUrl);
    const frames: Array<Record<string, unknown>> = [];
    socket.on('message', (raw) => frames.push(JSON.parse(String(raw)) as Record<string, unknown>));
    await new Promise<void>((resolve) => socket.once('open', () => resolve()));
    try {
      // Both frames leave in the same tick, as a refreshed page that does not wait for the welcome.
      socket.send(JSON.stringify({ type: 'hello', token: first.token, lastSeq: 2 }));
      socket.send(JSON.stringify({ type: 'request', id: 'q1', method: 'getActiveCalls', params: {} }));
      socket.send(JSON.stringify({ type: 'request', id: 'q2', method: 'getAgentStatus', params: {} }));
      const deadline = Date.now() + 2000;
      while (frames.filter((f) => f.type === 'response').length < 2 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 10));
      }
      const kinds = frames.map((f) => (f.type === 'response' ? `response:${String(f.id)}` : String(f.type)));
      expect(kinds.slice(0, 2)).toEqual(['welcome', 'event']);
      expect(kinds.filter((k) => k.startsWith('response')).sort()).toEqual(['response:q1', 'response:q2']);
      const q1 = frames.find((f) => f.id === 'q1') as { ok: boolean; result: { calls: CallLike[] } };
      expect(q1.ok).toBe(true);
      expect(q1.result.calls.map((c) => c.callId)).toEqual([callId]);
    } finally {
      socket.close();
    }
  });
});
