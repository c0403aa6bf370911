import { describe, expect, it } from 'vitest';
import { TEST_PASSWORD, useConnector } from './context.ts';

// Sessions of 3 s: the service ends the agent's socket when the session expires.
const ctx = useConnector({ sessionTtlMs: 3000 });

describe('session expiry', () => {
  it('LOGOUT_RESULT and the login page saying why; a new login works', async () => {
    const host = await ctx.agent(0);
    const from = host.mark();
    const out = await host.waitFor('LOGOUT_RESULT', undefined, from, 10_000);
    expect(out.payload).toEqual({ success: true, loginFrameHeight: 350 });
    expect(host.loginStatus()).toBe('Your Switchboard session expired. Log in again.');
    expect(host.sessionEntries()).toEqual({});

    const again = host.mark();
    host.submitLogin(ctx.tenant.agents[0]!.username, TEST_PASSWORD);
    await host.waitFor('LOGIN_RESULT', (p) => p.success === true, again);
    await host.waitForMessage('CONNECTOR_READY', again);
  });

  it('a stored session that expired meanwhile: the login page at start', async () => {
    const first = await ctx.agent(0);
    const storage = first.sessionEntries();
    first.close();
    ctx.clock.advance(4000);
    const page = ctx.open({ storage });
    await page.waitFor('SHOW_LOGIN');
    expect(page.messages.some((m) => m.type === 'CONNECTOR_READY')).toBe(false);
  });
});
