/**
 * Token buckets in the database (`rate_buckets`), shared by every node of a cluster
 * (docs/scaling.md): the sign-in throttle's per-source buckets and the admin API's per-account rate.
 * A bucket is one row holding its theoretical arrival time (`tat`, GCRA): each take moves it one
 * interval later, refused when it would run more than `burst` intervals ahead of now; full when
 * `tat` is at or before now. One upsert per take, atomic whichever node runs it.
 */
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';

export interface Bucket {
  /** One attempt per `intervalMs` on average… */
  intervalMs: number;
  /** …and at most `burst` at once. */
  burst: number;
}

/** Takes one from the bucket `key`: whether it was full before, or the milliseconds to wait. */
export async function takeFromBucket(
  db: Db,
  key: string,
  now: number,
  bucket: Bucket,
): Promise<{ taken: true; wasFull: boolean } | { taken: false; waitMs: number }> {
  const interval = Math.max(1, Math.ceil(bucket.intervalMs));
  const next = sql<number>`(case when rate_buckets.tat > ${now} then rate_buckets.tat else ${now} end) + ${interval}`;
  const taken = await db
    .insertInto('rate_buckets')
    .values({ key, tat: now + interval })
    .onConflict((oc) =>
      oc
        .column('key')
        .doUpdateSet({ tat: next })
        .where(sql<boolean>`${next} - ${now} <= ${bucket.burst * interval}`),
    )
    .returning('tat')
    .executeTakeFirst();
  if (taken) return { taken: true, wasFull: taken.tat === now + interval };
  const row = await db.selectFrom('rate_buckets').select('tat').where('key', '=', key).executeTakeFirst();
  return { taken: false, waitMs: Math.max(1, (row?.tat ?? now) + interval - now - bucket.burst * interval) };
}

/** Gives one back (a success). */
export async function giveBackToBucket(db: Db, key: string, bucket: Bucket): Promise<void> {
  const interval = Math.max(1, Math.ceil(bucket.intervalMs));
  await db
    .updateTable('rate_buckets')
    .set({ tat: sql<number>`tat - ${interval}` })
    .where('key', '=', key)
    .execute();
}

/** Deletes the full buckets (a missing row is a full bucket). */
export async function sweepBuckets(db: Db, now: number): Promise<void> {
  await db.deleteFrom('rate_buckets').where('tat', '<=', now).execute();
}
