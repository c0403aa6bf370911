/**
 * Agent login: scrypt password hashes, random session tokens stored as SHA-256, expiry, and
 * take-over (a new login ends the user's other sessions; their sockets are told why).
 */
import { passwordHashOf, setPasswordHash } from './credentials.ts';
import type { PublicUser } from '../contracts/agentApi.ts';
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/database.ts';
import type { UserTable } from '../db/schema.ts';
import { ConnectorError, ThrottledError } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import type { Clock } from './engine.ts';
import { accountKey, type LoginThrottle } from './loginThrottle.ts';
import { hashPassword, UNMATCHABLE_HASH, verifyPassword, type HashLane } from './passwords.ts';

export { hashPassword, verifyPassword } from './passwords.ts';

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export type SessionEndReason = 'takenOver' | 'expired' | 'loggedOut';

export function publicUser(u: UserTable): PublicUser {
  return {
    id: u.id,
    username: u.username,
    displayName: u.display_name,
    role: u.role,
    salesforceUserId: u.salesforce_user_id,
    contactCenterId: u.contact_center_id,
  };
}

export interface AuthenticatedSession {
  sessionId: string;
  expiresAt: number;
  user: UserTable;
}

export class Sessions {
  private readonly listeners = new Set<(sessionId: string, reason: SessionEndReason) => void>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ttlMs: number,
    /** Failed sign-ins per account and per source (shared with the admin API's agent credentials). */
    readonly throttle: LoginThrottle,
  ) {}

  /** Called with every session that ends (the socket layer closes its sockets). */
  onEnded(listener: (sessionId: string, reason: SessionEndReason) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async login(input: {
    orgId: string;
    contactCenter: string;
    username: string;
    password: string;
    /** The client's address (per-source throttling). */
    source: string;
    /** The device token of an earlier successful sign-in of this user (docs/security.md). */
    deviceToken?: string | undefined;
  }): Promise<{ token: string; expiresAt: number; user: UserTable; deviceToken: string }> {
    const attempt = await this.throttle.begin(
      accountKey(input.orgId, input.contactCenter, input.username),
      input.source,
      input.deviceToken,
    );
    let user: UserTable | undefined;
    try {
      user = await this.checkPassword(input, attempt.lane);
    } catch (err) {
      await attempt.abandoned();
      throw err;
    }
    if (!user) {
      await attempt.failed();
      throw new ConnectorError('AUTHENTICATION_ERROR', 'wrong contact center, username or password');
    }
    await attempt.succeeded();
    return { ...(await this.open(user)), deviceToken: await attempt.deviceToken() };
  }

  /** The user these credentials prove (the stored hash brought up to today's cost), or undefined. */
  private async checkPassword(
    input: { orgId: string; contactCenter: string; username: string; password: string; source: string },
    lane: HashLane,
  ): Promise<UserTable | undefined> {
    const user = await this.db
      .selectFrom('users')
      .innerJoin('contact_centers', 'contact_centers.id', 'users.contact_center_id')
      .selectAll('users')
      .where('contact_centers.org_id', '=', input.orgId)
      .where('contact_centers.api_name', '=', input.contactCenter)
      .where('users.username', '=', input.username)
      .executeTakeFirst();
    const hash = user ? await passwordHashOf(this.db, user.id) : null;
    const verified = await verifyPassword(input.password, hash ?? UNMATCHABLE_HASH, input.source, lane);
    if (!user || !hash || !verified.ok) return undefined;
    if (verified.outdated) {
      try {
        await setPasswordHash(this.db, user.id, await hashPassword(input.password, input.source, lane));
      } catch (err) {
        // Busy: the hash is replaced at a later sign-in.
        if (!(err instanceof ThrottledError)) throw err;
      }
    }
    return user;
  }

  private async open(user: UserTable): Promise<{ token: string; expiresAt: number; user: UserTable }> {
    const now = this.clock.now();
    const token = randomBytes(32).toString('base64url');
    const sessionId = newId('SE');
    const expiresAt = now + this.ttlMs;
    const previous = await this.db
      .selectFrom('sessions')
      .select('id')
      .where('user_id', '=', user.id)
      .where('ended_at', 'is', null)
      .execute();
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('sessions')
        .set({ ended_at: now, end_reason: 'takenOver' })
        .where('user_id', '=', user.id)
        .where('ended_at', 'is', null)
        .execute();
      await trx
        .insertInto('sessions')
        .values({
          id: sessionId,
          user_id: user.id,
          token_hash: tokenHash(token),
          created_at: now,
          expires_at: expiresAt,
          ended_at: null,
          end_reason: null,
        })
        .execute();
    });
    for (const s of previous) this.announce(s.id, 'takenOver');
    return { token, expiresAt, user };
  }

  /** The live session of a token, or why there is none. */
  async authenticate(token: string): Promise<AuthenticatedSession | { ended: SessionEndReason | 'invalid' }> {
    const row = await this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .selectAll('users')
      .select([
        'sessions.id as session_id',
        'sessions.expires_at as session_expires_at',
        'sessions.ended_at as session_ended_at',
        'sessions.end_reason as session_end_reason',
      ])
      .where('sessions.token_hash', '=', tokenHash(token))
      .executeTakeFirst();
    if (!row) return { ended: 'invalid' };
    if (row.session_ended_at !== null)
      return { ended: (row.session_end_reason as SessionEndReason | null) ?? 'loggedOut' };
    if (row.session_expires_at <= this.clock.now()) return { ended: 'expired' };
    const { session_id, session_expires_at, session_ended_at: _e, session_end_reason: _r, ...user } = row;
    return { sessionId: session_id, expiresAt: session_expires_at, user };
  }

  async end(sessionId: string, reason: SessionEndReason): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({ ended_at: this.clock.now(), end_reason: reason })
      .where('id', '=', sessionId)
      .where('ended_at', 'is', null)
      .execute();
    this.announce(sessionId, reason);
  }

  private announce(sessionId: string, reason: SessionEndReason): void {
    for (const l of this.listeners) l(sessionId, reason);
  }
}
