/** A user's password (scrypt hash in `user_credentials`), apart from the user's other concerns. */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/** Sets (or replaces) the user's password hash. */
export async function setPasswordHash(db: Kysely<Database>, userId: string, hash: string): Promise<void> {
  await db
    .insertInto('user_credentials')
    .values({ user_id: userId, password_hash: hash })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ password_hash: hash }))
    .execute();
}

/** The user's password hash, or null for a user without credentials. */
export async function passwordHashOf(db: Kysely<Database>, userId: string): Promise<string | null> {
  const row = await db
    .selectFrom('user_credentials')
    .select('password_hash')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.password_hash ?? null;
}
