/**
 * The newcomer's path with both pages: a call placed from the Voice Call Simulator page rings in the
 * service console; messages go both ways between the simulator's Messages section and the
 * console's Lightning message bridge, through the connector.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './browser.ts';
import { expectText } from './consoleAgent.ts';
import { eventually, useStack } from './stackContext.ts';

describe('the simulator page and the service console together', () => {
  const e2e = useStack();
  let browser: Browser;
  let simulator: Page;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  const openSimulator = async () => {
    simulator = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
    await simulator.goto(e2e.stack.simulatorUrl);
    await simulator.getByTestId('connection').filter({ hasText: 'connected' }).waitFor();
  };

  it('New Inbound Call in the simulator rings the available agent in the console', async () => {
    const ada = await e2e.open('ada');
    await ada.setStatus('Available');
    await openSimulator();
    await simulator.getByTestId('inbound-from').fill('+14155559999');
    await simulator.getByTestId('new-inbound-call').click();
    const callId = await ada.incoming();
    await expectText(ada.byTestId('incoming-caller'), '+14155559999');
    expect(await simulator.getByTestId('selected-call').textContent()).toBe(callId);
    await simulator.getByTestId(`call-${callId}`).waitFor();
    await simulator.screenshot({ path: 'e2e/artifacts/simulator-page.png', fullPage: true });
    await ada.accept();
    await simulator.getByTestId(`customer-leaves-${callId}`).click();
    await ada.byTestId('acw').waitFor();
  });

  it('messages between the simulator and the console’s Lightning message bridge, both ways', async () => {
    const ada = await e2e.open('ada');
    await openSimulator();
    await simulator.getByTestId('agent-select').selectOption({ label: 'Ada Lovelace (ada)' });
    await simulator
      .getByTestId('message-text')
      .fill('{"type":"SCREEN_POP","payload":{"caseNumber":"00001042"}}');
    await simulator.getByTestId('send-message').click();
    await expectText(ada.byTestId('bridge-messages'), '00001042');
    await ada.byTestId('bridge-message').fill('{"type":"NOTE","payload":{"text":"from Lightning"}}');
    await ada.byTestId('bridge-send').click();
    await expectText(simulator.getByTestId('messages-received'), 'from Lightning');
    await eventually(async () => {
      const { messages } = await e2e.sim<{ messages: Array<{ message: unknown }> }>(
        'GET',
        `/agents/${e2e.user('ada')}/messages`,
      );
      expect(messages.map((m) => m.message)).toContainEqual({
        type: 'NOTE',
        payload: { text: 'from Lightning' },
      });
    });
    await ada.screenshot('message-bridge');
  });
});
