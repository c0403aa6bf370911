/**
 * The connector frame's storage in a real browser (issue 12, item 16). The connector page is a
 * cross-site frame in the console, as in Salesforce's connector-URL mode. Chromium as agents run it
 * (started directly, driven over the DevTools protocol: e2e/browser.ts) keeps the frame's
 * sessionStorage, partitioned by the top-level site: a refresh mid-call replays the call without a
 * login (controls.e2e.test.ts). An agent whose browser blocks third-party cookies and site data (a user
 * setting) gets the connector's fallback: after a refresh the login form comes back, and once the agent
 * signs in again the call is replayed.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './browser.ts';
import { ConsoleAgent, expectText } from './consoleAgent.ts';
import { useStack } from './stackContext.ts';

const e2e = useStack();

describe("an agent whose browser does not let the connector's site save data", () => {
  let blocking: Browser;
  beforeAll(async () => {
    blocking = await launchChromium({
      hostMap: { [e2e.stack.workspace.hostName]: `127.0.0.1:${e2e.stack.workspace.port}` },
      // chrome://settings/content/siteData, "Not allowed to save data": the connector's site.
      preferences: {
        profile: {
          content_settings: { exceptions: { cookies: { [`${e2e.stack.serviceUrl},*`]: { setting: 2 } } } },
        },
      },
    });
  });
  afterAll(async () => {
    await blocking?.close();
  });

  it('a refresh mid-call asks for the login again, then replays the call', async () => {
    const [context] = blocking.contexts();
    if (!context) throw new Error('no default browser context');
    const ada = await ConsoleAgent.open(blocking, e2e.stack, 'ada', context);
    try {
      const storage = await ada.page
        .frames()
        .find((f) => f.url().startsWith(e2e.stack.serviceUrl))
        ?.evaluate(() => {
          try {
            window.sessionStorage.setItem('probe', '1');
            return 'allowed';
          } catch (err) {
            return `refused: ${String(err)}`;
          }
        });
      expect(storage).toMatch(/^refused/);
      await ada.setStatus('Available');
      await e2e.call();
      const callId = await ada.accept();
      await ada.page.reload();
      await expectText(ada.frame.locator('form.sb-login'), /./);
      await ada.login();
      await ada.activeCall(callId).waitFor();
      await expectText(ada.activeCall(callId).getByTestId('call-state'), 'connected');
      await ada.screenshot('storage-blocked-relogin-replayed-call');
      await ada.byTestId('end-call').click();
      await ada.byTestId('acw').waitFor();
    } finally {
      await ada.page.close();
    }
  });
});
