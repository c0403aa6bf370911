/**
 * The managed package's workspace LWCs (force-app/…/lwc/switchboard*) in the emulated console,
 * compiled by the LWC compiler (emulator/src/workspace/lwcBundle.ts), talking to the real connector
 * and service over the message bridge (docs/workspace.md): Queue, Contact history, My stats,
 * Callbacks, the supervisor's Wallboard, and an axe-core accessibility check of all of them.
 */
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectText } from './consoleAgent.ts';
import { eventually, useStack } from './stackContext.ts';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** axe-core's WCAG 2 A/AA rules on the app page: the violations that are serious or critical. */
async function accessibilityViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: AxeViolation[] }> };
      }
    ).axe;
    const result = await axe.run(
      { include: [['[data-testid=switchboard-app-page]']] },
      { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } },
    );
    return result.violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ ...v, nodes: v.nodes.map((n) => ({ target: n.target })) }));
}

/** A picture of the app page alone (e2e/artifacts/). */
async function screenshotAppPage(page: Page, name: string): Promise<void> {
  await page.getByTestId('switchboard-app-page').screenshot({ path: `e2e/artifacts/${name}.png` });
}

/** A browser's local `YYYY-MM-DDTHH:MM:SS` for `ms` (what a datetime-local input takes). */
async function localDateTime(page: Page, ms: number): Promise<string> {
  return page.evaluate((at) => {
    const d = new Date(at);
    const p = (n: number) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  }, ms);
}

describe("the package's workspace LWCs in the service console", () => {
  const e2e = useStack({ media: false });

  it('render as the package ships them: the agent gets five, the supervisor the Wallboard too; axe finds nothing serious', async () => {
    const ada = await e2e.open('ada');
    const page = ada.page;
    for (const tag of [
      'c-switchboard-queue',
      'c-switchboard-skills',
      'c-switchboard-callbacks',
      'c-switchboard-stats',
      'c-switchboard-history',
    ])
      await page.locator(`${tag} article.slds-card`).waitFor();
    expect(await page.locator('c-switchboard-wallboard').count()).toBe(0);
    const app = page.getByTestId('switchboard-app-page');
    await app.getByRole('heading', { name: 'Contact history' }).waitFor();
    await app.getByLabel('Search').waitFor();
    await app.getByLabel('Phone number').waitFor();
    await screenshotAppPage(ada.page, 'workspace-agent');
    expect(await accessibilityViolations(page)).toEqual([]);

    const sam = await e2e.open('sam');
    await sam.page.locator('c-switchboard-wallboard article.slds-card').waitFor();
    await sam.page.getByRole('heading', { name: 'Wallboard' }).waitFor();
    expect(await accessibilityViolations(sam.page)).toEqual([]);
  });

  it('a missed call appears in Queue, with the longest wait first', async () => {
    await e2e.sim('PATCH', `/contact-centers/${e2e.stack.contactCenterId}/settings`, {
      ringTimeoutSeconds: 5,
    });
    const ada = await e2e.open('ada');
    await ada.setStatus('Available');
    const first = await e2e.call('+14155550101');
    expect(await ada.incoming()).toBe(first);
    // Nobody answers: the offer times out, Omni-Channel sets Ada busy, the call waits in the queue.
    await ada.byTestId('incoming').waitFor({ state: 'detached', timeout: 20_000 });
    const second = await e2e.call('+14155550102');
    const rows = ada.page.locator('c-switchboard-queue tr.queued-call');
    await eventually(async () => {
      expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-call-id')))).toEqual([
        first,
        second,
      ]);
    }, 30_000);
    await expectText(rows.first().locator('.caller'), '+14155550101');
    await expectText(rows.first().locator('.dialed'), e2e.stack.dialedNumber);
    await screenshotAppPage(ada.page, 'workspace-queue');
  });

  it('a handled call appears in Contact history and My stats', async () => {
    const ada = await e2e.open('ada');
    const handled = ada.page.locator('c-switchboard-stats .tile[data-key=handled] .value');
    await handled.waitFor({ timeout: 45_000 });
    const before = Number(await handled.textContent());
    await ada.setStatus('Available');
    const callId = await e2e.call('+14155550303');
    await ada.accept();
    await e2e.sim('POST', `/calls/${callId}/hangup`);
    await ada.byTestId('acw').waitFor();
    const row = ada.page.locator(`c-switchboard-history tr.history-call[data-call-id="${callId}"]`);
    await row.waitFor({ timeout: 30_000 });
    await expectText(row.locator('.number'), '+14155550303');
    await eventually(async () => expect(Number(await handled.textContent())).toBe(before + 1), 30_000);
    await ada.page.locator('c-switchboard-stats canvas.chart').waitFor();
    await screenshotAppPage(ada.page, 'workspace-history-stats');
  });

  it('a callback scheduled from Callbacks rings at its time', async () => {
    const ada = await e2e.open('ada');
    const callbacks = ada.page.locator('c-switchboard-callbacks');
    await callbacks.locator('article.slds-card').waitFor();
    await ada.setStatus('Available');
    const dueAt = Date.now() + 10_000;
    await callbacks.getByLabel('Phone number').fill('+14155550404');
    await callbacks.getByLabel('Call at').fill(await localDateTime(ada.page, dueAt));
    await callbacks.getByLabel('For').selectOption({ label: 'Me' });
    await callbacks.getByRole('button', { name: 'Schedule' }).click();
    await expectText(callbacks.locator('.status'), 'scheduled', 30_000);
    await expectText(callbacks.locator('tr.callback .number'), '+14155550404');
    await ada.byTestId('incoming').waitFor({ timeout: 40_000 });
    // It rings at its time, not before (the input keeps whole seconds).
    expect(Date.now()).toBeGreaterThanOrEqual(dueAt - 1000);
    await expectText(ada.byTestId('incoming-caller'), '+14155550404');
    await screenshotAppPage(ada.page, 'workspace-callback-rings');
  });

  it("the Wallboard shows an agent's state change", async () => {
    const sam = await e2e.open('sam');
    const ada = await e2e.open('ada');
    const adaRow = sam.page.locator('c-switchboard-wallboard tr.agent').filter({ hasText: 'Ada' });
    await adaRow.waitFor({ timeout: 30_000 });
    await ada.setStatus('Available');
    await expectText(adaRow.locator('.state'), /available/i, 15_000);
    await ada.setStatus('Away');
    await expectText(adaRow.locator('.state'), /away/i, 15_000);
    await screenshotAppPage(sam.page, 'workspace-wallboard');
  });

  it('the Wallboard listens in on a live call and barges in; Omni-Channel and the agent see it', async () => {
    const ada = await e2e.open('ada');
    const sam = await e2e.open('sam');
    await ada.setStatus('Available');
    await e2e.call('+14155550505');
    const callId = await ada.accept();
    const wallboard = sam.page.locator('c-switchboard-wallboard');
    const row = wallboard.locator(`tr.live-call[data-call-id="${callId}"]`);
    await row.waitFor({ timeout: 30_000 });
    await expectText(row.locator('.caller'), '+14155550505');
    await row.getByRole('button', { name: 'Listen in on the call with +14155550505' }).click();
    await expectText(wallboard.locator('.status'), 'Listening in.');
    await expectText(sam.byTestId('supervising'), 'Listening in');
    await row.getByRole('button', { name: 'Barge in on the call with +14155550505' }).click();
    await expectText(wallboard.locator('.status'), 'Barged in.');
    await expectText(sam.byTestId('supervising'), 'In the call');
    await expectText(ada.notices(), 'joined the call');
    await screenshotAppPage(sam.page, 'workspace-wallboard-barge-in');
  });
});
