/**
 * `npm run start:cluster`: N service nodes (CLUSTER_NODES, default 3) on the PostgreSQL database of
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/switchboard), on ports PORT+1…PORT+N,
 * behind a round-robin proxy on PORT (default 8080). See docs/scaling.md. Ctrl-C stops them all.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { startProxy } from '../telephony/src/cluster/proxy.ts';

const nodes = Number(process.env.CLUSTER_NODES ?? 3);
const port = Number(process.env.PORT ?? 8080);
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/switchboard';
if (!/^postgres(ql)?:\/\//.test(databaseUrl))
  throw new Error('start:cluster needs a PostgreSQL DATABASE_URL');
if (!Number.isInteger(nodes) || nodes < 1 || nodes > 16) throw new Error('CLUSTER_NODES must be 1…16');
// Every node encrypts and decrypts the same Salesforce keys: one master key for all.
const masterKey = process.env.SWITCHBOARD_MASTER_KEY ?? randomBytes(32).toString('base64');
if (!process.env.SWITCHBOARD_MASTER_KEY)
  console.log(
    'SWITCHBOARD_MASTER_KEY not set: a random one for this run (keys made now will not decrypt later)',
  );

// Recording links signed by one node are checked by another: one secret for all.
const recordingSecret = process.env.SWITCHBOARD_RECORDING_URL_SECRET ?? randomBytes(32).toString('base64');
const children: ChildProcess[] = [];

function startNode(i: number): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'telephony/src/main.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port + i),
      SWITCHBOARD_MASTER_KEY: masterKey,
      SWITCHBOARD_RECORDING_URL_SECRET: recordingSecret,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        console.log(`[node ${i}] ${line}`);
        if (line.includes('Switchboard telephony service on')) resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`node ${i} exited (${code})`)));
  });
}

// The first node migrates the database and creates the demo tenant; the others join it.
await startNode(1);
await Promise.all(Array.from({ length: nodes - 1 }, (_, i) => startNode(i + 2)));
const backends = Array.from({ length: nodes }, (_, i) => ({ host: '127.0.0.1', port: port + i + 1 }));
await startProxy(backends, port);
console.log(`${nodes} nodes behind http://127.0.0.1:${port} (round robin; a node that is down is skipped)`);

for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    for (const child of children) child.kill('SIGTERM');
    process.exit(0);
  });
