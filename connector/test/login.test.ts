import { describe, expect, it } from 'vitest';
import { presenceOf } from '../../telephony/test/harness.ts';
import { connectorConfig, STATUS, TEST_PASSWORD, useConnector } from './context.ts';
import { Host } from './host.ts';

const ctx = useConnector();

/** Time for anything the connector would answer to arrive, when a test checks that nothing does. */
const SETTLE_MS = 500;
const settle = () => new Promise((r) => setTimeout(r, SETTLE_MS));

describe('SETUP_CONNECTOR', () => {
  it('ignores a SETUP_CONNECTOR from a non-Salesforce origin (and, as the base library does, any later one)', async () => {
    const host = ctx.open({ config: connectorConfig(ctx.tenant) });
    await host.waitFor('SHOW_LOGIN');

    const hostile = new Host(ctx.bundle, { url: `${ctx.run.baseUrl}/connector/` });
    hostile.setup(connectorConfig(ctx.tenant), 'https://evil.example.com');
    await settle();
    expect(hostile.messages).toEqual([]);
    // scv-connector-base removes its listener after the first SETUP_CONNECTOR, even a refused one:
    // a frame that posts first blocks the real set-up (docs/connector.md, "Security").
    hostile.setup(connectorConfig(ctx.tenant));
    await settle();
    expect(hostile.messages).toEqual([]);
    hostile.close();
  });

  it('shows the login page when there is no session', async () => {
    const host = ctx.open();
    const shown = await host.waitFor('SHOW_LOGIN');
    expect(shown.payload).toEqual({ loginFrameHeight: 350 });
    expect(host.loginStatus()).toBe('');
    expect(host.messages.some((m) => m.type === 'CONNECTOR_READY')).toBe(false);
  });

  it('refuses a configuration without a usable service URL with INVALID_PARAMS', async () => {
    const host = ctx.open({
      config: connectorConfig(ctx.tenant, { '/reqSwitchboard/reqServiceUrl': 'ftp://x' }),
    });
    const error = await host.waitFor('ERROR');
    expect(error.payload).toEqual({ message: 'INVALID_PARAMS' });
    expect(host.types()).toEqual(['ERROR']);
  });
});

describe('login', () => {
  it('a wrong password shows an error and publishes a failed LOGIN_RESULT; the right one connects', async () => {
    const host = ctx.open();
    await host.waitFor('SHOW_LOGIN');
    host.submitLogin(ctx.tenant.agents[0]!.username, 'wrong');
    const failed = await host.waitFor('LOGIN_RESULT');
    expect(failed.payload).toEqual({ success: false });
    expect(host.loginStatus()).toBe('Wrong username or password.');
    expect(host.messages.some((m) => m.type === 'CONNECTOR_READY')).toBe(false);

    const from = host.mark();
    host.submitLogin(ctx.tenant.agents[0]!.username, TEST_PASSWORD);
    await host.waitFor('LOGIN_RESULT', (p) => p.success === true, from);
    const ready = await host.waitForMessage('CONNECTOR_READY', from);
    expect(host.loginStatus()).toBeNull();
    expect(ready.payload).toEqual({
      agentConfig: { PHONES: ['SOFT_PHONE', 'DESK_PHONE'], SELECTED_PHONE: { type: 'SOFT_PHONE' } },
      capabilities: {
        DEBUG_ENABLED: true,
        CONTACT_SEARCH: true,
        VENDOR_PROVIDED_AVAILABILITY: true,
        VENDOR_PROVIDED_QUEUE_WAIT_TIME: true,
        TRANSFER_TO_OMNI_FLOW: true,
        PENDING_STATUS_CHANGE: true,
        SFDC_PENDING_STATE: false,
        AUTO_ACCEPT_ENABLED: false,
        MUTE: true,
        RECORD: true,
        MERGE: true,
        SWAP: true,
        BLIND_TRANSFER: true,
        SIGNED_RECORDING_URL: true,
        SUPERVISOR_LISTEN_IN: true,
        SUPERVISOR_BARGE_IN: true,
        MOS: true,
        PHONEBOOK: true,
        HAS_GET_EXTERNAL_SPEAKER: false,
        HAS_SET_EXTERNAL_SPEAKER: false,
        HAS_GET_EXTERNAL_MICROPHONE: false,
        HAS_SET_EXTERNAL_MICROPHONE: false,
        CAN_CONSULT: false,
        DIAL_PAD: false,
        HAS_HID_SUPPORT: false,
        PHONEBOOK_DISABLE: false,
      },
      callInProgress: null,
    });
    // Nothing reaches Salesforce between LOGIN_RESULT and CONNECTOR_READY.
    expect(host.messages.filter((m) => m.type !== 'LOG').map((m) => m.type)).toEqual([
      'TELEPHONY_EVENT_DISPATCHED',
      'TELEPHONY_EVENT_DISPATCHED',
      'TELEPHONY_EVENT_DISPATCHED',
      'CONNECTOR_READY',
    ]);
  });

  it("stores the configuration's presence statuses, so Omni-Channel statuses map to the agent's state", async () => {
    const host = await ctx.agent(0);
    const statuses = await ctx.dbh.db
      .selectFrom('presence_statuses')
      .select(['status_id', 'name'])
      .where('contact_center_id', '=', ctx.tenant.ccId)
      .orderBy('position')
      .execute();
    expect(statuses.map((s) => s.name)).toEqual(['Offline', 'Available', 'Away', 'Busy']);
    await ctx.available(host);
    expect(await presenceOf(ctx.dbh.db, ctx.tenant.agents[0]!.id)).toBe('available');
  });

  it('keeps the session across a page refresh (no login page, CONNECTOR_READY at once)', async () => {
    const first = await ctx.agent(0);
    const storage = first.sessionEntries();
    expect(Object.keys(storage)).toEqual([
      `switchboard.session.${ctx.tenant.orgId}.${ctx.tenant.apiName}.005xx000001Sv6AAAS`,
    ]);
    first.close();

    const refreshed = ctx.open({ storage });
    const ready = await refreshed.waitForMessage('CONNECTOR_READY');
    expect(ready.payload).toMatchObject({ callInProgress: null });
    expect(refreshed.types()).toEqual([]);
    await ctx.available(refreshed);
  });

  it('logs in from a Visualforce page (static resource mode) across origins, through CORS', async () => {
    const config = connectorConfig(ctx.tenant, { '/reqSwitchboard/reqServiceUrl': ctx.run.baseUrl });
    const host = await ctx.agent(1, {
      url: 'https://myorg--c.vf.force.com/apex/SwitchboardConnector',
      config,
    });
    expect(host.messages.some((m) => m.type === 'CONNECTOR_READY')).toBe(true);
  });

  it('a page of another origin cannot log in: the service allows only Salesforce origins', async () => {
    const config = connectorConfig(ctx.tenant, { '/reqSwitchboard/reqServiceUrl': ctx.run.baseUrl });
    const host = ctx.open({ url: 'https://connector.evil.example/', config });
    await host.waitFor('SHOW_LOGIN');
    host.submitLogin(ctx.tenant.agents[1]!.username, TEST_PASSWORD);
    expect((await host.waitFor('LOGIN_RESULT')).payload).toEqual({ success: false });
    expect(host.loginStatus()).toBe('The Switchboard service is unreachable.');
  });
  it('keeps the device token of a sign-in and sends it back with the next one (docs/agent-api.md), so this browser stays a known device', async () => {
    const username = ctx.tenant.agents[0]!.username;
    const devices = () => ctx.dbh.db.selectFrom('login_devices').select('token_hash').execute();
    const known = ctx.open();
    await known.waitFor('SHOW_LOGIN');
    known.submitLogin(username, TEST_PASSWORD);
    await known.waitFor('LOGIN_RESULT', (p) => p.success === true);
    const first = await devices();
    expect(first).toHaveLength(1);
    await known.request('LOGOUT', {}, 'LOGOUT_RESULT');

    const from = known.mark();
    known.submitLogin(username, TEST_PASSWORD);
    await known.waitFor('LOGIN_RESULT', (p) => p.success === true, from);
    expect(await devices()).toEqual(first);

    const other = ctx.open();
    await other.waitFor('SHOW_LOGIN');
    other.submitLogin(username, TEST_PASSWORD);
    await other.waitFor('LOGIN_RESULT', (p) => p.success === true);
    expect(await devices()).toHaveLength(2);
  });
});

describe('logout and session end', () => {
  it('LOGOUT ends the session at the service, clears the tab and shows the login page', async () => {
    const host = await ctx.agent(0);
    await ctx.available(host);
    const out = await host.request('LOGOUT', {}, 'LOGOUT_RESULT');
    expect(out.payload).toEqual({ success: true, loginFrameHeight: 350 });
    expect(host.sessionEntries()).toEqual({});
    expect(host.loginStatus()).toBe('');
    expect(await presenceOf(ctx.dbh.db, ctx.tenant.agents[0]!.id)).toBe('offline');
    const sessions = await ctx.dbh.db.selectFrom('sessions').select('end_reason').execute();
    expect(sessions.map((s) => s.end_reason)).toEqual(['loggedOut']);
    await settle();
    expect(host.types().filter((t) => t === 'LOGOUT_RESULT')).toHaveLength(1);
  });

  it('a login elsewhere takes the session over: LOGOUT_RESULT and the login page with the reason', async () => {
    const first = await ctx.agent(0);
    const from = first.mark();
    await ctx.agent(0);
    const out = await first.waitFor('LOGOUT_RESULT', undefined, from);
    expect(out.payload).toEqual({ success: true, loginFrameHeight: 350 });
    expect(first.loginStatus()).toBe('You logged in to Switchboard somewhere else.');
    expect(first.sessionEntries()).toEqual({});
  });
});

describe('the service is down at start', () => {
  it('without a session: the login page says the service is unreachable; once it is back, login works', async () => {
    await ctx.stop();
    const host = ctx.open();
    await host.waitFor('SHOW_LOGIN');
    host.submitLogin(ctx.tenant.agents[0]!.username, TEST_PASSWORD);
    await host.waitFor('LOGIN_RESULT');
    expect(host.loginStatus()).toBe('The Switchboard service is unreachable.');

    await ctx.start();
    const from = host.mark();
    host.submitLogin(ctx.tenant.agents[0]!.username, TEST_PASSWORD);
    await host.waitFor('LOGIN_RESULT', (p) => p.success === true, from);
    await host.waitForMessage('CONNECTOR_READY', from);
  });

  it('with a session: the login page says it is retrying, and the connector gets ready when the service is back', async () => {
    const first = await ctx.agent(0);
    const storage = first.sessionEntries();
    first.close();
    await ctx.stop();

    const host = ctx.open({ storage });
    await host.waitFor('SHOW_LOGIN');
    expect(host.loginStatus()).toBe('The Switchboard service is unreachable. Retrying…');
    await ctx.start();
    await host.waitFor('LOGIN_RESULT', (p) => p.success === true, 0, 15_000);
    await host.waitForMessage('CONNECTOR_READY');
    expect(host.loginStatus()).toBeNull();
    await host.request(
      'SET_AGENT_STATUS',
      { agentStatus: 'Online', statusInfo: { statusId: STATUS.available } },
      'SET_AGENT_STATUS_RESULT',
    );
    expect(await presenceOf(ctx.dbh.db, ctx.tenant.agents[0]!.id)).toBe('available');
  });
});
