/**
 * SQLite serves one node: a second service process on the same file stops with a clear message and
 * changes nothing; once the first node is gone (even killed with -9) a new one starts.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from './harness.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-lock-'));
const file = path.join(dir, 'one.db');
const children: Array<ReturnType<typeof spawn>> = [];

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function node(): Promise<{ child: ReturnType<typeof spawn>; port: number; output: () => string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'telephony/src/main.ts'], {
    env: { ...process.env, DATABASE_URL: '', SQLITE_PATH: file, DATA_DIR: dir, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let text = '';
  child.stdout!.on('data', (d: Buffer) => (text += String(d)));
  child.stderr!.on('data', (d: Buffer) => (text += String(d)));
  return { child, port, output: () => text };
}

const healthy = async (port: number) =>
  (await fetch(`http://127.0.0.1:${port}/health`).catch(() => null))?.ok === true;

afterEach(() => {
  for (const c of children) c.kill('SIGKILL');
});

describe.skipIf(Boolean(process.env.TEST_DATABASE_URL))('SQLite: one node per file', () => {
  it('refuses a second node on the same file; a killed node’s lock is taken over', async () => {
    const first = await node();
    await eventually(() => healthy(first.port), `the first node (${first.output()})`, 30_000);

    const second = await node();
    const code = await new Promise<number | null>((resolve) => second.child.once('exit', resolve));
    expect(code).toBe(1);
    expect(second.output()).toContain(`another Switchboard node (pid ${first.child.pid}) serves ${file}`);
    expect(await healthy(second.port)).toBe(false);
    expect(await healthy(first.port)).toBe(true);

    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    const third = await node();
    await eventually(() => healthy(third.port), `the node after the kill (${third.output()})`, 30_000);
  }, 90_000);
});
