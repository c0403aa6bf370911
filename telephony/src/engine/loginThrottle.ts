/**
 * Throttling of password (and client secret) guesses, per account, per source and per known device,
 * checked before any hash is computed (docs/security.md, "Logins"). Kept in the database
 * (`login_throttle`, `login_devices`, `rate_buckets`), so every node of a cluster counts the same failures
 * (docs/scaling.md); only the attempts in flight are counted per node.
 *
 * - Per account: `freeFailures` failures in a row are free; each further failure locks the account
 *   for `baseDelayMs` × 2^(failures − freeFailures), at most `maxDelayMs`. While locked, every attempt
 *   from an unknown device (even with the right password) is refused with `RATE_LIMITED` and its
 *   `Retry-After`. Attempts in flight count as failures until answered, so parallel guesses cannot
 *   slip past the count. A success from an unknown device clears the account; an administrator can
 *   too (`unlock`). Failures are forgotten `failureMemoryMs` after the last.
 * - Per source (the client's address): a bucket of `sourceBurst` attempts refilled at
 *   `sourcePerMinute` (engine/rateBuckets.ts, in `rate_buckets`); each attempt takes
 *   one and a success gives it back, so a busy office behind one address logs in freely while a
 *   guesser from it is slowed to the refill rate.
 * - Per known device (OWASP's device cookies): a successful sign-in gives the client a device token;
 *   presented with the same account's next sign-in it passes the account's lock and the source's
 *   bucket, and has a failure budget of its own (`freeFailures`; past it the token counts for
 *   nothing until its next success), so a guesser cannot lock the real user out of a known device.
 *
 * Each attempt let through gets a lane for the password hash (engine/passwords.ts): `priority` for
 * a known device, `normal` for a source with a full bucket and an account without failures, `low`
 * for the rest (sources and accounts that have been failing).
 */
import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { ThrottledError } from '../domain/errors.ts';
import type { Clock } from './engine.ts';
import type { HashLane } from './passwords.ts';
import { giveBackToBucket, sweepBuckets, takeFromBucket, type Bucket } from './rateBuckets.ts';

export interface LoginThrottleOptions {
  freeFailures: number;
  baseDelayMs: number;
  maxDelayMs: number;
  sourceBurst: number;
  sourcePerMinute: number;
  /** An account's failures are forgotten this long after the last one. */
  failureMemoryMs: number;
  /** A device token counts this long after its last successful sign-in. */
  deviceTtlMs: number;
  /** Device tokens kept per account (the oldest are forgotten first). */
  devicesPerAccount: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleOptions = {
  freeFailures: 5,
  baseDelayMs: 1000,
  maxDelayMs: 15 * 60_000,
  sourceBurst: 20,
  sourcePerMinute: 10,
  failureMemoryMs: 24 * 3600_000,
  deviceTtlMs: 90 * 24 * 3600_000,
  devicesPerAccount: 10,
};

/** Expired rows are deleted at most this often (per node). */
const SWEEP_EVERY_MS = 60_000;

/** One attempt let through: tell the throttle how it ended. */
export interface Attempt {
  /** Where its hash waits (engine/passwords.ts). */
  lane: HashLane;
  /** The right password: clears the failures. */
  succeeded(): Promise<void>;
  /** After a success: the device token to give the client (the one it presented, or a new one). */
  deviceToken(): Promise<string>;
  failed(): Promise<void>;
  /** Ended without a verdict (the hash was refused for load): counts as nothing. */
  abandoned(): Promise<void>;
}

const tokenHashOf = (token: string) => createHash('sha256').update(token).digest('hex');

export class LoginThrottle {
  /** Attempts in flight on this node, per account or device key. */
  private readonly inFlight = new Map<string, number>();
  private sweptAt = 0;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    /** Names this throttle's rows apart from the other throttles' (`login`, `oauth`, `token`). */
    private readonly name: string,
    private readonly options: LoginThrottleOptions = DEFAULT_LOGIN_THROTTLE,
  ) {}

  /**
   * Lets an attempt of `account` from `source` (with the device token the client holds for it, if
   * any) through, or throws `RATE_LIMITED`. An unknown, expired or other account's device token
   * counts as none.
   */
  async begin(account: string, source: string, deviceToken?: string): Promise<Attempt> {
    const now = this.clock.now();
    const o = this.options;
    await this.sweep(now);
    const device = deviceToken ? await this.knownDevice(account, tokenHashOf(deviceToken), now) : undefined;
    // A device past its own failure budget counts for nothing: the sign-in is an unknown device's.
    if (device && device.failures + this.flying(`d:${device.tokenHash}`) < o.freeFailures)
      return this.attempt(
        `d:${device.tokenHash}`,
        'priority',
        this.deviceEnded(device.tokenHash, deviceToken!),
      );

    const accountKey = `${this.name}:a:${account}`;
    const row = await this.db
      .selectFrom('login_throttle')
      .select(['failures', 'locked_until'])
      .where('key', '=', accountKey)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    const failures = row?.failures ?? 0;
    const lockedUntil = row?.locked_until ?? 0;
    // Below the free failures, as many attempts as are left; past them, one at a time once unlocked.
    const limit = failures >= o.freeFailures ? failures + 1 : o.freeFailures;
    if (now < lockedUntil || failures + this.flying(accountKey) >= limit) {
      const wait = Math.max(1, Math.ceil((lockedUntil - now) / 1000));
      throw new ThrottledError(
        'RATE_LIMITED',
        `too many failed sign-ins for this user: retry in ${wait} s, or ask an administrator to unlock the user`,
        wait,
      );
    }
    const clean = await this.takeFromSource(source, now);
    return this.attempt(
      accountKey,
      clean && failures === 0 ? 'normal' : 'low',
      this.accountEnded(account, source),
    );
  }

  /** Clears an account's failures and lock (an administrator's unlock); whether it had any. */
  async unlock(account: string): Promise<boolean> {
    const key = `${this.name}:a:${account}`;
    const row = await this.db
      .selectFrom('login_throttle')
      .select('failures')
      .where('key', '=', key)
      .where('expires_at', '>', this.clock.now())
      .executeTakeFirst();
    await this.db.deleteFrom('login_throttle').where('key', '=', key).execute();
    return (row?.failures ?? 0) > 0;
  }

  /** The attempt's bookkeeping: in flight on this node until it ends, once. */
  private attempt(key: string, lane: HashLane, handlers: Omit<Attempt, 'lane'>): Attempt {
    this.inFlight.set(key, this.flying(key) + 1);
    let done = false;
    const end = () => {
      if (done) throw new Error('an attempt ends once');
      done = true;
      const left = this.flying(key) - 1;
      if (left > 0) this.inFlight.set(key, left);
      else this.inFlight.delete(key);
    };
    return {
      lane,
      succeeded: () => (end(), handlers.succeeded()),
      failed: () => (end(), handlers.failed()),
      abandoned: () => (end(), handlers.abandoned()),
      deviceToken: () => handlers.deviceToken(),
    };
  }

  private accountEnded(account: string, source: string): Omit<Attempt, 'lane'> {
    const o = this.options;
    const accountKey = `${this.name}:a:${account}`;
    return {
      succeeded: async () => {
        await this.db.deleteFrom('login_throttle').where('key', '=', accountKey).execute();
        await this.giveBack(source);
      },
      deviceToken: () => this.newDevice(account),
      failed: async () => {
        const now = this.clock.now();
        const row = await this.db
          .insertInto('login_throttle')
          .values({
            key: accountKey,
            failures: 1,
            locked_until: 0,
            expires_at: now + o.failureMemoryMs,
          })
          .onConflict((oc) =>
            oc.column('key').doUpdateSet({
              failures: sql<number>`case when login_throttle.expires_at > ${now} then login_throttle.failures + 1 else 1 end`,
              locked_until: sql<number>`case when login_throttle.expires_at > ${now} then login_throttle.locked_until else 0 end`,
              expires_at: now + o.failureMemoryMs,
            }),
          )
          .returning('failures')
          .executeTakeFirstOrThrow();
        if (row.failures < o.freeFailures) return;
        const delay = Math.min(
          o.maxDelayMs,
          o.baseDelayMs * 2 ** Math.min(30, row.failures - o.freeFailures),
        );
        await this.db
          .updateTable('login_throttle')
          .set({ locked_until: now + delay })
          .where('key', '=', accountKey)
          .where('locked_until', '<', now + delay)
          .execute();
      },
      // Refused for load: not a failure of the account, but still an attempt from the source (a
      // flood cannot retry its 503s forever without spending its bucket).
      abandoned: async () => {},
    };
  }

  private deviceEnded(tokenHash: string, token: string): Omit<Attempt, 'lane'> {
    return {
      succeeded: async () => {
        await this.db
          .updateTable('login_devices')
          .set({ failures: 0, expires_at: this.clock.now() + this.options.deviceTtlMs })
          .where('token_hash', '=', tokenHash)
          .execute();
      },
      deviceToken: async () => token,
      failed: async () => {
        await this.db
          .updateTable('login_devices')
          .set({ failures: sql<number>`failures + 1` })
          .where('token_hash', '=', tokenHash)
          .execute();
      },
      abandoned: async () => {},
    };
  }

  /** A device token of `account` that has not expired, with its failures. */
  private async knownDevice(account: string, tokenHash: string, now: number) {
    const row = await this.db
      .selectFrom('login_devices')
      .select(['failures'])
      .where('token_hash', '=', tokenHash)
      .where('account', '=', `${this.name}:a:${account}`)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return row && { tokenHash, failures: row.failures };
  }

  /** A new device token for `account`; its oldest beyond `devicesPerAccount` are forgotten. */
  private async newDevice(account: string): Promise<string> {
    const now = this.clock.now();
    const token = randomBytes(32).toString('base64url');
    const key = `${this.name}:a:${account}`;
    await this.db
      .insertInto('login_devices')
      .values({
        token_hash: tokenHashOf(token),
        account: key,
        failures: 0,
        created_at: now,
        expires_at: now + this.options.deviceTtlMs,
      })
      .execute();
    const kept = await this.db
      .selectFrom('login_devices')
      .select('created_at')
      .where('account', '=', key)
      .orderBy('created_at', 'desc')
      .offset(this.options.devicesPerAccount - 1)
      .limit(1)
      .executeTakeFirst();
    if (kept)
      await this.db
        .deleteFrom('login_devices')
        .where('account', '=', key)
        .where('created_at', '<', kept.created_at)
        .execute();
    return token;
  }

  /**
   * Takes one attempt from the source's bucket (engine/rateBuckets.ts: atomic whichever node):
   * whether the bucket was full before (a source that has not been failing), or `RATE_LIMITED`.
   */
  private async takeFromSource(source: string, now: number): Promise<boolean> {
    const taken = await takeFromBucket(this.db, `${this.name}:s:${source}`, now, this.sourceBucket());
    if (taken.taken) return taken.wasFull;
    const wait = Math.max(1, Math.ceil(taken.waitMs / 1000));
    throw new ThrottledError(
      'RATE_LIMITED',
      `too many sign-in attempts from this address: retry in ${wait} s`,
      wait,
    );
  }

  /** Gives the source's attempt back (a success). */
  private giveBack(source: string): Promise<void> {
    return giveBackToBucket(this.db, `${this.name}:s:${source}`, this.sourceBucket());
  }

  private sourceBucket(): Bucket {
    return { intervalMs: 60_000 / this.options.sourcePerMinute, burst: this.options.sourceBurst };
  }

  private flying(key: string): number {
    return this.inFlight.get(key) ?? 0;
  }

  /** Deletes the rows past their time, at most once a minute. */
  private async sweep(now: number): Promise<void> {
    if (now - this.sweptAt < SWEEP_EVERY_MS) return;
    this.sweptAt = now;
    await this.db.deleteFrom('login_throttle').where('expires_at', '<=', now).execute();
    await this.db.deleteFrom('login_devices').where('expires_at', '<=', now).execute();
    await sweepBuckets(this.db, now);
  }
}

/** The throttle's key of an agent: org, contact center and username as they sign in. */
export function accountKey(orgId: string, contactCenter: string, username: string): string {
  return JSON.stringify([orgId, contactCenter, username]);
}
