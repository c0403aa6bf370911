/**
 * Bad input gets the documented error (docs/agent-api.md, docs/simulator-api.md) and changes nothing:
 * malformed frames, unknown methods, params failing the schema, invalid values, illegal transitions;
 * over HTTP, bad logins and bad simulator requests.
 */
import { describe, expect, it } from 'vitest';
import * as tenants from '../src/engine/tenants.ts';
import { useService } from './context.ts';
import {
  ManualClock,
  STATUS,
  credentials,
  postLogin,
  startService,
  type AgentClient,
  type RequestError,
} from './harness.ts';

const ctx = useService({ agents: 2, settings: { ringTimeoutSeconds: 20 } });

/** Everything a refusal must leave as it was. */
async function snapshot(c: AgentClient, callIds: string[]) {
  const db = ctx.dbh.db;
  return {
    status: await c.request('getAgentStatus'),
    activeCalls: await c.request('getActiveCalls'),
    calls: await Promise.all(callIds.map(async (id) => (await ctx.sim.get(`/calls/${id}`)).body)),
    callRows: (await db.selectFrom('calls').select(['id', 'state']).orderBy('id').execute()).length,
    participantRows: await db
      .selectFrom('participants')
      .select(['id', 'state', 'muted', 'user_id'])
      .orderBy('id')
      .execute(),
    users: await db
      .selectFrom('users')
      .innerJoin('agent_streams', 'agent_streams.user_id', 'users.id')
      .select(['id', 'presence_state', 'presence_reason', 'event_seq', 'active_call_id', 'offered_leg_id'])
      .orderBy('id')
      .execute(),
    jobs: await db.selectFrom('jobs').select(['kind', 'ref_id', 'due_at']).orderBy('id').execute(),
    events: c.events.length,
  };
}

/** `method` is refused with `code`, and nothing changed: statuses, calls, events, timers. */
async function refusedWithoutChange(
  c: AgentClient,
  method: string,
  params: unknown,
  code: string,
  callIds: string[] = [],
): Promise<RequestError> {
  const before = await snapshot(c, callIds);
  const framesBefore = c.frames.length;
  const err = await c.refuse(method, params);
  expect(err.code, `${method} ${JSON.stringify(params)}`).toBe(code);
  // The only frame the refusal produced is its response.
  expect(c.frames.slice(framesBefore).map((f) => f.type)).toEqual(['response']);
  expect(await snapshot(c, callIds), `${method} changed something`).toEqual(before);
  return err;
}

/** The next raw frame after `from`, once it arrives. */
async function nextFrame(c: AgentClient, from: number): Promise<Record<string, unknown>> {
  await c.until(() => c.frames.length > from, 5000, 'a frame');
  return c.frames[from]!;
}

describe('malformed frames over the WebSocket', () => {
  it('a frame that is not JSON gets INVALID_PARAMS with id null and changes nothing', async () => {
    const c = await ctx.agent(0);
    await c.goAvailable();
    const before = await snapshot(c, []);
    for (const text of ['not json', '{"type":"request","id":"r1",', '']) {
      const from = c.frames.length;
      c.sendRaw(text);
      const frame = await nextFrame(c, from);
      expect(frame).toMatchObject({
        type: 'response',
        id: null,
        ok: false,
        error: { code: 'INVALID_PARAMS' },
      });
    }
    expect(await snapshot(c, [])).toEqual(before);
    // The socket still works.
    expect((await c.request<{ state: string }>('getAgentStatus')).state).toBe('available');
  });

  it('a frame of the wrong shape gets INVALID_PARAMS, with the request id when one could be read', async () => {
    const c = await ctx.agent(0);
    const before = await snapshot(c, []);
    const cases: Array<[unknown, string | null]> = [
      [{ type: 'request', id: 'x1', method: 'getAgentStatus', params: {}, extra: true }, 'x1'],
      [{ type: 'req', id: 'x2', method: 'getAgentStatus' }, 'x2'],
      [{ type: 'request', id: 'x3' }, 'x3'],
      [{ type: 'request', id: 'x4', method: 42 }, 'x4'],
      [{ type: 'request', id: 7, method: 'getAgentStatus' }, null],
      [{ type: 'request', method: 'getAgentStatus' }, null],
      [[1, 2, 3], null],
      ['a string', null],
      [null, null],
      [{ type: 'hello', token: c.token }, null],
    ];
    for (const [frame, id] of cases) {
      const from = c.frames.length;
      c.sendRaw(JSON.stringify(frame));
      const reply = await nextFrame(c, from);
      expect(reply, JSON.stringify(frame)).toEqual({
        type: 'response',
        id,
        ok: false,
        error: { code: 'INVALID_PARAMS', message: expect.any(String) as string },
      });
    }
    expect(await snapshot(c, [])).toEqual(before);
    expect(c.closedWith).toBeUndefined();
  });

  it('an unknown method gets INVALID_PARAMS with its id', async () => {
    const c = await ctx.agent(0);
    for (const method of ['takeOverTheWorld', 'constructor', '__proto__', 'toString', 'hasOwnProperty', '']) {
      const err = await refusedWithoutChange(c, method, {}, 'INVALID_PARAMS');
      expect(err.message).toMatch(/unknown method|INVALID_PARAMS/);
    }
  });

  it('params failing the schema get INVALID_PARAMS (extra property, wrong type, missing field)', async () => {
    const c = await ctx.agent(0);
    const { callId, callerId } = await ctx.connectedCall(c);
    const ids = [callId];
    const cases: Array<[string, unknown]> = [
      ['acceptCall', { callId, extra: 1 }],
      ['endCall', { callId: 42 }],
      ['endCall', {}],
      ['endCall', { callId: '' }],
      ['endCall', 'not an object'],
      ['endCall', [callId]],
      ['hold', { callId }],
      ['hold', { callId, participantId: callerId, onHold: true }],
      ['mute', { callId, muted: true }],
      ['sendDigits', { callId, digits: '' }],
      ['sendDigits', { callId, digits: 123 }],
      ['dial', {}],
      ['dial', { destination: { type: 'phoneNumber' } }],
      ['dial', { destination: { type: 'carrierPigeon', address: 'x' } }],
      ['addParticipant', { callId, destination: { type: 'queue', queueId: ctx.tenant.queueId } }],
      [
        'addParticipant',
        { callId, destination: { type: 'queue', queueId: ctx.tenant.queueId }, blind: 'yes' },
      ],
      ['setAgentStatus', { statusId: '' }],
      ['setAgentStatus', { statusId: STATUS.busy, enqueueNextState: 'true' }],
      ['setAgentConfig', { phoneType: 'CARRIER_PIGEON' }],
      ['setAgentConfig', { secondaryRing: { phoneNumber: '+14155550100', delaySeconds: -1 } }],
      ['getPhoneContacts', { limit: 0 }],
      ['getPhoneContacts', { limit: 501 }],
      ['getPhoneContacts', { types: ['Robot'] }],
      ['getAgentStatus', { verbose: true }],
      ['setUserStatus', { userId: ctx.tenant.agents[1]!.id, state: 'on_call' }],
    ];
    for (const [method, params] of cases)
      await refusedWithoutChange(c, method, params, 'INVALID_PARAMS', ids);
    const call = (
      await ctx.sim.get<{ state: string; participants: Array<{ state: string }> }>(`/calls/${callId}`)
    ).body;
    expect(call.state).toBe('connected');
    expect(call.participants.map((p) => p.state)).toEqual(['connected', 'connected']);
  });
});

describe('invalid values', () => {
  it('dial to a number that is not a phone number is INVALID_PHONE_NUMBER; no call is created', async () => {
    const c = await ctx.agent(0);
    await c.goAvailable();
    for (const phoneNumber of ['hello', '12', '+1 415 555', '+999999999999999', '++14155550123']) {
      await refusedWithoutChange(
        c,
        'dial',
        { destination: { type: 'phoneNumber', phoneNumber } },
        'INVALID_PHONE_NUMBER',
      );
    }
    expect(await ctx.dbh.db.selectFrom('calls').select('id').execute()).toEqual([]);
    expect((await c.request<{ state: string }>('getAgentStatus')).state).toBe('available');
  });

  it('an unknown queue, agent or flow is INVALID_DESTINATION, for dial and for addParticipant', async () => {
    await tenants.createFlow(ctx.dbh.db, {
      contactCenterId: ctx.tenant.ccId,
      devName: 'Known_Flow',
      fallbackQueueId: ctx.tenant.queueId,
    });
    const c = await ctx.agent(0);
    await c.goAvailable();
    const unknown = [
      { type: 'queue', queueId: 'QUxxxxxxxxxxxxxxxx' },
      { type: 'agent', userId: 'USxxxxxxxxxxxxxxxx' },
      { type: 'agent', userId: ctx.tenant.agents[0]!.id }, // oneself
      { type: 'flow', flowName: 'No_Such_Flow' },
    ];
    for (const destination of unknown)
      await refusedWithoutChange(c, 'dial', { destination }, 'INVALID_DESTINATION');

    const { callId } = await ctx.connectedCall(c);
    for (const destination of unknown) {
      for (const blind of [false, true]) {
        await refusedWithoutChange(
          c,
          'addParticipant',
          { callId, destination, blind },
          'INVALID_DESTINATION',
          [callId],
        );
      }
    }
  });

  it('sendDigits with letters is INVALID_PARAMS and nothing is sent', async () => {
    const c = await ctx.agent(0);
    const { callId } = await ctx.connectedCall(c);
    for (const digits of ['abc', '12x4', 'one', '1 2', '#*9q', '١٢٣']) {
      await refusedWithoutChange(c, 'sendDigits', { callId, digits }, 'INVALID_PARAMS', [callId]);
    }
    expect((await c.request('sendDigits', { callId, digits: '12*#' })).ok).toBe(true);
    expect((await ctx.sim.get<{ dtmf: string }>(`/calls/${callId}`)).body.dtmf).toBe('12*#');
  });

  it('an unknown presence status is INVALID_AGENT_STATUS', async () => {
    const c = await ctx.agent(0);
    await c.goAvailable();
    await refusedWithoutChange(c, 'setAgentStatus', { statusId: '0N5xx000000NOPE' }, 'INVALID_AGENT_STATUS');
  });
});

describe('illegal transitions', () => {
  it('accepting or declining a call that is not ringing for you is refused', async () => {
    const a0 = await ctx.agent(0);
    const a1 = await ctx.agent(1);
    await a0.goAvailable();
    const callId = await ctx.sim.call('+14155550123', ctx.tenant.number);
    await a0.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callId);
    // Ringing for agent 1, not for agent 2 (who is not even available).
    await refusedWithoutChange(a1, 'acceptCall', { callId }, 'CAN_NOT_ACCEPT_THE_CALL', [callId]);
    await refusedWithoutChange(a1, 'declineCall', { callId }, 'CAN_NOT_DECLINE_THE_CALL', [callId]);
    expect((await ctx.sim.get<{ state: string }>(`/calls/${callId}`)).body.state).toBe('ringing');
    expect(a0.names()).toEqual(['CALL_STARTED']);

    // Once connected, accepting or declining it again is refused too.
    await a0.request('acceptCall', { callId });
    await a0.waitFor('CALL_CONNECTED');
    await refusedWithoutChange(a0, 'acceptCall', { callId }, 'CAN_NOT_ACCEPT_THE_CALL', [callId]);
    await refusedWithoutChange(a0, 'declineCall', { callId }, 'CAN_NOT_DECLINE_THE_CALL', [callId]);
    await refusedWithoutChange(a1, 'acceptCall', { callId }, 'CAN_NOT_ACCEPT_THE_CALL', [callId]);
  });

  it('holding, muting or ending a call you are not on is refused', async () => {
    const a0 = await ctx.agent(0);
    const a1 = await ctx.agent(1);
    const { callId, callerId } = await ctx.connectedCall(a0);
    await refusedWithoutChange(a1, 'hold', { callId, participantId: callerId }, 'CAN_NOT_HOLD_CALL', [
      callId,
    ]);
    await refusedWithoutChange(a1, 'mute', { callId }, 'CAN_NOT_MUTE_CALL', [callId]);
    await refusedWithoutChange(a1, 'endCall', { callId }, 'CAN_NOT_END_THE_CALL', [callId]);
    await refusedWithoutChange(a1, 'pauseRecording', { callId }, 'CAN_NOT_PAUSE_RECORDING', [callId]);
    await refusedWithoutChange(a1, 'wrapUp', { callId }, 'INVALID_PARAMS', [callId]);
    // Holding oneself or an unknown participant.
    const me = (await a0.request<{ calls: Array<{ me: string }> }>('getActiveCalls')).calls[0]!.me;
    await refusedWithoutChange(a0, 'hold', { callId, participantId: me }, 'INVALID_PARTICIPANT', [callId]);
    await refusedWithoutChange(
      a0,
      'hold',
      { callId, participantId: 'PAxxxxxxxxxxxxxxxx' },
      'INVALID_PARTICIPANT',
      [callId],
    );
  });

  it('resuming a participant that is not on hold is CAN_NOT_RESUME_CALL; holding twice is CAN_NOT_HOLD_CALL', async () => {
    const c = await ctx.agent(0);
    const { callId, callerId } = await ctx.connectedCall(c);
    await refusedWithoutChange(c, 'resume', { callId, participantId: callerId }, 'CAN_NOT_RESUME_CALL', [
      callId,
    ]);
    await c.request('hold', { callId, participantId: callerId });
    await c.waitFor('HOLD_TOGGLE');
    await refusedWithoutChange(c, 'hold', { callId, participantId: callerId }, 'CAN_NOT_HOLD_CALL', [callId]);
    const held = (
      await ctx.sim.get<{ participants: Array<{ id: string; state: string }> }>(`/calls/${callId}`)
    ).body;
    expect(held.participants.find((p) => p.id === callerId)?.state).toBe('held');
  });

  it('swap and conference without enough parties are refused', async () => {
    const c = await ctx.agent(0);
    const { callId, callerId } = await ctx.connectedCall(c);
    await refusedWithoutChange(c, 'swap', { callId }, 'CAN_NOT_SWAP_PARTICIPANTS', [callId]);
    await refusedWithoutChange(c, 'conference', { callId }, 'CAN_NOT_CONFERENCE', [callId]);
    // With the caller on hold and nobody else, still nobody to swap with or to conference.
    await c.request('hold', { callId, participantId: callerId });
    await c.waitFor('HOLD_TOGGLE');
    await refusedWithoutChange(c, 'swap', { callId }, 'CAN_NOT_SWAP_PARTICIPANTS', [callId]);
    await refusedWithoutChange(c, 'conference', { callId }, 'CAN_NOT_CONFERENCE', [callId]);
    // A third party being dialed (not answered yet) is not enough either.
    await c.request('resume', { callId, participantId: callerId });
    await c.request('addParticipant', {
      callId,
      destination: { type: 'phoneNumber', phoneNumber: '+14155550177' },
      blind: false,
    });
    await c.waitFor('PARTICIPANT_ADDED');
    await refusedWithoutChange(c, 'swap', { callId }, 'CAN_NOT_SWAP_PARTICIPANTS', [callId]);
    await refusedWithoutChange(c, 'conference', { callId }, 'CAN_NOT_CONFERENCE', [callId]);
  });

  it('pausing the recording twice, or resuming it when not paused, is refused', async () => {
    const c = await ctx.agent(0);
    const { callId } = await ctx.connectedCall(c);
    await refusedWithoutChange(c, 'resumeRecording', { callId }, 'CAN_NOT_RESUME_RECORDING', [callId]);
    const paused = await c.request<{ call: { recording: { paused: boolean } } }>('pauseRecording', {
      callId,
    });
    expect(paused.call.recording.paused).toBe(true);
    await c.waitFor('RECORDING_TOGGLE');
    await refusedWithoutChange(c, 'pauseRecording', { callId }, 'CAN_NOT_PAUSE_RECORDING', [callId]);
    expect(c.names().filter((n) => n === 'RECORDING_TOGGLE')).toHaveLength(1);
  });

  it('wrapUp without after-call work is refused, during the call and for another call', async () => {
    const c = await ctx.agent(0);
    await c.goAvailable();
    await refusedWithoutChange(c, 'wrapUp', { callId: 'CAxxxxxxxxxxxxxxxx' }, 'INVALID_PARAMS');
    const { callId } = await ctx.connectedCall(c);
    await refusedWithoutChange(c, 'wrapUp', { callId }, 'INVALID_PARAMS', [callId]);
    await c.request('endCall', { callId });
    await c.waitFor('AFTER_CALL_WORK_STARTED');
    await refusedWithoutChange(c, 'wrapUp', { callId: 'CAxxxxxxxxxxxxxxxx' }, 'INVALID_PARAMS', [callId]);
    await refusedWithoutChange(c, 'endCall', { callId }, 'CAN_NOT_END_THE_CALL', [callId]);
    expect((await c.request<{ state: string }>('getAgentStatus')).state).toBe('after_call_work');
    expect((await c.request<{ state: string }>('wrapUp', { callId })).state).toBe('available');
    await refusedWithoutChange(c, 'wrapUp', { callId }, 'INVALID_PARAMS', [callId]);
  });

  it('non-supervisors cannot use the supervisor methods', async () => {
    const a0 = await ctx.agent(0);
    const a1 = await ctx.agent(1);
    const { callId } = await ctx.connectedCall(a0);
    await refusedWithoutChange(a1, 'listActiveCalls', {}, 'CAN_NOT_SUPERVISE_CALL', [callId]);
    await refusedWithoutChange(a1, 'superviseCall', { callId }, 'CAN_NOT_SUPERVISE_CALL', [callId]);
    await refusedWithoutChange(
      a1,
      'setUserStatus',
      { userId: ctx.tenant.agents[0]!.id, state: 'offline' },
      'CAN_NOT_SET_AGENT_STATUS',
      [callId],
    );
  });
});

describe('over HTTP', () => {
  const sessionCount = async () => (await ctx.dbh.db.selectFrom('sessions').select('id').execute()).length;

  it('a login with missing or extra fields is 400 INVALID_PARAMS; a wrong password is 401', async () => {
    const good = credentials(ctx.tenant, 'agent1');
    const { password: _p, ...missing } = good;
    const bad: unknown[] = [
      missing,
      { ...good, extra: 'x' },
      { ...good, username: 42 },
      { ...good, orgId: 'short' },
      { ...good, password: '' },
      [],
    ];
    for (const body of bad) {
      const res = await postLogin(ctx.run, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error?.code).toBe('INVALID_PARAMS');
    }
    const notJson = await postLogin(ctx.run, '{"orgId":', 'application/json');
    expect(notJson.status).toBe(400);
    expect(notJson.body.error?.code).toBe('INVALID_PARAMS');

    for (const body of [
      { ...good, password: 'wrong password' },
      { ...good, username: 'nobody' },
      { ...good, contactCenter: 'NoSuchCenter' },
    ]) {
      const res = await postLogin(ctx.run, body);
      expect(res.status).toBe(401);
      expect(res.body.error?.code).toBe('AUTHENTICATION_ERROR');
    }
    expect(await sessionCount()).toBe(0);
    const ok = await postLogin(ctx.run, good);
    expect(ok.status).toBe(200);
    expect(await sessionCount()).toBe(1);
  });

  it('the simulator refuses an unknown dialed number (404) and a bad body (400) and creates no call', async () => {
    const unknownNumber = await ctx.sim.post('/calls', { from: '+14155550123', to: '+14155559999' });
    expect(unknownNumber).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    for (const body of [
      { from: '+14155550123' },
      { from: '+14155550123', to: ctx.tenant.number, extra: 1 },
      { from: 14155550123, to: ctx.tenant.number },
      { from: '', to: ctx.tenant.number },
      {},
    ]) {
      const res = await ctx.sim.post('/calls', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ error: { code: 'INVALID_PARAMS' } });
    }
    const badNumber = await ctx.sim.post('/calls', { from: 'not a number', to: ctx.tenant.number });
    expect(badNumber).toMatchObject({ status: 400, body: { error: { code: 'INVALID_PHONE_NUMBER' } } });
    expect(await ctx.dbh.db.selectFrom('calls').select('id').execute()).toEqual([]);
  });

  it('the simulator: unknown call is 404, hanging up an ended call is 409, bad desk phone bodies are 400', async () => {
    const unknown = 'CAxxxxxxxxxxxxxxxx';
    const agentUrl = `/agents/${ctx.tenant.agents[0]!.id}`;
    expect(await ctx.sim.get(`/calls/${unknown}`)).toMatchObject({
      status: 404,
      body: { error: { code: 'NOT_FOUND' } },
    });
    for (const p of ['hangup', 'answer', 'voicemail-request']) {
      expect(await ctx.sim.post(`/calls/${unknown}/${p}`)).toMatchObject({
        status: 404,
        body: { error: { code: 'NOT_FOUND' } },
      });
    }
    const c = await ctx.agent(0);
    const { callId } = await ctx.connectedCall(c);
    expect((await ctx.sim.post(`/calls/${callId}/hangup`)).status).toBe(200);
    await c.waitFor('AFTER_CALL_WORK_STARTED');
    const ended = (await ctx.sim.get(`/calls/${callId}`)).body;
    const events = c.events.length;
    const again = await ctx.sim.post(`/calls/${callId}/hangup`);
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'INVALID_STATE' } } });
    expect(await ctx.sim.post(`/calls/${callId}/answer`)).toMatchObject({ status: 409 });
    expect((await ctx.sim.get(`/calls/${callId}`)).body).toEqual(ended);

    expect(await ctx.sim.post(`/agents/USxxxxxxxxxxxxxxxx/deskphone/hold`, { callId })).toMatchObject({
      status: 404,
      body: { error: { code: 'NOT_FOUND' } },
    });
    expect(await ctx.sim.post(`${agentUrl}/deskphone/dance`, { callId })).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID_PARAMS' } },
    });
    expect(await ctx.sim.post(`${agentUrl}/deskphone/hold`, {})).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID_PARAMS' } },
    });
    expect(await ctx.sim.post(`${agentUrl}/deskphone/hold`, { callId })).toMatchObject({
      status: 409,
      body: { error: { code: 'INVALID_STATE' } },
    });
    expect(
      await ctx.sim.post(`/calls/${callId}/recording`, { url: 'not a url', durationSeconds: 3 }),
    ).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID_PARAMS' } },
    });
    expect(await ctx.sim.post(`${agentUrl}/break`, { minutes: -5 })).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID_PARAMS' } },
    });
    expect((await ctx.sim.get(`/calls/${callId}`)).body).toEqual(ended);
    await c.request('getAgentStatus');
    expect(c.events.length).toBe(events);
    expect(await ctx.dbh.db.selectFrom('jobs').select('id').execute()).toEqual([]);
  });

  it('with a simulator token, a request without the bearer token is 401 and changes nothing', async () => {
    const guarded = await startService(ctx.dbh.db, { clock: new ManualClock(), simulatorToken: 's3cret' });
    try {
      const url = `${guarded.baseUrl}/sim/v1/calls`;
      const body = JSON.stringify({ from: '+14155550123', to: ctx.tenant.number });
      for (const authorization of [undefined, 'Bearer wrong', 's3cret', 'Bearer s3cret2', 'Basic s3cret']) {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
          body,
        });
        expect(res.status, String(authorization)).toBe(401);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('AUTHENTICATION_ERROR');
      }
      const get = await fetch(`${guarded.baseUrl}/sim/v1/queues`);
      expect(get.status).toBe(401);
      expect(await ctx.dbh.db.selectFrom('calls').select('id').execute()).toEqual([]);

      const ok = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer s3cret' },
        body,
      });
      expect(ok.status).toBe(201);
      expect(await ctx.dbh.db.selectFrom('calls').select('id').execute()).toHaveLength(1);
    } finally {
      await guarded.stop();
    }
  });
});
