/**
 * The agent socket's and the JSON parser's limits (docs/security.md, "Connections", "Sizes and
 * depths"): deep JSON refused at parse (HTTP and WebSocket), binary frames refused, too many requests
 * before the welcome close the socket, connection caps, and a client that stops reading is dropped
 * and resumes without losing an event.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import { DEFAULT_SOCKET_LIMITS } from '../src/api/agentSocket.ts';
import {
  AgentClient,
  ManualClock,
  createTenant,
  credentials,
  postLogin,
  startService,
  testDatabase,
  type DatabaseHandle,
  type Running,
  type Tenant,
} from './harness.ts';
import type { SocketLimits } from '../src/api/agentSocket.ts';

let dbh: DatabaseHandle;
let run: Running;
let tenant: Tenant;
const clients: AgentClient[] = [];
const raw: WebSocket[] = [];

async function start(socket: Partial<SocketLimits> = {}) {
  dbh = testDatabase();
  run = await startService(dbh.db, {
    clock: new ManualClock(),
    limits: { socket: { ...DEFAULT_SOCKET_LIMITS, ...socket } },
  });
  tenant = await createTenant(dbh.db, { agents: 2 });
}
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of raw.splice(0)) s.terminate();
  await run?.stop();
  await dbh?.destroy();
});

const login = async (username = 'agent1') => {
  const c = await AgentClient.login(run, tenant, username);
  clients.push(c);
  return c;
};
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

/** A socket that is open (or closed at once with a code). */
function rawSocket(): Promise<{ socket: WebSocket; closed: Promise<number> }> {
  const socket = new WebSocket(run.wsUrl);
  raw.push(socket);
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ socket, closed }));
    socket.once('error', reject);
  });
}

describe('JSON depth and frame kinds', () => {
  it('refuses JSON nested deeper than 32 levels with INVALID_PARAMS over HTTP and WebSocket; nothing breaks', async () => {
    await start();
    const c = await login();
    const deepCall = `{"from":"+14155550100","to":"${tenant.number}","attributes":{"a":${nested(5000)}}}`;
    for (const [path, body] of [
      ['/sim/v1/calls', deepCall],
      [`/sim/v1/agents/${c.userId}/messages`, `{"message":${nested(40)}}`],
      ['/agent/v1/login', `{"orgId":${nested(100)}}`],
    ] as const) {
      const res = await fetch(`${run.baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(res.status, path).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('INVALID_PARAMS');
    }
    const framesBefore = c.frames.length;
    c.sendRaw(`{"type":"request","id":"deep","method":"sendMessage","params":{"message":${nested(5000)}}}`);
    await c.until(() => c.frames.length > framesBefore);
    expect(c.frames.at(-1)).toMatchObject({ type: 'response', ok: false, error: { code: 'INVALID_PARAMS' } });
    // A message nested within the limit is accepted, and the inbox still reads.
    await c.request('sendMessage', { message: JSON.parse(nested(20)) });
    const inbox = await fetch(`${run.baseUrl}/sim/v1/agents/${c.userId}/messages`);
    expect(inbox.status).toBe(200);
    expect(((await inbox.json()) as { messages: unknown[] }).messages).toHaveLength(1);
  });

  it('refuses binary frames with INVALID_PARAMS and keeps the socket', async () => {
    await start();
    const c = await login();
    const framesBefore = c.frames.length;
    c.socket.send(
      Buffer.from(JSON.stringify({ type: 'request', id: 'b', method: 'getAgentStatus', params: {} })),
    );
    await c.until(() => c.frames.length > framesBefore);
    expect(c.frames.at(-1)).toMatchObject({
      type: 'response',
      ok: false,
      error: { code: 'INVALID_PARAMS', message: expect.stringMatching(/binary/) },
    });
    expect(await c.request('getAgentStatus')).toMatchObject({ state: 'offline' });
  });

  it('closes a socket that sends more than 100 requests before its welcome (1008)', async () => {
    await start();
    const { token } = (await postLogin<{ token: string }>(run, credentials(tenant, 'agent1'))).body;
    const { socket, closed } = await rawSocket();
    const frames = [JSON.stringify({ type: 'hello', token })];
    for (let i = 0; i < 150; i++)
      frames.push(JSON.stringify({ type: 'request', id: `e${i}`, method: 'getAgentStatus', params: {} }));
    // One TCP write: the requests arrive while the hello is being checked.
    const tcp = (socket as unknown as { _socket: Socket })._socket;
    tcp.cork();
    for (const f of frames) socket.send(f);
    tcp.uncork();
    expect(await closed).toBe(1008);
  });
});

describe('connection caps', () => {
  it('closes sockets over the per-source cap with 1013', async () => {
    await start({ maxPerSource: 3 });
    for (let i = 0; i < 3; i++) await rawSocket();
    const fourth = await rawSocket();
    expect(await fourth.closed).toBe(1013);
  });

  it('closes sockets over the unauthenticated cap with 1013; a welcome frees a place', async () => {
    await start({ maxUnauthenticated: 2 });
    const a = await rawSocket();
    await rawSocket();
    const third = await rawSocket();
    expect(await third.closed).toBe(1013);
    // One of the waiting sockets says hello: a place for the unauthenticated frees up.
    const { token } = (await postLogin<{ token: string }>(run, credentials(tenant, 'agent1'))).body;
    const welcomed = new Promise<void>((resolve) =>
      a.socket.on('message', (m) => {
        if ((JSON.parse(String(m)) as { type: string }).type === 'welcome') resolve();
      }),
    );
    a.socket.send(JSON.stringify({ type: 'hello', token }));
    await welcomed;
    const fourth = await rawSocket();
    const fifth = await rawSocket();
    expect(await fifth.closed).toBe(1013);
    expect(fourth.socket.readyState).toBe(WebSocket.OPEN);
  });

  it('closes a socket without hello after the hello timeout', async () => {
    await start({ helloTimeoutMs: 200 });
    const s = await rawSocket();
    expect(await s.closed).toBe(4401);
  });
});

describe('heartbeat', () => {
  it('drops a socket that does not answer pings; one that does stays', async () => {
    await start({ heartbeatMs: 150 });
    const live = await login();
    const mute = new WebSocket(run.wsUrl, { autoPong: false });
    raw.push(mute);
    const closed = new Promise<number>((resolve) => mute.once('close', (code) => resolve(code)));
    await new Promise((resolve) => mute.once('open', resolve));
    mute.send(JSON.stringify({ type: 'hello', token: live.token }));
    expect(await closed).toBe(1006);
    expect(live.socket.readyState).toBe(WebSocket.OPEN);
    expect(await live.request('getAgentStatus')).toMatchObject({ state: 'offline' });
  });
});

describe('send buffer', () => {
  it('drops a client that stops reading once its unsent bytes pass the limit; it resumes without a gap', async () => {
    await start({ maxBufferedBytes: 256 * 1024 });
    const slow = await login();
    const tcp = (slow.socket as unknown as { _socket: Socket })._socket;
    tcp.pause();
    const big = 'x'.repeat(200_000);
    const sent = 60;
    for (let i = 0; i < sent; i++) {
      const res = await fetch(`${run.baseUrl}/sim/v1/agents/${slow.userId}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: { i, big } }),
      });
      expect(res.status).toBe(200);
    }
    tcp.resume();
    await slow.closed();
    const got = slow.events.filter((e) => e.event === 'MESSAGE');
    expect(got.length).toBeLessThan(sent);
    const lastSeq = slow.events.at(-1)?.seq ?? slow.welcome!.seq;
    const again = await AgentClient.connect(run, slow.token, lastSeq);
    clients.push(again);
    expect(again.welcome?.resumed).toBe(true);
    await again.until(() => got.length + again.events.filter((e) => e.event === 'MESSAGE').length === sent);
    const indexes = [...got, ...again.events.filter((e) => e.event === 'MESSAGE')].map(
      (e) => (e.data.message as { i: number }).i,
    );
    expect(indexes).toEqual(Array.from({ length: sent }, (_, i) => i));
  });
});
