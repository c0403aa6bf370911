/**
 * The Voice Call Simulator page in headless Chromium against the real service: every action goes
 * through the page's controls and the documented simulator API; agents are real WebSocket clients.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../e2e/browser.ts';
import { useService } from './context.ts';
import { refusal } from './harness.ts';

describe('the simulator page', () => {
  const ctx = useService({ agents: 2 });
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function openPage(): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${ctx.run.baseUrl}/simulator/`);
    await page.getByTestId('connection').filter({ hasText: 'connected' }).waitFor();
    return page;
  }

  it('places an inbound call that rings an agent, who then shows in the active calls and the agents table', async () => {
    const ada = await ctx.agent(0);
    await ada.goAvailable();
    const page = await openPage();
    await page.getByTestId('inbound-to').selectOption(ctx.tenant.number);
    await page.getByTestId('inbound-from').fill('+14155559876');
    await page.getByTestId('new-inbound-call').click();
    const started = await ada.waitFor('CALL_STARTED');
    const callId = started.data.call!.callId;
    await expect.poll(() => page.getByTestId('selected-call').textContent()).toBe(callId);
    await page.getByTestId(`call-${callId}`).waitFor();
    await ada.request('acceptCall', { callId });
    await page.getByTestId('active-calls').getByText('connected').first().waitFor();
    await page.getByTestId('status-agent1').getByText('on_call').waitFor();
    // Agent actions from the page: hold the customer, then the customer leaves.
    await page.getByTestId('agent-hold').click();
    await ada.waitFor('HOLD_TOGGLE', (e) => e.data.onHold === true);
    await page.getByTestId('transcript-text').fill('Hello, I need help with my bill.');
    await page.getByTestId('add-transcript').click();
    await expect.poll(() => page.getByTestId('notice').textContent()).toContain('Add to transcript: done');
    await page.getByTestId(`customer-leaves-${callId}`).click();
    await ada.waitFor('HANGUP', (e) => e.data.call?.callId === callId);
    await page.getByTestId('no-active-calls').waitFor();
    const detail = await ctx.sim.get<{ transcript: Array<{ text: string; speaker: string }> }>(
      `/calls/${callId}`,
    );
    expect(detail.body.transcript).toEqual([
      expect.objectContaining({ text: 'Hello, I need help with my bill.', speaker: 'END_USER' }),
    ]);
  });

  it('applies the call initial state once the agent answers', async () => {
    const ada = await ctx.agent(0);
    await ada.goAvailable();
    const page = await openPage();
    await page.getByTestId('initial-muted').check();
    await page.getByTestId('initial-on-hold').check();
    await page.getByTestId('initial-recording-paused').check();
    await page.getByTestId('new-inbound-call').click();
    const callId = (await ada.waitFor('CALL_STARTED')).data.call!.callId;
    await ada.request('acceptCall', { callId });
    await ada.waitFor('MUTE_TOGGLE', (e) => e.data.muted === true);
    await ada.waitFor('HOLD_TOGGLE', (e) => e.data.onHold === true);
    await ada.waitFor('RECORDING_TOGGLE', (e) => e.data.paused === true);
  });

  it('saves the Omni call controls, which the agent then reads in its settings', async () => {
    const ada = await ctx.agent(0);
    const page = await openPage();
    await page.getByTestId('control-showSwapButton').uncheck();
    await page.getByTestId('setting-ring-timeout').fill('45');
    await page.getByTestId('save-settings').click();
    await expect.poll(() => page.getByTestId('notice').textContent()).toContain('Save settings: done');
    const result = await ada.request<{
      hiddenCallControls: Record<string, boolean>;
      ringTimeoutSeconds: number;
    }>('getSettings', {});
    expect(result.hiddenCallControls.showSwapButton).toBe(false);
    expect(result.hiddenCallControls.showMuteButton).toBe(true);
    expect(result.ringTimeoutSeconds).toBe(45);
  });

  it('refuses an invalid setting with a clear error and changes nothing', async () => {
    const page = await openPage();
    await page.getByTestId('setting-ring-timeout').fill('2');
    await page.getByTestId('save-settings').click();
    await expect.poll(() => page.getByTestId('notice').textContent()).toContain('INVALID_PARAMS');
    const { body } = await ctx.sim.get<{
      contactCenters: Array<{ id: string; settings: { ringTimeoutSeconds: number } }>;
    }>('/contact-centers');
    expect(body.contactCenters.find((c) => c.id === ctx.tenant.ccId)?.settings.ringTimeoutSeconds).toBe(30);
  });

  it('logs an agent out (the connector would show its login screen) and injects an error', async () => {
    const ada = await ctx.agent(0);
    await ada.goAvailable();
    const page = await openPage();
    await page.getByTestId('agent-select').selectOption({ label: 'Agent 1 (agent1)' });
    await page.getByTestId('error-code').selectOption('CAN_NOT_MUTE_CALL');
    await page.getByTestId('error-method').fill('getAgentStatus');
    await page.getByTestId('fail-next').click();
    await expect.poll(() => page.getByTestId('notice').textContent()).toContain('Display an error: done');
    const refused = await refusal(ada.request('getAgentStatus', {}));
    expect(refused.code).toBe('CAN_NOT_MUTE_CALL');
    await page.getByTestId('logout-agent1').click();
    const ended = await ada.closed();
    expect(ended.code).toBe(4401);
    await page.getByTestId('status-agent1').getByText('offline').waitFor();
  });

  it('switches an agent to a hard phone and places an outbound call from it', async () => {
    const page = await openPage();
    await page.getByTestId('agent-select').selectOption({ label: 'Agent 2 (agent2)' });
    await page.getByTestId('phone-hard').check();
    await page.getByTestId('desk-number').fill('+14155556002');
    await page.getByTestId('save-phone').click();
    await expect.poll(() => page.getByTestId('notice').textContent()).toContain('Agent phone: done');
    const grace = await ctx.agent(1);
    await page.getByTestId('outbound-agent').selectOption({ label: 'Agent 2 (+14155556002)' });
    await page.getByTestId('outbound-to').fill('+14155557777');
    await page.getByTestId('outbound-call').click();
    const started = await grace.waitFor('CALL_STARTED');
    const callId = started.data.call!.callId;
    await page.getByTestId(`customer-joins-${callId}`).click();
    await grace.waitFor('CALL_CONNECTED', (e) => e.data.call?.callId === callId);
  });

  it('shows the queue with the waiting calls, longest wait first', async () => {
    const ada = await ctx.agent(0);
    await ada.goAvailable();
    await ctx.sim.call('+14155550001', ctx.tenant.number); // rings ada (still counted as waiting)
    await ctx.sim.call('+14155550002', ctx.tenant.number);
    ctx.clock.advance(5000);
    await ctx.sim.call('+14155550003', ctx.tenant.number);
    const page = await openPage();
    await expect.poll(() => page.getByTestId('queue-waiting-Support').textContent()).toBe('3');
    const text = (await page.getByTestId('queues').textContent()) ?? '';
    expect(text.indexOf('+14155550002')).toBeLessThan(text.indexOf('+14155550003'));
  });
});
