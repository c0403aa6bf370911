/**
 * Password hashing (docs/security.md, "Logins"): scrypt at OWASP's cost (N=2^14, r=8, p=5: 16 MiB,
 * one of the equally strong settings of the Password Storage Cheat Sheet, and with N=2^13, p=10 the
 * cheapest in CPU) on its own small pool of worker threads, never on Node's shared thread pool,
 * behind bounded queues in three lanes: a known device's sign-in waits only behind other known
 * devices and has a thread kept for it; a flood's hashes wait in the lower lanes, and when those are
 * full a sign-in is refused at once (`UNAVAILABLE`, HTTP 503) instead of waiting behind the flood,
 * so the event loop and the database keep serving the agents already logged in.
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
  /**
   * Worker threads computing scrypt (default: half the cores, at least 2). With two or more, one is
   * kept for the `priority` lane; the others (shared) serve every lane, priority first, at a lower
   * scheduling priority (nice 10).
   */
  threads: number;
  /** Hashes of the `normal` and `low` lanes that may wait; one more is refused (`UNAVAILABLE`; default 32). */
  maxQueued: number;
  /** Hashes one source may have waiting in those lanes (default 4): one address cannot fill the queue. */
  maxQueuedPerSource: number;
  /** Hashes of the `priority` lane that may wait (default 64). */
  maxQueuedPriority: number;
}

export const DEFAULT_HASHING: HashingOptions = {
  threads: Math.max(2, Math.floor(availableParallelism() / 2)),
  maxQueued: 32,
  maxQueuedPerSource: 4,
  maxQueuedPriority: 64,
};

/**
 * Where a hash waits for a thread (engine/loginThrottle.ts decides): `priority` (a known device, or
 * the service's own work) first, then `normal` (sources and accounts that have not been failing),
 * then `low` (the rest); within a lane the sources take turns.
 */
export type HashLane = 'priority' | 'normal' | 'low';
const LANES: readonly HashLane[] = ['priority', 'normal', 'low'];

/** What the pool has done since the process started, per lane (the bench and the tests read it). */
export interface HashingStats {
  queued: number;
  running: number;
  lanes: Record<HashLane, { hashes: number; refused: number; waitedMs: number; hashMs: number }>;
}

/**
 * The worker: plain JavaScript (no loader needed in the thread), one scrypt at a time. A shared
 * thread lowers its own scheduling priority (`workerData.nice`; on Linux the nice value is per
 * thread): under CPU contention a flood's hashes yield to the event loop and to the kept thread.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { scryptSync } = require('node:crypto');
const os = require('node:os');
if (workerData.nice) {
  try { os.setPriority(0, workerData.nice); } catch {}
}
parentPort.on('message', (job) => {
  try {
    const key = scryptSync(job.password, Buffer.from(job.salt), job.keylen, { N: job.N, r: job.r, p: job.p, maxmem: job.maxmem });
    parentPort.postMessage({ key });
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message) });
  }
});
`;

/** The nice value of the shared threads (the kept thread keeps the process's). */
const SHARED_NICE = 10;

interface Job {
  input: { password: string; salt: Buffer; keylen: number; N: number; r: number; p: number; maxmem: number };
  lane: HashLane;
  queuedAt: number;
  startedAt: number;
  resolve(key: Buffer): void;
  reject(err: Error): void;
}

/** A kept thread serves only the priority lane; a shared one every lane, priority first. */
type Kind = 'kept' | 'shared';

class ScryptPool {
  private readonly idle: Record<Kind, Worker[]> = { kept: [], shared: [] };
  private readonly started: Record<Kind, number> = { kept: 0, shared: 0 };
  private readonly busy = new Map<Worker, Job>();
  /** Waiting hashes per lane, then per source, served in turn (round robin) within a lane. */
  private readonly waiting: Record<HashLane, Map<string, Job[]>> = {
    priority: new Map(),
    normal: new Map(),
    low: new Map(),
  };
  private readonly queued: Record<HashLane, number> = { priority: 0, normal: 0, low: 0 };
  private readonly stats: HashingStats['lanes'] = {
    priority: { hashes: 0, refused: 0, waitedMs: 0, hashMs: 0 },
    normal: { hashes: 0, refused: 0, waitedMs: 0, hashMs: 0 },
    low: { hashes: 0, refused: 0, waitedMs: 0, hashMs: 0 },
  };

  constructor(private readonly options: HashingOptions) {}

  run(input: Job['input'], source: string, lane: HashLane): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      const job: Job = { input, lane, queuedAt: performance.now(), startedAt: 0, resolve, reject };
      const kinds: Kind[] = lane === 'priority' ? ['kept', 'shared'] : ['shared'];
      for (const kind of kinds) {
        const worker =
          this.idle[kind].pop() ?? (this.started[kind] < this.size(kind) ? this.spawn(kind) : undefined);
        if (worker) return this.start(worker, job);
      }
      const o = this.options;
      const lanes = this.waiting[lane];
      const mine = lanes.get(source) ?? [];
      const full =
        lane === 'priority'
          ? this.queued.priority >= o.maxQueuedPriority
          : this.queued.normal + this.queued.low >= o.maxQueued || mine.length >= o.maxQueuedPerSource;
      if (full) {
        this.stats[lane].refused++;
        return reject(new ThrottledError('UNAVAILABLE', 'the service is busy checking passwords; retry', 1));
      }
      mine.push(job);
      lanes.set(source, mine);
      this.queued[lane]++;
    });
  }

  snapshot(): HashingStats {
    const queued = this.queued.priority + this.queued.normal + this.queued.low;
    return { queued, running: this.busy.size, lanes: structuredClone(this.stats) };
  }

  /** Threads of a kind: one kept when there are two or more, the others shared. */
  private size(kind: Kind): number {
    const kept = this.options.threads > 1 ? 1 : 0;
    return kind === 'kept' ? kept : this.options.threads - kept;
  }

  /** The next hash a freed thread of `kind` takes: the best lane's first source's oldest. */
  private dequeue(kind: Kind): Job | undefined {
    for (const lane of kind === 'kept' ? (['priority'] as const) : LANES) {
      if (this.queued[lane] === 0) continue;
      const sources = this.waiting[lane];
      const [source, jobs] = sources.entries().next().value as [string, Job[]];
      const job = jobs.shift();
      sources.delete(source);
      if (jobs.length > 0) sources.set(source, jobs);
      this.queued[lane]--;
      return job;
    }
    return undefined;
  }

  private spawn(kind: Kind): Worker {
    this.started[kind]++;
    const nice = kind === 'shared' && this.size('kept') > 0 ? SHARED_NICE : 0;
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { nice } });
    worker.unref();
    worker.on('message', (answer: { key?: Uint8Array; error?: string }) => {
      const job = this.busy.get(worker);
      this.busy.delete(worker);
      if (job) this.stats[job.lane].hashMs += performance.now() - job.startedAt;
      if (answer.key) job?.resolve(Buffer.from(answer.key));
      else job?.reject(new Error(`scrypt: ${answer.error ?? 'failed'}`));
      this.next(worker, kind);
    });
    worker.on('error', (err) => {
      this.busy.get(worker)?.reject(err);
      this.busy.delete(worker);
    });
    worker.on('exit', () => {
      this.busy.get(worker)?.reject(new Error('scrypt worker exited'));
      this.busy.delete(worker);
      const i = this.idle[kind].indexOf(worker);
      if (i >= 0) this.idle[kind].splice(i, 1);
      this.started[kind]--;
      const waiting = this.dequeue(kind);
      if (waiting) this.start(this.spawn(kind), waiting);
    });
    return worker;
  }

  private start(worker: Worker, job: Job): void {
    job.startedAt = performance.now();
    const stats = this.stats[job.lane];
    stats.hashes++;
    stats.waitedMs += job.startedAt - job.queuedAt;
    this.busy.set(worker, job);
    // A thread at work keeps the process alive (a CLI awaiting a hash); an idle one does not.
    worker.ref();
    worker.postMessage(job.input);
  }

  private next(worker: Worker, kind: Kind): void {
    const job = this.dequeue(kind);
    if (job) return this.start(worker, job);
    worker.unref();
    this.idle[kind].push(worker);
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

/** The pool's load and what it has done per lane (for the bench and the tests). */
export function hashingStats(): HashingStats {
  return scryptPool().snapshot();
}

/**
 * A new hash at today's cost; `source` is whose turn it takes in its lane (an address, or the
 * service), `lane` where it waits (the service's own hashes, as an administrator's, go first).
 */
export async function hashPassword(
  password: string,
  source = '',
  lane: HashLane = 'priority',
): Promise<string> {
  const salt = randomBytes(16);
  const { N, r, p, keylen } = SCRYPT;
  const key = await scryptPool().run({ password, salt, keylen, N, r, p, maxmem: MAXMEM }, source, lane);
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export interface Verification {
  ok: boolean;
  /** The hash has another cost than today's: store a new one (the password is known now). */
  outdated: boolean;
}

/** Checks a password against a stored hash, in constant time; a malformed hash matches nothing. */
export async function verifyPassword(
  password: string,
  stored: string,
  source = '',
  lane: HashLane = 'normal',
): Promise<Verification> {
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
    lane,
  );
  const ok = key.length === expected.length && timingSafeEqual(key, expected);
  return { ok, outdated: N !== SCRYPT.N || R !== SCRYPT.r || P !== SCRYPT.p };
}

/** A well-formed hash at today's cost that no password matches (checked for unknown users). */
export const UNMATCHABLE_HASH = `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(32).toString('base64')}`;
