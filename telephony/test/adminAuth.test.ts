/**
 * The admin API's OAuth 2.0 client credentials (RFC 6749 §4.4 and §5.2), bearer tokens, tenant
 * scoping, the rate limit and the request conventions, over HTTP against the real service.
 */
import { describe, expect, it } from 'vitest';
import { issueClient, revokeClient } from '../src/admin/accounts.ts';
import { tokenHash } from '../src/engine/sessions.ts';
import { AdminApi, postToken, tokenOf, useAdmin, type ErrorAnswer } from './adminContext.ts';

const ctx = useAdmin();

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('POST /oauth/token', () => {
  it('issues a bearer token for client credentials in the body or with HTTP Basic', async () => {
    const inBody = await postToken(ctx.run, {
      grant_type: 'client_credentials',
      client_id: ctx.client.clientId,
      client_secret: ctx.client.clientSecret,
      scope: 'admin',
    });
    expect(inBody.status).toBe(200);
    expect(inBody.headers.get('cache-control')).toBe('no-store');
    expect(inBody.body).toEqual({
      access_token: expect.stringMatching(/^sbt_[A-Za-z0-9_-]{43}$/),
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'admin',
    });
    expect(ctx.client.clientId).toMatch(/^sbc_[A-Za-z0-9_-]{22}$/);

    const withBasic = await postToken(
      ctx.run,
      { grant_type: 'client_credentials' },
      { authorization: basic(ctx.client.clientId, ctx.client.clientSecret) },
    );
    expect(withBasic.status).toBe(200);
    expect(withBasic.body.access_token).not.toBe(inBody.body.access_token);
    const api = new AdminApi(ctx.run, withBasic.body.access_token as string);
    expect((await api.get(`/contact-centers/${ctx.tenant.ccId}/queues`)).status).toBe(200);
  });

  it('stores the secret and the tokens hashed, never as given', async () => {
    const client = await ctx.dbh.db
      .selectFrom('admin_clients')
      .selectAll()
      .where('id', '=', ctx.client.clientId)
      .executeTakeFirstOrThrow();
    expect(client.secret_hash).toBe(tokenHash(ctx.client.clientSecret));
    expect(JSON.stringify(client)).not.toContain(ctx.client.clientSecret);
    const tokens = await ctx.dbh.db
      .selectFrom('admin_tokens')
      .selectAll()
      .where('client_id', '=', ctx.client.clientId)
      .execute();
    expect(tokens.map((t) => t.token_hash)).toEqual([tokenHash(ctx.api.token)]);
    expect(JSON.stringify(tokens)).not.toContain(ctx.api.token);
  });

  it('answers invalid_client (401, WWW-Authenticate: Basic) for a wrong secret, an unknown or a revoked client', async () => {
    const wrongSecret = await postToken(ctx.run, {
      grant_type: 'client_credentials',
      client_id: ctx.client.clientId,
      client_secret: `${ctx.client.clientSecret}x`,
    });
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect(wrongSecret.body).toEqual({ error: 'invalid_client', error_description: expect.any(String) });

    const unknown = await postToken(
      ctx.run,
      { grant_type: 'client_credentials' },
      { authorization: basic('sbc_nobody', ctx.client.clientSecret) },
    );
    expect(unknown.status).toBe(401);
    expect(unknown.body.error).toBe('invalid_client');

    const none = await postToken(ctx.run, { grant_type: 'client_credentials' });
    expect(none.status).toBe(401);
    expect(none.body.error).toBe('invalid_client');

    expect(await revokeClient(ctx.dbh.db, ctx.client.clientId)).toBe(true);
    const revoked = await postToken(ctx.run, {
      grant_type: 'client_credentials',
      client_id: ctx.client.clientId,
      client_secret: ctx.client.clientSecret,
    });
    expect(revoked.status).toBe(401);
    expect(revoked.body.error).toBe('invalid_client');
    // Revoking a client ends its tokens.
    const refused = await ctx.api.get<ErrorAnswer>(`/contact-centers/${ctx.tenant.ccId}/queues`);
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('UNAUTHORIZED');
  });

  it('answers the RFC 6749 errors for malformed requests and changes nothing', async () => {
    const credentials = { client_id: ctx.client.clientId, client_secret: ctx.client.clientSecret };
    const cases: Array<[Record<string, string> | string, Record<string, string>, number, string]> = [
      [{ ...credentials, grant_type: 'password' }, {}, 400, 'unsupported_grant_type'],
      [credentials, {}, 400, 'invalid_request'],
      [{ ...credentials, grant_type: 'client_credentials', scope: 'admin users' }, {}, 400, 'invalid_scope'],
      [
        `grant_type=client_credentials&grant_type=client_credentials&client_id=${ctx.client.clientId}&client_secret=${ctx.client.clientSecret}`,
        {},
        400,
        'invalid_request',
      ],
      [
        { ...credentials, grant_type: 'client_credentials' },
        { authorization: basic(ctx.client.clientId, ctx.client.clientSecret) },
        400,
        'invalid_request',
      ],
    ];
    const before = await ctx.dbh.db.selectFrom('admin_tokens').select('token_hash').execute();
    for (const [form, headers, status, error] of cases) {
      const res = await postToken(ctx.run, form, headers);
      expect([res.status, res.body.error], JSON.stringify(form)).toEqual([status, error]);
    }
    const json = await fetch(`${ctx.run.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', ...credentials }),
    });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { error: string }).error).toBe('invalid_request');
    expect(await ctx.dbh.db.selectFrom('admin_tokens').select('token_hash').execute()).toEqual(before);
  });
});

describe('bearer tokens on /admin/v1', () => {
  it('refuses a missing, unknown or expired token with 401 UNAUTHORIZED and WWW-Authenticate: Bearer', async () => {
    const path = `/contact-centers/${ctx.tenant.ccId}/queues`;
    const missing = await fetch(`${ctx.run.baseUrl}/admin/v1${path}`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(((await missing.json()) as ErrorAnswer).error.code).toBe('UNAUTHORIZED');

    const unknown = await new AdminApi(ctx.run, 'sbt_unknown').get<ErrorAnswer>(path);
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe('UNAUTHORIZED');

    ctx.clock.advance(3599_000);
    expect((await ctx.api.get(path)).status).toBe(200);
    ctx.clock.advance(1000);
    const expired = await ctx.api.get<ErrorAnswer>(path);
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(expired.body.error).toEqual({ code: 'UNAUTHORIZED', message: 'the access token has expired' });

    // The external credential then fetches a new token.
    ctx.api.token = await tokenOf(ctx.run, ctx.client);
    expect((await ctx.api.get(path)).status).toBe(200);
  });

  it("refuses another account's contact center exactly like an unknown one", async () => {
    const mine = await ctx.api.get(`/contact-centers/${ctx.tenant.ccId}/queues`);
    expect(mine.status).toBe(200);
    const theirs = await ctx.otherApi.get<ErrorAnswer>(`/contact-centers/${ctx.tenant.ccId}/queues`);
    // An unknown id of the same shape (our ids may or may not also look like Salesforce ids).
    const unknownId = ctx.tenant.ccId.slice(0, 2) + [...ctx.tenant.ccId.slice(2)].reverse().join('');
    const unknown = await ctx.otherApi.get<ErrorAnswer>(`/contact-centers/${unknownId}/queues`);
    expect(theirs.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(theirs.body.error.code).toBe('NOT_FOUND');
    expect(theirs.body.error.message.replace(ctx.tenant.ccId, 'X')).toBe(
      unknown.body.error.message.replace(unknownId, 'X'),
    );

    // A Salesforce contact center bound in one account is "not connected" for another.
    const bound = await ctx.api.post('/connect', {
      orgId: ctx.tenant.orgId,
      salesforceContactCenterId: '04v000000000042AAA',
      internalName: ctx.tenant.apiName,
    });
    expect(bound.status).toBe(200);
    expect((await ctx.api.get('/contact-centers/04v000000000042AAA/queues')).status).toBe(200);
    const notMine = await ctx.otherApi.get<ErrorAnswer>('/contact-centers/04v000000000042AAA/queues');
    const nowhere = await ctx.otherApi.get<ErrorAnswer>('/contact-centers/04v000000000043AAA/queues');
    expect(notMine.status).toBe(404);
    expect(notMine.body.error.message).toBe(nowhere.body.error.message.replace('043', '042'));
  });

  it('keeps 20 requests per second per account (burst 100): then 429 with Retry-After, other accounts unaffected', async () => {
    const path = `/contact-centers/${ctx.tenant.ccId}/intelligence-services`;
    for (let i = 0; i < 100; i++) expect((await ctx.api.get(path)).status).toBe(200);
    const limited = await ctx.api.get<ErrorAnswer>(path);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await ctx.otherApi.get(`/contact-centers/${ctx.other.ccId}/queues`)).status).toBe(200);
    ctx.clock.advance(1000);
    for (let i = 0; i < 20; i++) expect((await ctx.api.get(path)).status).toBe(200);
    expect((await ctx.api.get(path)).status).toBe(429);
  });

  it('answers NOT_FOUND for an unknown endpoint, INVALID_PARAMS for bad JSON and 413 for a body over 1 MiB', async () => {
    const nowhere = await ctx.api.get<ErrorAnswer>('/nowhere');
    expect(nowhere.status).toBe(404);
    expect(nowhere.body.error.code).toBe('NOT_FOUND');
    const users = `/contact-centers/${ctx.tenant.ccId}/users`;
    const badJson = await ctx.api.post<ErrorAnswer>(users, '{"users": [');
    expect(badJson.status).toBe(400);
    expect(badJson.body.error.code).toBe('INVALID_PARAMS');
    const huge = await ctx.api.post<ErrorAnswer>(
      users,
      JSON.stringify({ users: [], pad: 'x'.repeat(1024 * 1024) }),
    );
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('INVALID_PARAMS');
  });

  it('issues clients only for an existing account', async () => {
    await expect(issueClient(ctx.dbh.db, '00D000000000999AAA', 'x')).rejects.toThrow(/no account/);
  });
});
