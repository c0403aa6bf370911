/**
 * OAuth 2.0 client credentials for the admin API (RFC 6749 §4.4): `POST /oauth/token` issues random
 * bearer tokens, stored as their SHA-256 with an expiry; errors follow §5.2. Every `/admin/v1` request
 * is authenticated by `authenticateBearer`.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasControlCharacter } from '../contracts/bounds.ts';
import type { Db } from '../db/database.ts';
import type { Clock } from '../engine/engine.ts';
import { ThrottledError } from '../domain/errors.ts';
import type { LoginThrottle } from '../engine/loginThrottle.ts';
import { tokenHash } from '../engine/sessions.ts';
import { verifyClient } from './accounts.ts';
import { unauthorized } from './errors.ts';

export const ADMIN_SCOPE = 'admin';
export const TOKEN_PREFIX = 'sbt_';
export const DEFAULT_TOKEN_TTL_SECONDS = 3600;

/** Who is calling: the account (org) and its client. */
export interface Account {
  orgId: string;
  clientId: string;
  scopes: string[];
}

type OAuthErrorCode = 'invalid_request' | 'invalid_client' | 'unsupported_grant_type' | 'invalid_scope';

class OAuthError extends Error {
  constructor(
    readonly code: OAuthErrorCode,
    message: string,
  ) {
    super(message);
  }
}

function sendOAuthError(reply: FastifyReply, err: OAuthError): FastifyReply {
  const status = err.code === 'invalid_client' ? 401 : 400;
  if (status === 401) reply.header('www-authenticate', 'Basic realm="switchboard"');
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .send({ error: err.code, error_description: err.message });
}

/** `application/x-www-form-urlencoded` parameters; a parameter given twice is refused (§3.2). */
function formParameters(raw: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(raw)) {
    if (hasControlCharacter(name) || hasControlCharacter(value))
      throw new OAuthError('invalid_request', 'parameters must not contain control characters');
    if (params.has(name)) throw new OAuthError('invalid_request', `parameter ${name} is repeated`);
    params.set(name, value);
  }
  return params;
}

function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    throw new OAuthError('invalid_client', 'malformed Basic credentials');
  }
}

/** The client's id and secret, from HTTP Basic or from the body, never both (§2.3.1). */
function clientCredentials(req: FastifyRequest, params: Map<string, string>): { id: string; secret: string } {
  const header = req.headers.authorization;
  if (header !== undefined) {
    if (params.has('client_secret'))
      throw new OAuthError('invalid_request', 'use HTTP Basic or body parameters, not both');
    const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    if (!basic?.[1]) throw new OAuthError('invalid_client', 'unsupported client authentication');
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new OAuthError('invalid_client', 'malformed Basic credentials');
    const id = formDecode(decoded.slice(0, colon));
    // A client_id beside Basic credentials (some clients send both) must name the same client.
    if (params.has('client_id') && params.get('client_id') !== id)
      throw new OAuthError('invalid_request', 'client_id differs from the Basic credentials');
    const secret = formDecode(decoded.slice(colon + 1));
    if (hasControlCharacter(id) || hasControlCharacter(secret))
      throw new OAuthError('invalid_request', 'credentials must not contain control characters');
    return { id, secret };
  }
  const id = params.get('client_id');
  const secret = params.get('client_secret');
  if (!id || !secret) throw new OAuthError('invalid_client', 'client authentication is required');
  return { id, secret };
}

export interface TokenEndpointOptions {
  db: Db;
  clock: Clock;
  tokenTtlSeconds: number;
  /** Failed secrets per client id and per source (docs/security.md). */
  throttle: LoginThrottle;
}

export function registerTokenEndpoint(app: FastifyInstance, options: TokenEndpointOptions): void {
  const { db, clock, tokenTtlSeconds, throttle } = options;
  void app.register(async (scope) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 16 * 1024 },
      (_req, body, done) => done(null, body),
    );
    scope.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
      if (err instanceof OAuthError) return sendOAuthError(reply, err);
      if (err instanceof ThrottledError)
        return reply
          .code(429)
          .header('retry-after', String(err.retryAfterSeconds))
          .header('cache-control', 'no-store')
          .send({ error: 'slow_down', error_description: err.message });
      if (err.statusCode && err.statusCode < 500)
        return sendOAuthError(reply, new OAuthError('invalid_request', err.message));
      scope.log.error(err);
      return reply.code(500).send({ error: 'server_error', error_description: 'internal error' });
    });

    scope.post('/oauth/token', async (req, reply) => {
      const contentType = req.headers['content-type'] ?? '';
      if (!/^application\/x-www-form-urlencoded\b/i.test(contentType) || typeof req.body !== 'string')
        throw new OAuthError('invalid_request', 'the body must be application/x-www-form-urlencoded');
      const params = formParameters(req.body);
      const grantType = params.get('grant_type');
      if (!grantType) throw new OAuthError('invalid_request', 'grant_type is required');
      const credentials = clientCredentials(req, params);
      const attempt = await throttle.begin(credentials.id, req.ip);
      const client = await verifyClient(db, credentials.id, credentials.secret).catch(
        async (err: unknown) => {
          await attempt.abandoned();
          throw err;
        },
      );
      if (!client) {
        await attempt.failed();
        throw new OAuthError('invalid_client', 'unknown client, wrong secret or revoked client');
      }
      await attempt.succeeded();
      if (grantType !== 'client_credentials')
        throw new OAuthError('unsupported_grant_type', 'only client_credentials is supported');
      const requested = (params.get('scope') ?? ADMIN_SCOPE).split(' ').filter((s) => s !== '');
      if (requested.length === 0 || requested.some((s) => s !== ADMIN_SCOPE))
        throw new OAuthError('invalid_scope', `the only scope is ${ADMIN_SCOPE}`);

      const now = clock.now();
      const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('admin_tokens').where('expires_at', '<=', now).execute();
        await trx
          .insertInto('admin_tokens')
          .values({
            token_hash: tokenHash(token),
            client_id: client.id,
            org_id: client.org_id,
            scope: ADMIN_SCOPE,
            created_at: now,
            expires_at: now + tokenTtlSeconds * 1000,
          })
          .execute();
      });
      return reply
        .header('cache-control', 'no-store')
        .header('pragma', 'no-cache')
        .send({ access_token: token, token_type: 'Bearer', expires_in: tokenTtlSeconds, scope: ADMIN_SCOPE });
    });
  });
}

/** The account of a request's bearer token; `UNAUTHORIZED` when it is missing, unknown or expired. */
export async function authenticateBearer(db: Db, header: string | undefined, now: number): Promise<Account> {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
  if (!token) throw unauthorized('an access token is required (Authorization: Bearer …)');
  const row = await db
    .selectFrom('admin_tokens')
    .innerJoin('admin_clients', 'admin_clients.id', 'admin_tokens.client_id')
    .select([
      'admin_tokens.org_id',
      'admin_tokens.client_id',
      'admin_tokens.scope',
      'admin_tokens.expires_at',
      'admin_clients.revoked_at',
    ])
    .where('admin_tokens.token_hash', '=', tokenHash(token))
    .executeTakeFirst();
  if (!row || row.revoked_at !== null) throw unauthorized('unknown access token');
  if (row.expires_at <= now) throw unauthorized('the access token has expired');
  return { orgId: row.org_id, clientId: row.client_id, scopes: row.scope.split(' ') };
}
