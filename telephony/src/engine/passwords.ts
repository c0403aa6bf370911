/**
 * Password hashing (docs/security.md, "Logins"): scrypt at OWASP's cost (N=2^14, r=8, p=5: 16 MiB,
 * the cheapest in memory of the equally strong settings of the Password Storage Cheat Sheet) on its
 * own small pool of worker threads, never on Node's shared thread pool, behind a bounded queue: when
 * the queue is full a login is refused at once (`UNAVAILABLE`, HTTP 503) instead of waiting behind a
 * flood, so the event loop and the database keep serving the agents already logged in.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ThrottledError } from '../domain/errors.ts';

/** The cost of new hashes; older hashes are verified with their own and replaced at the next login. */
export const SCRYPT = { N: 2 ** 14, r: 8, p: 5, keylen: 32 } as const;
/** What a stored hash may ask for (our own rows, but a bound all the same): 128 MiB at most. */
const MAX_N = 2 ** 20;
const MAX_R = 16;
const MAX_P = 16;
const MAXMEM = 130 * 1024 * 1024;

export interface HashingOptions {
  /** Worker threads computing scrypt (default: half the cores, at least 1). */
  threads: number;
  /** Hashes that may wait for a thread; one more is refused with `UNAVAILABLE` (default 32). */
  maxQueued: number;
  /** Hashes one source may have waiting (default 4): a flood from one address cannot fill the queue. */
  maxQueuedPerSource: number;
}

export const DEFAULT_HASHING: HashingOptions = {
  threads: Math.max(1, Math.floor(availableParallelism() / 2)),
  maxQueued: 32,
  maxQueuedPerSource: 4,
};

/** The worker: plain JavaScript (no loader needed in the thread), one scrypt at a time. */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { scryptSync } = require('node:crypto');
parentPort.on('message', (job) => {
  try {
    const key = scryptSync(job.password, Buffer.from(job.salt), job.keylen, { N: job.N, r: job.r, p: job.p, maxmem: job.maxmem });
    parentPort.postMessage({ key });
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message) });
  }
});
`;

interface Job {
  input: { password: string; salt: Buffer; keylen: number; N: number; r: number; p: number; maxmem: number };
  resolve(key: Buffer): void;
  reject(err: Error): void;
}

class ScryptPool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Job>();
  /** Waiting hashes per source, served in turn (round robin): a busy source does not delay the others. */
  private readonly lanes = new Map<string, Job[]>();
  private queued = 0;
  private started = 0;

  constructor(private readonly options: HashingOptions) {}

  run(input: Job['input'], source: string): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      const job = { input, resolve, reject };
      const worker = this.idle.pop() ?? (this.started < this.options.threads ? this.spawn() : undefined);
      if (worker) return this.start(worker, job);
      const lane = this.lanes.get(source) ?? [];
      if (this.queued >= this.options.maxQueued || lane.length >= this.options.maxQueuedPerSource)
        return reject(new ThrottledError('UNAVAILABLE', 'the service is busy checking passwords; retry', 1));
      lane.push(job);
      this.lanes.set(source, lane);
      this.queued++;
    });
  }

  /** Hashes waiting for a thread and hashes being computed. */
  load(): { queued: number; running: number } {
    return { queued: this.queued, running: this.busy.size };
  }

  /** The next waiting hash: the first source's oldest; that source goes to the back of the line. */
  private dequeue(): Job | undefined {
    const first = this.lanes.entries().next();
    if (first.done) return undefined;
    const [source, jobs] = first.value;
    const job = jobs.shift();
    this.lanes.delete(source);
    if (jobs.length > 0) this.lanes.set(source, jobs);
    this.queued--;
    return job;
  }

  private spawn(): Worker {
    this.started++;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    worker.on('message', (answer: { key?: Uint8Array; error?: string }) => {
      const job = this.busy.get(worker);
      this.busy.delete(worker);
      if (answer.key) job?.resolve(Buffer.from(answer.key));
      else job?.reject(new Error(`scrypt: ${answer.error ?? 'failed'}`));
      this.next(worker);
    });
    worker.on('error', (err) => {
      this.busy.get(worker)?.reject(err);
      this.busy.delete(worker);
    });
    worker.on('exit', () => {
      this.busy.get(worker)?.reject(new Error('scrypt worker exited'));
      this.busy.delete(worker);
      const i = this.idle.indexOf(worker);
      if (i >= 0) this.idle.splice(i, 1);
      this.started--;
      const waiting = this.dequeue();
      if (waiting) this.start(this.spawn(), waiting);
    });
    return worker;
  }

  private start(worker: Worker, job: Job): void {
    this.busy.set(worker, job);
    // A thread at work keeps the process alive (a CLI awaiting a hash); an idle one does not.
    worker.ref();
    worker.postMessage(job.input);
  }

  private next(worker: Worker): void {
    const job = this.dequeue();
    if (job) return this.start(worker, job);
    worker.unref();
    this.idle.push(worker);
  }
}

let pool: ScryptPool | undefined;
/** The process's one pool reads these as it goes: a new bound applies to the next hash. */
const poolOptions: HashingOptions = { ...DEFAULT_HASHING };

/** Sets the pool's size and queue bound (`buildService` calls it with the service's options). */
export function configureHashing(options: Partial<HashingOptions>): void {
  Object.assign(poolOptions, options);
}

function scryptPool(): ScryptPool {
  return (pool ??= new ScryptPool(poolOptions));
}

/** The pool's load (for the metrics and the bench). */
export function hashingLoad(): { queued: number; running: number } {
  return scryptPool().load();
}

/** A new hash at today's cost; `source` is whose turn it takes in the queue (an address, or the service). */
export async function hashPassword(password: string, source = ''): Promise<string> {
  const salt = randomBytes(16);
  const { N, r, p, keylen } = SCRYPT;
  const key = await scryptPool().run({ password, salt, keylen, N, r, p, maxmem: MAXMEM }, source);
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export interface Verification {
  ok: boolean;
  /** The hash has another cost than today's: store a new one (the password is known now). */
  outdated: boolean;
}

/** Checks a password against a stored hash, in constant time; a malformed hash matches nothing. */
export async function verifyPassword(password: string, stored: string, source = ''): Promise<Verification> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  const N = Number(n);
  const R = Number(r);
  const P = Number(p);
  const valid =
    scheme === 'scrypt' &&
    salt &&
    hash &&
    Number.isInteger(N) &&
    N > 1 &&
    N <= MAX_N &&
    (N & (N - 1)) === 0 &&
    Number.isInteger(R) &&
    R >= 1 &&
    R <= MAX_R &&
    Number.isInteger(P) &&
    P >= 1 &&
    P <= MAX_P;
  if (!valid) return { ok: false, outdated: false };
  const expected = Buffer.from(hash, 'base64');
  const key = await scryptPool().run(
    {
      password,
      salt: Buffer.from(salt, 'base64'),
      keylen: expected.length,
      N,
      r: R,
      p: P,
      maxmem: MAXMEM,
    },
    source,
  );
  const ok = key.length === expected.length && timingSafeEqual(key, expected);
  return { ok, outdated: N !== SCRYPT.N || R !== SCRYPT.r || P !== SCRYPT.p };
}

/** A well-formed hash at today's cost that no password matches (checked for unknown users). */
export const UNMATCHABLE_HASH = `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(32).toString('base64')}`;
