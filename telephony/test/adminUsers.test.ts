/**
 * User syncing through the admin API (add and remove, each batch all or nothing), the password for the
 * login page, and the agents' partner settings; seen by the agents' own sockets and logins.
 */
import { describe, expect, it } from 'vitest';
import type { AgentSettings, AgentSettingsView, UserAddAnswer } from '../src/contracts/adminApi.ts';
import { AdminApi, useAdmin, type ErrorAnswer } from './adminContext.ts';
import { TEST_PASSWORD, credentials, postLogin, presenceOf, salesforceUserId } from './harness.ts';

const ctx = useAdmin();

const ADA = '0055g00000AbCdE'; // 15 characters; its 18-character form ends in AAV
const GRACE = '0055g00000XyZwEAAV';
const usersPath = () => `/contact-centers/${ctx.tenant.ccId}/users`;

/** The tenant's agents as user sync would have made them: Salesforce ids 005…1AAA, 005…2AAA, … */
async function linkAgents(): Promise<void> {
  for (const [i, a] of ctx.tenant.agents.entries())
    await ctx.dbh.db
      .updateTable('users')
      .set({ salesforce_user_id: salesforceUserId(i + 1) })
      .where('id', '=', a.id)
      .execute();
}

const userCount = async () =>
  (
    await ctx.dbh.db
      .selectFrom('users')
      .select(ctx.dbh.db.fn.countAll<number>().as('n'))
      .where('contact_center_id', '=', ctx.tenant.ccId)
      .executeTakeFirstOrThrow()
  ).n;

const newUser = (salesforceUserId: string, username: string, firstName: string | null = 'Ada') => ({
  salesforceUserId,
  firstName,
  lastName: 'Lovelace',
  username,
});

describe('POST …/users (add)', () => {
  it('creates agents and answers their partner user ids; adding them again changes nothing', async () => {
    const first = await ctx.api.post<UserAddAnswer>(usersPath(), {
      users: [newUser(ADA, 'ada@acme.com'), newUser(GRACE, 'grace@acme.com', null)],
    });
    expect(first.status).toBe(200);
    expect(first.body.users).toEqual([
      { salesforceUserId: ADA, partnerUserId: expect.stringMatching(/^US/), created: true },
      { salesforceUserId: GRACE, partnerUserId: expect.stringMatching(/^US/), created: true },
    ]);
    const [ada, grace] = first.body.users;
    const row = await ctx.dbh.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', ada!.partnerUserId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      contact_center_id: ctx.tenant.ccId,
      salesforce_user_id: `${ADA}AAV`,
      username: 'ada@acme.com',
      display_name: 'Ada Lovelace',
      role: 'agent',
      removed_at: null,
    });
    // No password yet: nothing logs in.
    for (const password of [TEST_PASSWORD, '!none', 'none'])
      expect(
        (await postLogin(ctx.run, { ...credentials(ctx.tenant, 'ada@acme.com'), password })).status,
      ).toBe(401);

    const again = await ctx.api.post<UserAddAnswer>(usersPath(), {
      users: [
        newUser(`${ADA}AAV`, 'ada@acme.com'),
        newUser(GRACE, 'renamed@acme.com'),
        newUser('005000000000077AAA', 'alan@acme.com'),
      ],
    });
    expect(again.body.users).toEqual([
      { salesforceUserId: `${ADA}AAV`, partnerUserId: ada!.partnerUserId, created: false },
      { salesforceUserId: GRACE, partnerUserId: grace!.partnerUserId, created: false },
      { salesforceUserId: '005000000000077AAA', partnerUserId: expect.stringMatching(/^US/), created: true },
    ]);
    const unchanged = await ctx.dbh.db
      .selectFrom('users')
      .select('username')
      .where('id', '=', grace!.partnerUserId)
      .executeTakeFirstOrThrow();
    expect(unchanged.username).toBe('grace@acme.com');
  });

  it('refuses the whole batch (409, details) for a username of another user or a user twice', async () => {
    const before = await userCount();
    const cases: Array<[unknown[], string]> = [
      [[newUser(ADA, 'ada@acme.com'), newUser(GRACE, 'AGENT1')], GRACE],
      [[newUser(ADA, 'ada@acme.com'), newUser(`${ADA}AAV`, 'other@acme.com')], `${ADA}AAV`],
      [[newUser(ADA, 'ada@acme.com'), newUser(GRACE, 'Ada@Acme.com')], GRACE],
    ];
    for (const [users, culprit] of cases) {
      const res = await ctx.api.post<ErrorAnswer>(usersPath(), { users });
      expect([res.status, res.body.error.code, res.body.error.details]).toEqual([
        409,
        'CONFLICT',
        { salesforceUserId: culprit },
      ]);
    }
    expect(await userCount()).toBe(before);
  });

  it('refuses bad bodies with INVALID_PARAMS and the path, adding nobody', async () => {
    const before = await userCount();
    const cases: Array<[unknown, string]> = [
      [{ users: [] }, '/users'],
      [
        { users: Array.from({ length: 201 }, (_, i) => newUser(salesforceUserId(100 + i), `u${i}@x.com`)) },
        '/users',
      ],
      [
        { users: [newUser(ADA, 'a@x.com'), { salesforceUserId: GRACE, username: 'g@x.com' }] },
        '/users/1/lastName',
      ],
      [{ users: [newUser('0015g00000AbCdE', 'a@x.com')] }, '/users/0/salesforceUserId'],
      [{ users: [{ ...newUser(ADA, 'a@x.com'), email: 'a@x.com' }] }, '/users/0/email'],
      [{ users: [newUser(ADA, '')] }, '/users/0/username'],
    ];
    for (const [body, path] of cases) {
      const res = await ctx.api.post<ErrorAnswer>(usersPath(), body);
      expect([res.status, res.body.error.code, res.body.error.details?.path]).toEqual([
        400,
        'INVALID_PARAMS',
        path,
      ]);
    }
    expect(await userCount()).toBe(before);
  });

  it('gives a synced user a password for the login page', async () => {
    await ctx.api.post(usersPath(), { users: [newUser(ADA, 'ada@acme.com')] });
    const password = `${usersPath()}/${ADA}/password`;
    expect((await ctx.api.put(password, { password: 'short' })).status).toBe(400);
    expect((await ctx.api.put(`${usersPath()}/${GRACE}/password`, { password: TEST_PASSWORD })).status).toBe(
      404,
    );
    expect((await ctx.otherApi.put(password, { password: TEST_PASSWORD })).status).toBe(404);
    expect((await ctx.api.put(password, { password: TEST_PASSWORD })).body).toEqual({ ok: true });
    const agent = await ctx.login(ctx.tenant, 'ada@acme.com');
    expect(agent.welcome?.user).toMatchObject({ username: 'ada@acme.com', salesforceUserId: `${ADA}AAV` });
  });
});

describe('POST …/users/remove', () => {
  it('logs the user out (sessionEnded loggedOut), drops memberships, keeps the row; a non-member counts as removed', async () => {
    await linkAgents();
    const group = await ctx.api.post<{ id: string }>(`/contact-centers/${ctx.tenant.ccId}/groups`, {
      name: 'Tier 1',
    });
    await ctx.api.post(`/contact-centers/${ctx.tenant.ccId}/groups/${group.body.id}/members`, {
      add: [salesforceUserId(1), salesforceUserId(2)],
    });
    const agent1 = await ctx.login(ctx.tenant, 'agent1');
    await agent1.goAvailable();
    const agent2 = await ctx.login(ctx.tenant, 'agent2');

    const res = await ctx.api.post(`${usersPath()}/remove`, {
      users: [{ salesforceUserId: salesforceUserId(1) }, { salesforceUserId: '005000000000055AAA' }],
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ removed: 1 });
    await agent1.closed();
    expect(agent1.frames.at(-1)).toEqual({ type: 'sessionEnded', reason: 'loggedOut' });
    expect(await presenceOf(ctx.dbh.db, ctx.tenant.agents[0]!.id)).toBe('offline');
    expect((await postLogin(ctx.run, credentials(ctx.tenant, 'agent1'))).status).toBe(401);
    const row = await ctx.dbh.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', ctx.tenant.agents[0]!.id)
      .executeTakeFirstOrThrow();
    expect(row.removed_at).toBe(ctx.clock.now());
    const queues = await ctx.api.get<{ queues: Array<{ memberCount: number }> }>(
      `/contact-centers/${ctx.tenant.ccId}/queues`,
    );
    expect(queues.body.queues[0]!.memberCount).toBe(ctx.tenant.agents.length - 1);
    const groups = await ctx.api.get<{ groups: Array<{ memberCount: number }> }>(
      `/contact-centers/${ctx.tenant.ccId}/groups`,
    );
    expect(groups.body.groups[0]!.memberCount).toBe(1);
    const book = await agent2.request<{ contacts: Array<{ id: string }> }>('getPhoneContacts', {
      types: ['Agent'],
    });
    expect(book.contacts.map((c) => c.id)).not.toContain(ctx.tenant.agents[0]!.id);
    expect(book.contacts.map((c) => c.id)).toContain(ctx.tenant.agents[2]!.id);

    expect(
      (await ctx.api.post(`${usersPath()}/remove`, { users: [{ salesforceUserId: salesforceUserId(1) }] }))
        .body,
    ).toEqual({
      removed: 0,
    });
    // Added again: the same partner user id.
    const back = await ctx.api.post<UserAddAnswer>(usersPath(), {
      users: [newUser(salesforceUserId(1), 'agent1')],
    });
    expect(back.body.users).toEqual([
      { salesforceUserId: salesforceUserId(1), partnerUserId: ctx.tenant.agents[0]!.id, created: true },
    ]);
  });

  it('refuses the batch (409) when one of them is on a call, removing nobody', async () => {
    await linkAgents();
    const agent1 = await ctx.login(ctx.tenant, 'agent1');
    const agent2 = await ctx.login(ctx.tenant, 'agent2');
    await agent2.goAvailable();
    const callId = await ctx.sim.call('+14155550123', ctx.tenant.number);
    await agent2.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callId);
    const ringing = await ctx.api.post<ErrorAnswer>(`${usersPath()}/remove`, {
      users: [{ salesforceUserId: salesforceUserId(1) }, { salesforceUserId: salesforceUserId(2) }],
    });
    expect(ringing.status).toBe(409);
    expect(ringing.body.error).toMatchObject({
      code: 'CONFLICT',
      details: { salesforceUserId: salesforceUserId(2) },
    });
    await agent2.request('acceptCall', { callId });
    const onCall = await ctx.api.post<ErrorAnswer>(`${usersPath()}/remove`, {
      users: [{ salesforceUserId: salesforceUserId(2) }],
    });
    expect(onCall.status).toBe(409);
    const removed = await ctx.dbh.db
      .selectFrom('users')
      .select('id')
      .where('contact_center_id', '=', ctx.tenant.ccId)
      .where('removed_at', 'is not', null)
      .execute();
    expect(removed).toEqual([]);
    expect(agent1.closedWith).toBeUndefined();
    expect((await agent1.request('getAgentStatus')).state).toBeDefined();
  });

  it('refuses bad bodies and users of another account', async () => {
    await linkAgents();
    for (const body of [
      { users: [] },
      { users: [{ salesforceUserId: 'x' }] },
      { userIds: [salesforceUserId(1)] },
    ])
      expect((await ctx.api.post(`${usersPath()}/remove`, body)).status).toBe(400);
    expect(
      (
        await ctx.otherApi.post(`${usersPath()}/remove`, {
          users: [{ salesforceUserId: salesforceUserId(1) }],
        })
      ).status,
    ).toBe(404);
    expect(
      await ctx.dbh.db.selectFrom('users').select('id').where('removed_at', 'is not', null).execute(),
    ).toEqual([]);
  });
});

describe('GET|PUT …/users/{salesforceUserId}/settings', () => {
  const settingsPath = () => `${usersPath()}/${salesforceUserId(1)}/settings`;
  /** agent1's own credentials: how the package's per-user principal sends them. */
  const agent1 = () => AdminApi.agent(ctx.run, 'agent1', TEST_PASSWORD);

  it('reads and saves the partner settings; the agent’s connector gets AGENT_CONFIG_UPDATED', async () => {
    await linkAgents();
    const agent = await ctx.login(ctx.tenant, 'agent1');
    const initial = await agent1().get<AgentSettingsView>(settingsPath());
    expect(initial.body).toEqual({
      settings: { autoAccept: false, secondaryRing: null, callerId: null, defaultOutboundQueueId: null },
      options: {
        callerIds: [{ phoneNumber: ctx.tenant.number, label: null }],
        queues: [{ id: ctx.tenant.queueId, name: 'Support' }],
      },
    });
    const saved = await agent1().put<AgentSettings>(settingsPath(), {
      autoAccept: true,
      secondaryRing: { phoneNumber: '(415) 555-1234', delaySeconds: 10 },
      callerId: ctx.tenant.number.replace('+1', ''),
      defaultOutboundQueueId: ctx.tenant.queueId,
    });
    expect(saved.status).toBe(200);
    const expected = {
      autoAccept: true,
      secondaryRing: { phoneNumber: '+14155551234', delaySeconds: 10 },
      callerId: ctx.tenant.number,
      defaultOutboundQueueId: ctx.tenant.queueId,
    };
    expect(saved.body).toEqual(expected);
    const event = await agent.waitFor('AGENT_CONFIG_UPDATED');
    expect(event.data.config).toMatchObject({ autoAccept: true, secondaryRing: expected.secondaryRing });
    expect((await agent1().get<AgentSettingsView>(settingsPath())).body.settings).toEqual(expected);
  });

  it('refuses what is not one of the options (400, details.path), non-members (404), and device changes during a call (409)', async () => {
    await linkAgents();
    const valid = { autoAccept: false, secondaryRing: null, callerId: null, defaultOutboundQueueId: null };
    const cases: Array<[unknown, string]> = [
      [{ ...valid, callerId: '+14155559999' }, '/callerId'],
      [{ ...valid, callerId: 'not a number' }, '/callerId'],
      [{ ...valid, defaultOutboundQueueId: ctx.other.queueId }, '/defaultOutboundQueueId'],
      [{ ...valid, secondaryRing: { phoneNumber: '123', delaySeconds: 5 } }, '/secondaryRing/phoneNumber'],
      [
        { ...valid, secondaryRing: { phoneNumber: '+14155551234', delaySeconds: 121 } },
        '/secondaryRing/delaySeconds',
      ],
      [{ autoAccept: true, secondaryRing: null, callerId: null }, '/defaultOutboundQueueId'],
      [{ ...valid, ringtone: 'bell' }, '/ringtone'],
    ];
    for (const [body, path] of cases) {
      const res = await agent1().put<ErrorAnswer>(settingsPath(), body);
      expect([res.status, res.body.error.code, res.body.error.details?.path], JSON.stringify(body)).toEqual([
        400,
        'INVALID_PARAMS',
        path,
      ]);
    }
    // Per-user identity: another user's id is refused (403); the account's token, of this account or
    // another, cannot read or save an agent's settings (401): only the agent's own credentials can.
    expect((await agent1().get(`${usersPath()}/005000000000055AAA/settings`)).status).toBe(403);
    expect((await ctx.api.get(settingsPath())).status).toBe(401);
    expect((await ctx.otherApi.get(settingsPath())).status).toBe(401);
    expect((await ctx.otherApi.put(settingsPath(), valid)).status).toBe(401);

    const agent = await ctx.login(ctx.tenant, 'agent1');
    await agent.goAvailable();
    const callId = await ctx.sim.call('+14155550123', ctx.tenant.number);
    await agent.waitFor('CALL_STARTED', (e) => e.data.call?.callId === callId);
    await agent.request('acceptCall', { callId });
    const duringCall = await agent1().put<ErrorAnswer>(settingsPath(), { ...valid, autoAccept: true });
    expect(duringCall.status).toBe(409);
    expect(duringCall.body.error.code).toBe('CONFLICT');
    // Caller ID and default queue are not devices: they may change during a call.
    const callerId = await agent1().put<AgentSettings>(settingsPath(), {
      ...valid,
      callerId: ctx.tenant.number,
    });
    expect(callerId.status).toBe(200);
    expect((await agent1().get<AgentSettingsView>(settingsPath())).body.settings).toEqual({
      ...valid,
      callerId: ctx.tenant.number,
    });
  });

  it('proves which user sends: another user’s id is refused (403) and changes nothing; wrong or no credentials are 401', async () => {
    await linkAgents();
    const valid = { autoAccept: true, secondaryRing: null, callerId: null, defaultOutboundQueueId: null };
    const before = (await agent1().get<AgentSettingsView>(settingsPath())).body.settings;

    const agent2 = AdminApi.agent(ctx.run, 'agent2', TEST_PASSWORD);
    const forged = await agent2.put<ErrorAnswer>(settingsPath(), valid);
    expect(forged.status).toBe(403);
    expect(forged.body.error).toMatchObject({
      code: 'FORBIDDEN',
      details: { salesforceUserId: salesforceUserId(1) },
    });
    expect((await agent2.get(settingsPath())).status).toBe(403);
    expect((await agent1().get<AgentSettingsView>(settingsPath())).body.settings).toEqual(before);

    const wrong = await AdminApi.agent(ctx.run, 'agent1', 'not the password').put<ErrorAnswer>(
      settingsPath(),
      valid,
    );
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('UNAUTHORIZED');
    expect(wrong.headers.get('www-authenticate')).toBe('Basic realm="switchboard-agent"');
    const none = await fetch(`${ctx.run.baseUrl}/admin/v1${settingsPath()}`);
    expect(none.status).toBe(401);
    const unknownCc = await agent1().get<ErrorAnswer>(
      `/contact-centers/CCnope/users/${salesforceUserId(1)}/settings`,
    );
    expect(unknownCc.status).toBe(401);
    expect((await agent1().get<AgentSettingsView>(settingsPath())).body.settings).toEqual(before);

    // The agent's own id, in its 15-character form, is theirs.
    const short = `${usersPath()}/${salesforceUserId(1).slice(0, 15)}/settings`;
    expect((await agent1().get(short)).status).toBe(200);
  });
});
