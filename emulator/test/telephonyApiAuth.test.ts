/** The telephony API emulator's JWT checks: keys, certificates, rotation, claims, and tenants kept apart. */
import { SignJWT } from 'jose';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTelephonyApiEmulator } from '../src/telephonyApi/index.ts';
import {
  api,
  errorCode,
  inboundCall,
  newCertificate,
  newKeyPair,
  ORG_ID,
  ORG_ID_15,
  signToken,
  startFixture,
  type Fixture,
  type KeyPair,
} from './telephonyApiHarness.ts';

let keysA: KeyPair;
let keysB: KeyPair;
let cert: KeyPair;
let f: Fixture;

beforeAll(async () => {
  [keysA, keysB, cert] = await Promise.all([newKeyPair(), newKeyPair(), newCertificate(2)]);
});

beforeEach(async () => {
  f = await startFixture(keysA, keysB);
  return () => f.emulator.close();
});

async function create(token: string, body = inboundCall(f.clock.t)) {
  return api<{ voiceCallId: string }>(f.emulator, 'POST', '/voiceCalls', { token, body });
}

describe('a valid token', () => {
  it('is accepted, with the 15- or 18-character org id, and its claims are logged', async () => {
    expect((await create(await f.token())).status).toBe(201);
    expect((await create(await f.token({ iss: ORG_ID }))).status).toBe(201);
    expect(f.emulator.requests().map((r) => r.claims)).toEqual([
      { iss: ORG_ID_15, sub: 'ContactCenterA' },
      { iss: ORG_ID, sub: 'ContactCenterA' },
    ]);
  });

  it('needs no aud (the current page lists none), and may be reused when it has no jti', async () => {
    const token = await f.token({ aud: null });
    expect((await create(token)).status).toBe(201);
    expect((await create(token)).status).toBe(201);
  });

  it('is accepted a little before its iat and after its exp (60 s of clock skew)', async () => {
    const nowS = Math.floor(f.clock.t / 1000);
    expect((await create(await f.token({ iat: nowS + 30, exp: nowS + 600 }))).status).toBe(201);
    expect((await create(await f.token({ iat: nowS - 600, exp: nowS - 30 }))).status).toBe(201);
  });
});

describe('401 in the error shape, changing nothing', () => {
  async function expectRejected(token: string | undefined, reason: RegExp) {
    const before = f.emulator.voiceCalls();
    const answer = await create(token ?? '');
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual([{ errorCode: 'INVALID_AUTH', message: expect.stringMatching(reason) }]);
    expect(f.emulator.voiceCalls()).toEqual(before);
  }

  it('rejects a missing or malformed Authorization header', async () => {
    await expectRejected(undefined, /Bearer JWT is required/);
    const answer = await api(f.emulator, 'POST', '/voiceCalls', {
      body: inboundCall(f.clock.t),
      headers: { authorization: `Basic ${await f.token()}` },
    });
    expect(answer.status).toBe(401);
    await expectRejected('not.a.jwt', /malformed/);
  });

  it('rejects a token signed with another key', async () => {
    await expectRejected(await signToken(keysB.privateKey, f.clock.t), /signature/);
  });

  it('rejects an expired token, one issued in the future, and one living more than 24 hours', async () => {
    const nowS = Math.floor(f.clock.t / 1000);
    await expectRejected(await f.token({ iat: nowS - 7200, exp: nowS - 61 }), /expired/);
    await expectRejected(await f.token({ iat: nowS + 120, exp: nowS + 3600 }), /future/);
    await expectRejected(await f.token({ iat: nowS, exp: nowS + 25 * 3600 }), /24 hours/);
  });

  it('expires a cached token when the clock passes its exp', async () => {
    const token = await f.token();
    expect((await create(token)).status).toBe(201);
    f.clock.advance(3600_000 + 61_000);
    await expectRejected(token, /expired/);
  });

  it('rejects an unknown contact center or org', async () => {
    await expectRejected(await f.token({ sub: 'NoSuchCenter' }), /no contact center/);
    await expectRejected(await f.token({ iss: '00Dxx0000009zzz' }), /no contact center/);
  });

  it('rejects a wrong aud, another algorithm, and a reused jti', async () => {
    await expectRejected(await f.token({ aud: 'https://login.salesforce.com' }), /aud/);
    // the classic forgery: HS256 keyed with the (public) verification key
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ORG_ID_15)
      .setSubject('ContactCenterA')
      .setIssuedAt(Math.floor(f.clock.t / 1000))
      .setExpirationTime(Math.floor(f.clock.t / 1000) + 600)
      .sign(new TextEncoder().encode(keysA.publicPem));
    await expectRejected(forged, /RS256/);
    const unsigned = `${forged.split('.').slice(0, 2).join('.')}.`;
    await expectRejected(unsigned, /Bearer JWT/);
    const once = await f.token({ jti: 'token-1' });
    expect((await create(once)).status).toBe(201);
    await expectRejected(once, /jti/);
  });

  it("rejects a token for another contact center than the record's", async () => {
    const tokenA = await f.token();
    const tokenB = await signToken(keysB.privateKey, f.clock.t, { sub: 'ContactCenterB' });
    // B's token cannot create a record for A
    const forA = inboundCall(f.clock.t);
    expect((await create(tokenB, forA)).status).toBe(401);
    // A's record, touched with B's token: by id, by vendor call key, transcripts, routing
    const { body } = await create(tokenA, forA);
    const key = forA.vendorCallKey as string;
    const asB = (method: string, path: string, payload?: unknown) =>
      api(f.emulator, method, path, { token: tokenB, body: payload });
    const start = f.clock.t;
    const message = {
      messageId: 'm1',
      content: 'hi',
      senderType: 'END_USER',
      participantId: 'x',
      startTime: start,
      endTime: start + 1,
    };
    const answers = [
      await asB('PATCH', `/voiceCalls/${body.voiceCallId}`, { isActiveCall: true }),
      await asB('PATCH', `/voiceCalls/${key}`, { isActiveCall: true }),
      await asB('POST', `/voiceCalls/${key}/messages`, message),
      await asB('PATCH', `/voiceCalls/${body.voiceCallId}/omniFlow`, {
        dialedNumber: '+14155550100',
        fallbackQueue: 'Q',
      }),
      await asB('PATCH', `/voiceCalls/${key}/clearRouting`),
      await asB('POST', `/voiceCalls/${key}/realtimeConversationEvents`, {
        service: 'S',
        events: [{ type: 'IntelligenceSignal__Category', value: 'Angry', startTime: start }],
      }),
    ];
    expect(answers.map((a) => [a.status, errorCode(a)])).toEqual(Array(6).fill([401, 'INVALID_AUTH']));
    const [record] = f.emulator.voiceCalls();
    expect(record).toMatchObject({
      updates: [],
      transcripts: [],
      flowExecutions: [],
      conversationEvents: [],
      callDisposition: 'new',
    });
  });
});

it('rejects a request without Telephony-Provider-Name with the documented 400', async () => {
  const answer = await api(f.emulator, 'POST', '/voiceCalls', {
    token: await f.token(),
    body: inboundCall(f.clock.t),
    noProvider: true,
  });
  expect(answer.status).toBe(400);
  expect(errorCode(answer)).toBe('MISSING_HEADER');
  expect(f.emulator.voiceCalls()).toEqual([]);
});

describe('registration', () => {
  it('accepts an X.509 certificate as the verification key', async () => {
    f.emulator.registerContactCenter({
      orgId: ORG_ID,
      callCenterApiName: 'ContactCenterA',
      keys: [cert.publicPem],
    });
    expect((await create(await signToken(cert.privateKey, f.clock.t))).status).toBe(201);
    expect((await create(await f.token())).status).toBe(401);
  });

  it('does not verify with an expired certificate', async () => {
    f.emulator.registerContactCenter({
      orgId: ORG_ID,
      callCenterApiName: 'ContactCenterA',
      keys: [cert.publicPem],
    });
    const later = Date.now() + 3 * 86_400_000;
    const emulator = await startTelephonyApiEmulator({ now: () => later });
    try {
      emulator.registerContactCenter({
        orgId: ORG_ID,
        callCenterApiName: 'ContactCenterA',
        keys: [cert.publicPem],
      });
      const answer = await api(emulator, 'POST', '/voiceCalls', {
        token: await signToken(cert.privateKey, later),
        body: inboundCall(later),
      });
      expect(answer.status).toBe(401);
    } finally {
      await emulator.close();
    }
  });

  it('accepts either of two registered keys (rotation), and replacing the keys drops the old one', async () => {
    f.emulator.registerContactCenter({
      orgId: ORG_ID,
      callCenterApiName: 'ContactCenterA',
      keys: [keysA.publicPem, cert.publicPem],
    });
    expect((await create(await f.token())).status).toBe(201);
    expect((await create(await signToken(cert.privateKey, f.clock.t))).status).toBe(201);
    f.emulator.registerContactCenter({
      orgId: ORG_ID,
      callCenterApiName: 'ContactCenterA',
      keys: [cert.publicPem],
    });
    expect((await create(await f.token())).status).toBe(401);
    expect((await create(await signToken(cert.privateKey, f.clock.t))).status).toBe(201);
  });

  it('refuses a private key, a non-key and a bad org id, keeping the previous registration', async () => {
    const bad = [
      { orgId: ORG_ID, keys: ['-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----'] },
      { orgId: ORG_ID, keys: ['hello'] },
      { orgId: ORG_ID, keys: ['-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----'] },
      { orgId: '00D', keys: [keysB.publicPem] },
      { orgId: ORG_ID, keys: [] },
    ];
    for (const { orgId, keys } of bad) {
      expect(() =>
        f.emulator.registerContactCenter({ orgId, callCenterApiName: 'ContactCenterA', keys }),
      ).toThrow();
    }
    expect((await create(await f.token())).status).toBe(201);
  });
});
