/**
 * One agent in the emulated service console, in their own browser context: logs in through the
 * connector's login frame, sets their presence, and reads what Omni-Channel shows.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Frame, Locator, Page } from 'playwright-core';
import type { DemoAgent, Stack } from '../scripts/stack.ts';

export const ARTIFACTS = path.resolve('e2e/artifacts');

export class ConsoleAgent {
  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    readonly agent: DemoAgent,
  ) {}

  /**
   * Opens the console for `username` and logs in to the telephony system in its frame; in a context of
   * its own, or in `context` (e.g. the browser's default one, which has the profile's settings).
   */
  static async open(
    browser: Browser,
    stack: Stack,
    username: string,
    context?: BrowserContext,
  ): Promise<ConsoleAgent> {
    const agent = stack.agents.find((a) => a.username === username);
    if (!agent) throw new Error(`no demo agent ${username}`);
    context ??= await browser.newContext({
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    const page = await context.newPage();
    const c = new ConsoleAgent(context, page, agent);
    await page.goto(stack.workspace.consoleUrl(agent.salesforceUserName));
    await c.login();
    return c;
  }

  get frame() {
    return this.page.frameLocator('[data-testid=connector-frame]');
  }

  /** The connector's document (its softphone panel and <audio>). */
  connector(): Frame {
    const frame = this.page.frames().find((f) => f.url().includes('/connector/'));
    if (!frame) throw new Error('no connector frame');
    return frame;
  }

  /**
   * Shows the connector's frame (the emulator's switch) and turns the softphone's voice processing
   * off: echo cancellation and noise suppression distort test tones.
   */
  async softphoneForTones(): Promise<void> {
    await this.byTestId('show-connector-frame').check();
    await this.frame.getByTestId('softphone-state').waitFor();
    // The frame grows as it is shown (a 0.1 s transition): a click in that moment may miss.
    const box = this.frame.getByTestId('softphone-voice-processing');
    for (let attempt = 0; (await box.isChecked()) && attempt < 5; attempt++)
      await box.uncheck().catch(() => undefined);
    if (await box.isChecked()) throw new Error('the voice processing box stays checked');
  }

  /** Waits until the softphone's agent leg is in `state` (off, connecting, connected, failed). */
  async softphoneState(state: string): Promise<void> {
    await this.frame
      .getByTestId('softphone-state')
      .filter({ hasText: new RegExp(`^${state}$`) })
      .waitFor();
  }

  async login(): Promise<void> {
    const form = this.frame.locator('form.sb-login');
    await form.locator('input[name=username]').fill(this.agent.username);
    await form.locator('input[name=password]').fill(this.agent.password);
    await form.locator('button').first().click();
    await this.ready();
  }

  async ready(): Promise<void> {
    await this.byTestId('connector-state').getByText('ready', { exact: true }).waitFor();
  }

  byTestId(id: string): Locator {
    return this.page.getByTestId(id);
  }

  async setStatus(name: string): Promise<void> {
    await this.byTestId('presence-select').selectOption({ label: name });
    await this.waitForStatus(name);
  }

  async waitForStatus(name: string): Promise<void> {
    await this.byTestId('presence-status').getByText(name, { exact: true }).waitFor();
  }

  async status(): Promise<string> {
    return (await this.byTestId('presence-status').textContent()) ?? '';
  }

  /** Waits for an offer and returns its call id. */
  async incoming(): Promise<string> {
    const card = this.byTestId('incoming');
    await card.waitFor();
    return (await card.getAttribute('data-call-id')) as string;
  }

  async accept(): Promise<string> {
    const callId = await this.incoming();
    await this.byTestId('accept-call').click();
    await this.activeCall(callId).waitFor();
    await this.activeCall(callId).getByTestId('call-state').getByText('connected').waitFor();
    return callId;
  }

  activeCall(callId?: string): Locator {
    return callId
      ? this.page.locator(`[data-testid=active-call][data-call-id="${callId}"]`)
      : this.byTestId('active-call');
  }

  /** The newest notice (errors, info) Omni-Channel shows. */
  notices(): Locator {
    return this.byTestId('notices');
  }

  async searchContacts(text: string, type = ''): Promise<void> {
    await this.byTestId('contacts-search').fill(text);
    await this.byTestId('contacts-type').selectOption(type);
    await this.byTestId('contacts-find').click();
  }

  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, `${name}.png`);
    await this.page.screenshot({ path: file, fullPage: false });
    return file;
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}

/** Waits until `locator` shows `text` (Playwright's auto-waiting, with its error when it never does). */
export async function expectText(locator: Locator, text: string | RegExp, timeout?: number): Promise<void> {
  await locator
    .filter({ hasText: text })
    .first()
    .waitFor(timeout ? { timeout } : {});
}
