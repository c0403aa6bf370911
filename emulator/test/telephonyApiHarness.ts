/**
 * Test harness for the telephony API emulator: RSA keys and certificates, JWTs signed with `jose`, a
 * manual clock, and an HTTP client for the API and the control API (real sockets on 127.0.0.1).
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { exportSPKI, generateKeyPair, importPKCS8, SignJWT, type CryptoKey, type KeyObject } from 'jose';
import { startTelephonyApiEmulator, type TelephonyApiEmulator } from '../src/telephonyApi/index.ts';

export const ORG_ID = '00Dxx0000001gPLEAY';
export const ORG_ID_15 = '00Dxx0000001gPL';
export const AUDIENCE = 'https://scrt.salesforce.com';

type PrivateKey = CryptoKey | KeyObject;

export interface KeyPair {
  privateKey: PrivateKey;
  /** PEM SPKI public key or X.509 certificate. */
  publicPem: string;
}

/** An RSA-2048 key pair with its SPKI public key (slow: generate once per file). */
export async function newKeyPair(): Promise<KeyPair> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', {
    modulusLength: 2048,
    extractable: true,
  });
  return { privateKey, publicPem: await exportSPKI(publicKey) };
}

/** A self-signed X.509 certificate (openssl) valid for `days` from now, with its private key. */
export async function newCertificate(days = 2): Promise<KeyPair> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'emulator-cert-'));
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-subj',
    '/CN=switchboard-test',
    '-days',
    String(days),
  ]);
  const [keyPem, certPem] = await Promise.all([fs.readFile(keyFile, 'utf8'), fs.readFile(certFile, 'utf8')]);
  await fs.rm(dir, { recursive: true, force: true });
  return { privateKey: await importPKCS8(keyPem, 'RS256'), publicPem: certPem };
}

export class ManualClock {
  constructor(public t = Date.now()) {}
  readonly now = () => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface TokenOptions {
  iss?: string;
  sub?: string;
  /** seconds since the epoch; default: the clock's now */
  iat?: number;
  /** seconds since the epoch; default: iat + 1 hour */
  exp?: number;
  aud?: string | string[] | null;
  jti?: string;
}

/** A JWT as Switchboard's client signs one (RS256, iss = org, sub = contact center, aud, 1 hour). */
export async function signToken(
  privateKey: PrivateKey,
  nowMs: number,
  options: TokenOptions = {},
): Promise<string> {
  const iat = options.iat ?? Math.floor(nowMs / 1000);
  const jwt = new SignJWT(options.jti ? { jti: options.jti } : {})
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setIssuer(options.iss ?? ORG_ID_15)
    .setSubject(options.sub ?? 'ContactCenterA')
    .setIssuedAt(iat)
    .setExpirationTime(options.exp ?? iat + 3600);
  if (options.aud !== null) jwt.setAudience(options.aud ?? AUDIENCE);
  return jwt.sign(privateKey);
}

export interface Answer<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Leave out Telephony-Provider-Name. */
  noProvider?: boolean;
}

/** One request to the emulated API (`/telephony/v1` + `path`). */
export async function api<T = unknown>(
  emulator: TelephonyApiEmulator,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (!options.noProvider) headers['telephony-provider-name'] = 'switchboard';
  if (options.body !== undefined) headers['content-type'] ??= 'application/json';
  const res = await fetch(`${emulator.url}/telephony/v1${path}`, {
    method,
    headers,
    body:
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body),
  });
  return { status: res.status, body: (await parse(res)) as T, headers: res.headers };
}

/** One request to the control API or page (`path` from the origin). */
export async function control<T = unknown>(
  emulator: TelephonyApiEmulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<Answer<T>> {
  const res = await fetch(`${emulator.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await parse(res)) as T, headers: res.headers };
}

async function parse(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!(res.headers.get('content-type') ?? '').includes('json')) return text;
  return text === '' ? null : JSON.parse(text);
}

export function errorCode(answer: Answer): string | undefined {
  return (answer.body as { errorCode?: string }[] | undefined)?.[0]?.errorCode;
}

/** A create body for an inbound call starting at `startMs`. */
export function inboundCall(
  startMs: number,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    callCenterApiName: 'ContactCenterA',
    vendorCallKey: randomUUID(),
    to: '+14155550100',
    from: '+14155551234',
    initiationMethod: 'Inbound',
    startTime: new Date(startMs).toISOString(),
    participants: [{ participantKey: '+14155551234', type: 'END_USER' }],
    ...overrides,
  };
}

export interface Fixture {
  emulator: TelephonyApiEmulator;
  clock: ManualClock;
  keys: KeyPair;
  /** A valid token for contact center A of ORG_ID, on the clock's time. */
  token(options?: TokenOptions): Promise<string>;
}

/** An emulator on a manual clock with contact centers A and B of one org registered with `keys`. */
export async function startFixture(keys: KeyPair, otherKeys: KeyPair = keys): Promise<Fixture> {
  const clock = new ManualClock();
  const emulator = await startTelephonyApiEmulator({ now: clock.now });
  emulator.registerContactCenter({
    orgId: ORG_ID,
    callCenterApiName: 'ContactCenterA',
    keys: [keys.publicPem],
  });
  emulator.registerContactCenter({
    orgId: ORG_ID,
    callCenterApiName: 'ContactCenterB',
    keys: [otherKeys.publicPem],
  });
  return { emulator, clock, keys, token: (options) => signToken(keys.privateKey, clock.t, options) };
}
