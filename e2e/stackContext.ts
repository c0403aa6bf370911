/**
 * Per test file: the local stack (scripts/stack.ts) on free ports and a temporary data folder, one
 * headless Chromium that resolves the org's host to the console, and a clean slate before each test
 * (every demo agent logged out, every call hung up). Helpers speak the simulator API.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import type { EmulatedVoiceCall } from '../emulator/src/telephonyApi/index.ts';
import { startStack, type Stack } from '../scripts/stack.ts';
import { launchChromium } from './browser.ts';
import { ConsoleAgent } from './consoleAgent.ts';

export interface E2e {
  stack: Stack;
  browser: Browser;
  /** Opens an agent's console (closed after the test). */
  open(username: string): Promise<ConsoleAgent>;
  sim<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T>;
  /** A customer calls the demo number (or `to`); the call id. */
  call(from?: string, to?: string): Promise<string>;
  user(username: string): string;
  voiceCall(callId: string): EmulatedVoiceCall | undefined;
}

/**
 * `chromiumArgs`: the console browser's extra flags (default: audioFlags() — a fake microphone);
 * `media: false` runs the stack without its media plane (calls without audio).
 */
export function useStack(options: { chromiumArgs?: () => string[]; media?: boolean } = {}): E2e {
  const e2e = {} as E2e;
  let dir = '';
  const open: ConsoleAgent[] = [];
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-e2e-'));
    e2e.stack = await startStack({
      dataDir: dir,
      servicePort: 0,
      telephonyApiPort: 0,
      workspacePort: 0,
      outboxPollMs: 100,
      media: options.media ?? true,
    });
    e2e.browser = await launchChromium({
      hostMap: { [e2e.stack.workspace.hostName]: `127.0.0.1:${e2e.stack.workspace.port}` },
      ...(options.chromiumArgs ? { args: options.chromiumArgs() } : {}),
    });
  });
  afterAll(async () => {
    await e2e.browser?.close();
    await e2e.stack?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    const { calls } = await e2e.sim<{ calls: Array<{ callId: string }> }>('GET', '/calls');
    for (const c of calls) await e2e.sim('POST', `/calls/${c.callId}/hangup`).catch(() => undefined);
    for (const a of e2e.stack.agents) {
      await e2e.sim('POST', `/agents/${a.id}/logout`);
      await e2e.sim('PUT', `/agents/${a.id}/config`, { phoneType: 'SOFT_PHONE', autoAccept: false });
    }
    await e2e.sim('PATCH', `/contact-centers/${e2e.stack.contactCenterId}/settings`, {
      ringTimeoutSeconds: 30,
    });
  });
  afterEach(async () => {
    for (const c of open.splice(0)) await c.close();
  });
  e2e.open = async (username) => {
    const c = await ConsoleAgent.open(e2e.browser, e2e.stack, username);
    open.push(c);
    return c;
  };
  e2e.sim = async <T>(method: string, p: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${e2e.stack.serviceUrl}/sim/v1${p}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const json = (await res.json()) as T;
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  e2e.call = async (from = '+14155551234', to = e2e.stack.dialedNumber) =>
    (await e2e.sim<{ callId: string }>('POST', '/calls', { from, to, callerName: 'Pat Customer' })).callId;
  e2e.user = (username) => {
    const a = e2e.stack.agents.find((x) => x.username === username);
    if (!a) throw new Error(`no demo agent ${username}`);
    return a.id;
  };
  e2e.voiceCall = (callId) => e2e.stack.telephonyApi.voiceCalls().find((v) => v.vendorCallKey === callId);
  return e2e;
}

/** Polls until `check` passes (generous deadline: a slow shared machine). */
export async function eventually(check: () => void | Promise<void>, timeoutMs = 15_000): Promise<void> {
  await expect
    .poll(
      async () => {
        try {
          await check();
          return true;
        } catch {
          return false;
        }
      },
      { timeout: timeoutMs, interval: 200 },
    )
    .toBe(true);
}
