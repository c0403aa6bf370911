/**
 * Starts a Janus media node on this machine with scripts/janus/start.sh, on free ports and in its
 * own folder, and stops it: for the tests and the benchmark (a vendor runs start.sh under systemd).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { JanusNodeOptions } from './janusEngine.ts';

const START = new URL('../../../../scripts/janus/start.sh', import.meta.url).pathname;
const READY_TIMEOUT_MS = 30_000;

export interface LocalJanus {
  node: JanusNodeOptions;
  workDir: string;
  process: ChildProcess;
  /** Kills the node as a crash would (SIGKILL), without cleaning up. */
  kill(): void;
  /** Stops the node and removes its folder. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Two adjacent random blocks of `size` UDP ports in 20000–59999, for WebRTC and plain RTP (nodes
 * started side by side rarely collide).
 */
function portBlocks(size: number): [string, string] {
  const base = 20000 + Math.floor(Math.random() * Math.floor((40000 - 2 * size) / size)) * size;
  return [`${base}-${base + size - 1}`, `${base + size}-${base + 2 * size - 1}`];
}

/** Starts a node; a node that exits while starting (a port taken meanwhile, say) is tried once more. */
export interface LocalJanusOptions {
  apiSecret?: string;
  /** UDP ports per range (WebRTC, plain RTP); each participant takes two (default 400). */
  ports?: number;
}

export async function startLocalJanus(options: LocalJanusOptions = {}): Promise<LocalJanus> {
  try {
    return await startOnce(options);
  } catch (err) {
    if (!(err instanceof Error) || !err.message.startsWith('janus exited')) throw err;
    return startOnce(options);
  }
}

async function startOnce(options: LocalJanusOptions): Promise<LocalJanus> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-janus-'));
  const port = await freePort();
  const [rtpPorts, bridgePorts] = portBlocks(options.ports ?? 400);
  const log = fs.openSync(path.join(workDir, 'janus.log'), 'a');
  const child = spawn('bash', [START], {
    detached: true,
    stdio: ['ignore', log, log],
    env: {
      ...process.env,
      JANUS_HTTP_PORT: String(port),
      JANUS_WORK_DIR: workDir,
      JANUS_RTP_PORTS: rtpPorts,
      JANUS_BRIDGE_PORTS: bridgePorts,
      JANUS_DEBUG_LEVEL: '2',
      ...(options.apiSecret ? { JANUS_API_SECRET: options.apiSecret } : {}),
    },
  });
  fs.closeSync(log);
  let exited: string | null = null;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = signal ?? `code ${code}`;
      resolve();
    }),
  );
  const url = `http://127.0.0.1:${port}/janus`;
  const kill = () => {
    if (exited || child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exited) {
      const tail = fs.readFileSync(path.join(workDir, 'janus.log'), 'utf8').slice(-6000);
      fs.rmSync(workDir, { recursive: true, force: true });
      throw new Error(
        `janus exited while starting (${exited}; is the Debian package janus installed?):\n${tail}`,
      );
    }
    const ok = await fetch(`${url}/info`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) break;
    if (Date.now() > deadline) {
      kill();
      throw new Error(`janus did not answer on ${url} within ${READY_TIMEOUT_MS} ms`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    node: {
      url,
      ...(options.apiSecret ? { apiSecret: options.apiSecret } : {}),
      promptDir: path.join(workDir, 'prompts'),
      recordDir: path.join(workDir, 'recordings'),
    },
    workDir,
    process: child,
    kill,
    stop: async () => {
      kill();
      await exit;
      fs.rmSync(workDir, { recursive: true, force: true });
    },
  };
}
