/**
 * The softphone's faults in a real Chromium: a browser without WebRTC; a microphone whose capture
 * track ends mid-call (its permission changed in the site settings, over CDP `Browser.setPermission`:
 * Chromium then ends the track, a real `ended` event), taken again on the same connection or, when
 * the browser refuses it, MICROPHONE_NOT_SHARED in the console; the service's media worker restarting
 * mid-call (the transport drops), after which the softphone re-offers and the audio returns. The
 * caller is a plain RTP phone; what it hears is measured by tone detection.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Request } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { EmbeddedMediaEngine } from '../telephony/src/media/embeddedEngine.ts';
import { RtpPhone } from '../telephony/test/rtpPhone.ts';
import { hears, listen, toneWav } from './audio.ts';
import { audioFlags } from './browser.ts';
import { ConsoleAgent, expectText } from './consoleAgent.ts';
import { eventually, useStack, type E2e } from './stackContext.ts';

const AGENT_HZ = 1000;
const CALLER_HZ = 440;
const SOFTPHONE_AUDIO = 'audio[data-testid=softphone-audio]';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-softphone-faults-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/**
 * Sets the microphone permission of the agent's console and connector frame, as the agent would in
 * the browser's site settings.
 */
async function setMicrophone(browser: Browser, agent: ConsoleAgent, setting: 'denied' | 'prompt') {
  const page = await agent.context.newCDPSession(agent.page);
  const { targetInfo } = await page.send('Target.getTargetInfo');
  await page.detach();
  const cdp = await browser.newBrowserCDPSession();
  for (const url of [agent.page.url(), agent.connector().url()])
    await cdp.send('Browser.setPermission', {
      permission: { name: 'microphone' },
      setting,
      origin: new URL(url).origin,
      browserContextId: targetInfo.browserContextId,
    });
  await cdp.detach();
}

/** A call from a plain RTP phone sending CALLER_HZ, accepted by `agent`, the softphone connected. */
async function rtpCall(e2e: E2e, agent: ConsoleAgent, phones: RtpPhone[]) {
  await agent.setStatus('Available');
  const callId = await e2e.call();
  const callerId = await callerOf(e2e, callId);
  const caller = await attach(e2e, callId, callerId);
  phones.push(caller);
  await agent.accept();
  await agent.softphoneState('connected');
  return { callId, callerId, caller };
}

async function callerOf(e2e: E2e, callId: string): Promise<string> {
  const { participants } = await e2e.sim<{ participants: Array<{ id: string; role: string }> }>(
    'GET',
    `/calls/${callId}`,
  );
  return participants.find((p) => p.role === 'initial_caller')!.id;
}

async function attach(e2e: E2e, callId: string, callerId: string): Promise<RtpPhone> {
  const phone = await RtpPhone.open(CALLER_HZ);
  const answer = await e2e.sim<{ rtp: { address: string; port: number } }>(
    'POST',
    `/calls/${callId}/participants/${callerId}/media`,
    { rtp: phone.address },
  );
  phone.start(answer.rtp);
  return phone;
}

/** Counts the softphone's offers (`POST /media/v1/station`) from the agent's browser. */
function countOffers(agent: ConsoleAgent): () => number {
  let n = 0;
  agent.context.on('request', (r: Request) => {
    if (r.method() === 'POST' && r.url().endsWith('/media/v1/station')) n++;
  });
  return () => n;
}

describe('the softphone recovers its microphone and its connection', () => {
  const e2e = useStack({ chromiumArgs: () => audioFlags(toneWav(dir, AGENT_HZ)) });
  const phones: RtpPhone[] = [];
  afterAll(async () => {
    for (const p of phones) await p.close();
  });

  it('a microphone track that ends mid-call is taken again and replaces the sent track (no new offer)', async () => {
    const ada = await e2e.open('ada');
    const offers = countOffers(ada);
    await ada.softphoneForTones();
    const { callId, caller } = await rtpCall(e2e, ada, phones);
    await eventually(() => expect(caller.hears(AGENT_HZ)).toBe(true));
    // Back to "ask": Chromium ends the capture track; asked again, the (fake) prompt accepts.
    await setMicrophone(e2e.browser, ada, 'prompt');
    await new Promise((r) => setTimeout(r, 1000));
    await eventually(() => expect(caller.hears(AGENT_HZ)).toBe(true));
    expect(offers()).toBe(1);
    await ada.softphoneState('connected');
    expect(await ada.activeCall(callId).getByTestId('call-state').textContent()).toContain('connected');
  });

  it('the media worker restarts mid-call (the transport drops): the softphone re-offers and the audio returns', async () => {
    const ada = await e2e.open('ada');
    const offers = countOffers(ada);
    await ada.softphoneForTones();
    const { callId, callerId, caller } = await rtpCall(e2e, ada, phones);
    await eventually(() => expect(caller.hears(AGENT_HZ)).toBe(true));
    const engine = e2e.stack.service.media!.engine as EmbeddedMediaEngine;
    const restarts = engine.restarts;
    await engine.thread.terminate();
    await eventually(() => expect(engine.restarts).toBe(restarts + 1));
    // The phone network attaches its party again (as mediaFaults.test.ts); the softphone finds out alone.
    await caller.close();
    const again = await attach(e2e, callId, callerId);
    phones.push(again);
    await eventually(() => expect(offers()).toBe(2), 30_000);
    await eventually(() => expect(again.hears(AGENT_HZ)).toBe(true));
    await eventually(async () =>
      expect(hears(await listen(ada.connector(), SOFTPHONE_AUDIO, [AGENT_HZ, CALLER_HZ]), CALLER_HZ)).toBe(
        true,
      ),
    );
    await ada.softphoneState('connected');
  });

  it('UNSUPPORTED_BROWSER reaches Omni-Channel once the agent is logged in; calls still ring and connect', async () => {
    // Before any script of any frame runs (the connector's included): no RTCPeerConnection, no getUserMedia.
    const context = await e2e.browser.newContext();
    await context.addInitScript(() => {
      const w = window as unknown as Record<string, unknown>;
      delete w.RTCPeerConnection;
      delete w.webkitRTCPeerConnection;
      delete (MediaDevices.prototype as Partial<MediaDevices>).getUserMedia;
    });
    const ada = await ConsoleAgent.open(e2e.browser, e2e.stack, 'ada', context);
    try {
      expect(
        await ada
          .connector()
          .evaluate(() => typeof RTCPeerConnection + typeof navigator.mediaDevices.getUserMedia),
      ).toBe('undefinedundefined');
      await expectText(ada.notices(), 'UNSUPPORTED_BROWSER');
      await ada.setStatus('Available');
      await e2e.call();
      await ada.accept();
      await ada.byTestId('show-connector-frame').check();
      await ada.softphoneState('off');
    } finally {
      await context.close();
    }
  });
});

describe('a microphone the browser stops sharing mid-call', () => {
  // Prompts are refused (no fake accepting UI): the microphone works only while it is granted.
  const e2e = useStack({
    chromiumArgs: () => ['--deny-permission-prompts', '--use-fake-device-for-media-stream'],
  });
  const phones: RtpPhone[] = [];
  afterAll(async () => {
    for (const p of phones) await p.close();
  });

  it('MICROPHONE_NOT_SHARED reaches Omni-Channel, the call goes on, the media plane holds no station', async () => {
    const ada = await e2e.open('ada');
    await ada.context.grantPermissions(['microphone']); // every origin: the microphone works
    await ada.byTestId('show-connector-frame').check();
    const { callId } = await rtpCall(e2e, ada, phones);
    const media = e2e.stack.service.media!;
    expect((await media.counts()).stations).toBe(1);
    const hangUps: number[] = [];
    ada.context.on('response', (r) => {
      if (r.request().method() === 'DELETE' && r.url().includes('/media/v1/station/'))
        hangUps.push(r.status());
    });
    await setMicrophone(e2e.browser, ada, 'denied');
    await expectText(ada.notices(), 'MICROPHONE_NOT_SHARED');
    await ada.softphoneState('failed');
    // The softphone hung its station up itself (204), not left it for the service's silent-peer rule.
    await eventually(() => expect(hangUps).toEqual([204]));
    expect((await media.counts()).stations).toBe(0);
    expect((await media.engine.counts()).legs).toBe(1); // the caller's
    await ada.byTestId('hold').click();
    await expectText(ada.activeCall(callId).getByTestId('call-state'), 'on hold');
  });
});
