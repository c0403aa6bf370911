/** The emulator's HTTP control API, its records page, and its standalone entry point. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { JSDOM } from 'jsdom';
import { beforeAll, beforeEach, expect, it } from 'vitest';
import type { ApiRequestLog, EmulatedVoiceCall } from '../src/telephonyApi/index.ts';
import { startTelephonyApiEmulator, type TelephonyApiEmulator } from '../src/telephonyApi/index.ts';
import {
  api,
  control,
  errorCode,
  inboundCall,
  newKeyPair,
  ORG_ID,
  signToken,
  type KeyPair,
} from './telephonyApiHarness.ts';

let keys: KeyPair;
let emulator: TelephonyApiEmulator;
let token: string;

beforeAll(async () => {
  keys = await newKeyPair();
});

beforeEach(async () => {
  emulator = await startTelephonyApiEmulator();
  token = await signToken(keys.privateKey, Date.now());
  return () => emulator.close();
});

const register = () =>
  control(emulator, 'POST', '/emulator/v1/contactCenters', {
    orgId: ORG_ID,
    callCenterApiName: 'ContactCenterA',
    keys: [keys.publicPem],
  });

it('registers a contact center over HTTP; a bad key answers 400 and changes nothing', async () => {
  expect((await api(emulator, 'POST', '/voiceCalls', { token, body: inboundCall(Date.now()) })).status).toBe(
    401,
  );
  expect((await register()).status).toBe(204);
  expect((await api(emulator, 'POST', '/voiceCalls', { token, body: inboundCall(Date.now()) })).status).toBe(
    201,
  );
  const bad = await control(emulator, 'POST', '/emulator/v1/contactCenters', {
    orgId: ORG_ID,
    callCenterApiName: 'ContactCenterA',
    keys: ['not a key'],
  });
  expect([bad.status, errorCode(bad)]).toEqual([400, 'INVALID_REQUEST']);
  const missing = await control(emulator, 'POST', '/emulator/v1/contactCenters', { orgId: ORG_ID });
  expect(missing.status).toBe(400);
  expect((await api(emulator, 'POST', '/voiceCalls', { token, body: inboundCall(Date.now()) })).status).toBe(
    201,
  );
});

it('sets flow rules, faults, and lists records and requests over HTTP, then resets', async () => {
  await register();
  const rules = {
    rules: [{ dialedNumber: '+14155550100', route: { type: 'agent', userId: '005xx000001SvVfAAK' } }],
  };
  expect((await control(emulator, 'PUT', '/emulator/v1/flowRules', rules)).status).toBe(204);
  expect(
    (
      await control(emulator, 'PUT', '/emulator/v1/flowRules', {
        rules: [{ route: { type: 'queue', queueId: 'Q' } }],
      })
    ).status,
  ).toBe(400);
  const body = inboundCall(Date.now());
  const { body: created } = await api<{ voiceCallId: string }>(emulator, 'POST', '/voiceCalls', {
    token,
    body,
  });
  const flow = await api(emulator, 'PATCH', `/voiceCalls/${created.voiceCallId}/omniFlow`, {
    token,
    body: { dialedNumber: '+14155550100' },
  });
  expect(flow.body).toEqual({ agent: '005xx000001SvVfAAK' });

  const calls = await control<{ voiceCalls: EmulatedVoiceCall[] }>(
    emulator,
    'GET',
    '/emulator/v1/voiceCalls',
  );
  expect(calls.body.voiceCalls).toEqual(emulator.voiceCalls());
  expect(calls.body.voiceCalls[0]).toMatchObject({
    vendorCallKey: body.vendorCallKey,
    pendingRouting: { route: { type: 'agent' } },
  });
  const requests = await control<{ requests: ApiRequestLog[] }>(emulator, 'GET', '/emulator/v1/requests');
  expect(requests.body.requests.map((r) => [r.method, r.path, r.status])).toEqual([
    ['POST', '/telephony/v1/voiceCalls', 201],
    ['PATCH', `/telephony/v1/voiceCalls/${created.voiceCallId}/omniFlow`, 200],
  ]);
  expect(requests.body.requests[0]).toMatchObject({
    body,
    claims: { sub: 'ContactCenterA' },
    idempotencyKey: null,
  });

  expect(
    (await control(emulator, 'POST', '/emulator/v1/faults/failNext', { count: 1, status: 502 })).status,
  ).toBe(204);
  expect((await api(emulator, 'POST', '/voiceCalls', { token, body: inboundCall(Date.now()) })).status).toBe(
    502,
  );
  expect(
    (await control(emulator, 'POST', '/emulator/v1/faults/failNext', { count: 1, status: 200 })).status,
  ).toBe(400);
  expect((await control(emulator, 'POST', '/emulator/v1/faults/down', { seconds: 60 })).status).toBe(204);
  expect((await api(emulator, 'POST', '/voiceCalls', { token, body: inboundCall(Date.now()) })).status).toBe(
    503,
  );
  expect((await control(emulator, 'POST', '/emulator/v1/reset')).status).toBe(204);
  expect((await control(emulator, 'PUT', '/emulator/v1/faults/latency', { ms: 200 })).status).toBe(204);
  const started = performance.now();
  expect((await api(emulator, 'POST', '/voiceCalls', { token, body: inboundCall(Date.now()) })).status).toBe(
    201,
  );
  expect(performance.now() - started).toBeGreaterThanOrEqual(190);
  expect(emulator.voiceCalls()).toHaveLength(1);
});

it('shows records, fields, transcripts and flow executions on the records page, escaping all data', async () => {
  await register();
  emulator.setFlowRules([
    { flowDevName: '<b>Flow</b>', route: { type: 'queue', queueId: '"><script>q()</script>' } },
  ]);
  const start = Date.now();
  const body = inboundCall(start, {
    vendorCallKey: '<img src=x onerror=alert(1)>',
    callAttributes: { Note__c: '</td><script>x()</script>' },
  });
  const { body: created } = await api<{ voiceCallId: string }>(emulator, 'POST', '/voiceCalls', {
    token,
    body,
  });
  await api(emulator, 'POST', `/voiceCalls/${encodeURIComponent(body.vendorCallKey as string)}/messages`, {
    token,
    body: {
      messageId: 'm1',
      content: '<script>steal()</script> & more',
      senderType: 'END_USER',
      participantId: 'p',
      startTime: start,
      endTime: start + 10,
    },
  });
  await api(emulator, 'PATCH', `/voiceCalls/${created.voiceCallId}/omniFlow`, {
    token,
    body: { flowDevName: '<b>Flow</b>' },
  });

  const page = await control<string>(emulator, 'GET', '/emulator/records');
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toContain('text/html');
  const doc = new JSDOM(page.body).window.document;
  expect(doc.querySelectorAll('script, img, b')).toHaveLength(0);
  const text = doc.body.textContent ?? '';
  expect(doc.querySelector('h1')?.textContent).toBe('VoiceCall records (1)');
  expect(doc.querySelector('h2')?.textContent).toBe(created.voiceCallId);
  expect(text).toContain('<img src=x onerror=alert(1)>');
  expect(text).toContain('<script>steal()</script> & more');
  expect(text).toContain('</td><script>x()</script>');
  expect(text).toContain('queue "><script>q()</script>');
  expect(text).toContain('flowDevName');
  expect(text).toContain('+14155550100');
});

it('runs standalone from main.ts, printing its URL', async () => {
  const tsx = path.resolve('node_modules/.bin/tsx');
  const child = spawn(tsx, [path.resolve('emulator/src/telephonyApi/main.ts')], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (match?.[1]) resolve(match[1]);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    const res = await fetch(`${url}/emulator/v1/voiceCalls`);
    expect(await res.json()).toEqual({ voiceCalls: [] });
    const apiRes = await fetch(`${url}/telephony/v1/voiceCalls`, { method: 'POST' });
    expect(apiRes.status).toBe(401);
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
});
