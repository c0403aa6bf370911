/** Injected faults (failNext, setLatency, goDown, loseNextAnswers) and Idempotency-Key replay. */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  api,
  control,
  errorCode,
  inboundCall,
  newKeyPair,
  signToken,
  startFixture,
  type Fixture,
  type KeyPair,
} from './telephonyApiHarness.ts';

let keys: KeyPair;
let f: Fixture;
let token: string;

beforeAll(async () => {
  keys = await newKeyPair();
});

beforeEach(async () => {
  f = await startFixture(keys);
  token = await f.token();
  return () => f.emulator.close();
});

const create = (body = inboundCall(f.clock.t), headers: Record<string, string> = {}) =>
  api<{ voiceCallId: string }>(f.emulator, 'POST', '/voiceCalls', { token, body, headers });

describe('faults', () => {
  it('failNext answers the next requests with 503 (default) or the given status, then recovers', async () => {
    f.emulator.failNext(2);
    const first = await create();
    expect([first.status, errorCode(first)]).toEqual([503, 'SERVICE_UNAVAILABLE']);
    expect((await api(f.emulator, 'POST', '/voiceCalls', { body: inboundCall(f.clock.t) })).status).toBe(503);
    expect((await create()).status).toBe(201);
    f.emulator.failNext(1, 500);
    const failed = await create();
    expect([failed.status, errorCode(failed)]).toEqual([500, 'INJECTED_FAULT']);
    expect(f.emulator.voiceCalls()).toHaveLength(1);
    expect(f.emulator.requests().map((r) => r.status)).toEqual([503, 503, 201, 500]);
  });

  it('loseNextAnswers applies the request, then drops the connection without an answer', async () => {
    f.emulator.loseNextAnswers(1);
    await expect(create()).rejects.toThrow();
    expect(f.emulator.voiceCalls()).toHaveLength(1);
    expect((await create()).status).toBe(201);
    expect(f.emulator.voiceCalls()).toHaveLength(2);
    expect(() => f.emulator.loseNextAnswers(-1)).toThrow('whole number');
  });

  it('setIdempotencyKeys(false): a repeated request with the same key is applied again, as the pages document no key', async () => {
    f.emulator.setIdempotencyKeys(false);
    const body = inboundCall(f.clock.t, { initiationMethod: 'Transfer', parentVoiceCallId: 'x' });
    const parent = await create();
    const transfer: Record<string, unknown> = { ...body, parentVoiceCallId: parent.body.voiceCallId };
    const headers = { 'idempotency-key': 'same' };
    expect((await create(transfer, headers)).status).toBe(201);
    const again = await create(transfer, headers);
    expect([again.status, again.headers.get('idempotent-replayed')]).toEqual([201, null]);
    expect(f.emulator.voiceCalls().filter((r) => r.vendorCallKey === transfer.vendorCallKey)).toHaveLength(2);
  });

  it('does not apply to the control API', async () => {
    f.emulator.failNext(1);
    expect((await control(f.emulator, 'GET', '/emulator/v1/voiceCalls')).status).toBe(200);
    expect((await control(f.emulator, 'GET', '/emulator/records')).status).toBe(200);
    expect((await create()).status).toBe(503);
    f.emulator.goDown(60);
    expect((await control(f.emulator, 'GET', '/emulator/v1/requests')).status).toBe(200);
  });

  it('goDown answers 503 until the clock passes the outage', async () => {
    f.emulator.goDown(30);
    expect((await create()).status).toBe(503);
    f.clock.advance(29_000);
    expect((await create()).status).toBe(503);
    f.clock.advance(1_000);
    expect((await create()).status).toBe(201);
    expect(f.emulator.voiceCalls()).toHaveLength(1);
  });

  it('setLatency answers every API request after the latency', async () => {
    f.emulator.setLatency(300);
    const started = performance.now();
    expect((await create()).status).toBe(201);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    f.emulator.setLatency(0);
    expect(() => f.emulator.setLatency(-1)).toThrow();
  });

  it('reset forgets records, requests and faults, keeping registrations and flow rules', async () => {
    f.emulator.setFlowRules([{ flowDevName: 'F', route: { type: 'queue', queueId: 'Q' } }]);
    const { body } = await create();
    f.emulator.failNext(5);
    f.emulator.reset();
    expect(f.emulator.voiceCalls()).toEqual([]);
    expect(f.emulator.requests()).toEqual([]);
    const again = await create();
    expect(again.status).toBe(201);
    expect(again.body.voiceCallId).not.toBe(body.voiceCallId);
    const flow = await api(f.emulator, 'PATCH', `/voiceCalls/${again.body.voiceCallId}/omniFlow`, {
      token,
      body: { flowDevName: 'F' },
    });
    expect(flow.body).toEqual({ queue: 'Q' });
  });
});

describe('Idempotency-Key', () => {
  it('replays the first answer of a create and creates one record', async () => {
    const body = inboundCall(f.clock.t);
    const first = await create(body, { 'idempotency-key': 'create-1' });
    const again = await create(body, { 'idempotency-key': 'create-1' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(f.emulator.voiceCalls()).toHaveLength(1);
    expect(f.emulator.requests().map((r) => r.idempotencyKey)).toEqual(['create-1', 'create-1']);
  });

  it('records a replayed update once, and updates twice without the key', async () => {
    const { body } = await create();
    const patch = (headers: Record<string, string>) =>
      api(f.emulator, 'PATCH', `/voiceCalls/${body.voiceCallId}`, {
        token,
        body: { numberOfHolds: 1 },
        headers,
      });
    await patch({ 'idempotency-key': 'u1' });
    await patch({ 'idempotency-key': 'u1' });
    expect(f.emulator.voiceCalls()[0]?.updates).toHaveLength(1);
    await patch({});
    await patch({});
    expect(f.emulator.voiceCalls()[0]?.updates).toHaveLength(3);
  });

  it('answers 409 for a key reused with another request, changing nothing', async () => {
    await create(inboundCall(f.clock.t), { 'idempotency-key': 'k' });
    const reused = await create(inboundCall(f.clock.t), { 'idempotency-key': 'k' });
    expect([reused.status, errorCode(reused)]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
    expect(f.emulator.voiceCalls()).toHaveLength(1);
  });

  it('replays error answers too, but not injected 5xx faults', async () => {
    const missing = () =>
      api(f.emulator, 'PATCH', '/voiceCalls/0LQ5g0000000000AAA', {
        token,
        body: { numberOfHolds: 1 },
        headers: { 'idempotency-key': 'e' },
      });
    expect((await missing()).status).toBe(404);
    expect((await missing()).headers.get('idempotent-replayed')).toBe('true');
    const body = inboundCall(f.clock.t);
    f.emulator.failNext(1);
    expect((await create(body, { 'idempotency-key': 'after-fault' })).status).toBe(503);
    expect((await create(body, { 'idempotency-key': 'after-fault' })).status).toBe(201);
    expect(f.emulator.voiceCalls()).toHaveLength(1);
  });

  it('keeps keys per contact center', async () => {
    const tokenB = await signToken(keys.privateKey, f.clock.t, { sub: 'ContactCenterB' });
    await create(inboundCall(f.clock.t), { 'idempotency-key': 'same' });
    const forB = await api(f.emulator, 'POST', '/voiceCalls', {
      token: tokenB,
      body: inboundCall(f.clock.t, { callCenterApiName: 'ContactCenterB' }),
      headers: { 'idempotency-key': 'same' },
    });
    expect(forB.status).toBe(201);
    expect(f.emulator.voiceCalls().map((r) => r.callCenterApiName)).toEqual([
      'ContactCenterA',
      'ContactCenterB',
    ]);
  });
});
