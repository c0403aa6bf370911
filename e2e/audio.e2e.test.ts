/**
 * Real audio end to end: the agent's softphone in the console's connector frame and the caller's phone
 * on the Voice Call Simulator page, each in headless Chromium with a fake microphone playing a tone
 * (agent 1000 Hz, caller 440 Hz), through the service's media plane. What each side hears is measured
 * with the Goertzel algorithm (e2e/audio.ts). No timing is asserted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RtpPhone } from '../telephony/test/rtpPhone.ts';
import { hears, hearsNo, listen, toneWav, type Heard } from './audio.ts';
import { audioFlags, launchChromium } from './browser.ts';
import { ConsoleAgent, expectText } from './consoleAgent.ts';
import { eventually, useStack } from './stackContext.ts';

const AGENT_HZ = 1000;
const CALLER_HZ = 440;
const SUPERVISOR_HZ = 1500;
const FREQS = [AGENT_HZ, CALLER_HZ, SUPERVISOR_HZ];
const SOFTPHONE_AUDIO = 'audio[data-testid=softphone-audio]';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-audio-'));

describe('real audio between the softphone and the simulator’s caller', () => {
  const e2e = useStack({ chromiumArgs: () => audioFlags(toneWav(dir, AGENT_HZ)) });
  let callerBrowser: Browser;
  let supervisorBrowser: Browser;
  beforeAll(async () => {
    callerBrowser = await launchChromium({ args: audioFlags(toneWav(dir, CALLER_HZ)) });
    supervisorBrowser = await launchChromium({
      hostMap: { [e2e.stack.workspace.hostName]: `127.0.0.1:${e2e.stack.workspace.port}` },
      args: audioFlags(toneWav(dir, SUPERVISOR_HZ)),
    });
  });
  afterAll(async () => {
    await callerBrowser?.close();
    await supervisorBrowser?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const openSimulator = async (): Promise<Page> => {
    const page = await (await callerBrowser.newContext()).newPage();
    await page.goto(e2e.stack.simulatorUrl);
    await page.getByTestId('connection').filter({ hasText: 'connected' }).waitFor();
    return page;
  };
  const callerOf = async (callId: string) => {
    const { participants } = await e2e.sim<{ participants: Array<{ id: string; role: string }> }>(
      'GET',
      `/calls/${callId}`,
    );
    return participants.find((p) => p.role === 'initial_caller')!.id;
  };
  /**
   * A call from the simulator page with its (fake) microphone, or its test tone at CALLER_HZ, accepted
   * by the agent; both sides connected.
   */
  const talking = async (agent: ConsoleAgent, source: 'microphone' | 'tone' = 'microphone') => {
    const simulator = await openSimulator();
    await simulator.getByTestId('caller-audio-source').selectOption(source);
    await simulator.getByTestId('caller-audio-tone').fill(String(CALLER_HZ));
    await simulator.getByTestId('caller-audio-tone').dispatchEvent('change');
    await simulator.getByTestId('new-inbound-call').click();
    const callId = await agent.accept();
    const caller = await callerOf(callId);
    await simulator
      .getByTestId(`browser-audio-state-${caller}`)
      .filter({ hasText: 'audio connected' })
      .waitFor();
    await agent.softphoneState('connected');
    const callerAudio = `audio[data-testid=phone-audio-${caller}]`;
    return {
      callId,
      simulator,
      agentHears: () => listen(agent.connector(), SOFTPHONE_AUDIO, FREQS),
      callerHears: () => listen(simulator, callerAudio, FREQS),
    };
  };

  it('caller → agent and agent → caller; hold (the held caller hears no agent); mute; UPDATE_AUDIO_STATS reaches the console', async () => {
    const ada = await e2e.open('ada');
    await ada.softphoneForTones();
    await ada.setStatus('Available');
    const call = await talking(ada);
    await eventually(async () => expect(hears(await call.agentHears(), CALLER_HZ)).toBe(true));
    await eventually(async () => expect(hears(await call.callerHears(), AGENT_HZ)).toBe(true));

    // The softphone's panel: its level meter moves with the agent's microphone.
    await eventually(async () =>
      expect(Number(await ada.frame.getByTestId('softphone-level').getAttribute('value'))).toBeGreaterThan(0),
    );
    expect(
      await ada.frame.getByTestId('softphone-level').evaluate((m: HTMLMeterElement) => m.value),
    ).toBeGreaterThan(0.05);

    await ada.byTestId('hold').click();
    await expectText(ada.activeCall(call.callId).getByTestId('call-state'), 'on hold');
    await expectText(ada.frame.getByTestId('softphone-call'), 'caller held');
    await eventually(async () => expect(hearsNo(await call.callerHears(), AGENT_HZ)).toBe(true));
    await eventually(async () => expect(hearsNo(await call.agentHears(), CALLER_HZ)).toBe(true));
    await ada.byTestId('hold').click();
    await eventually(async () => expect(hears(await call.callerHears(), AGENT_HZ)).toBe(true));

    await ada.byTestId('mute').click();
    await expectText(ada.activeCall(call.callId).getByTestId('call-state'), 'muted');
    await expectText(ada.frame.getByTestId('softphone-call'), 'muted');
    await eventually(async () => expect(hearsNo(await call.callerHears(), AGENT_HZ)).toBe(true));
    expect(hears(await call.agentHears(), CALLER_HZ)).toBe(true);
    await ada.byTestId('mute').click();
    await eventually(async () => expect(hears(await call.callerHears(), AGENT_HZ)).toBe(true));

    // The softphone's getStats() every 5 s: packets of the interval, loss, jitter and round trip.
    const stats = ada.activeCall(call.callId).getByTestId('call-audio-stats');
    await stats.waitFor();
    const text = (await stats.textContent()) ?? '';
    const [sent, sentLost, , rtt] = (
      /sent (\d+) packets, (\d+) lost, jitter (\d+) ms, RTT (\d+) ms/.exec(text) ?? []
    )
      .slice(1)
      .map(Number);
    const [received, receivedLost, jitter] = (
      /received (\d+) packets, (\d+) lost, jitter (\d+) ms/.exec(text) ?? []
    )
      .slice(1)
      .map(Number);
    expect(sent).toBeGreaterThan(50); // 50 packets a second, 5 s apart
    expect(received).toBeGreaterThan(50);
    expect(sentLost! + receivedLost!).toBeLessThan(sent! / 10);
    expect(jitter).toBeLessThan(500);
    expect(rtt).toBeLessThan(1000);
    await ada.screenshot('audio-call');
    await call.simulator.getByTestId(`customer-leaves-${call.callId}`).click();
    await ada.byTestId('acw').waitFor();
    await ada.softphoneState('off');
    // The call's end completes the stats: the base library's MOS, on the VoiceCall record as in Salesforce.
    const mos = ada.byTestId(`mos-${call.callId}`);
    await mos.waitFor();
    const score = Number(/Mean Opinion Score: ([\d.]+)/.exec((await mos.textContent()) ?? '')?.[1]);
    expect(score).toBeGreaterThan(1);
    expect(score).toBeLessThanOrEqual(5);
  });

  it('the ring tone (440 + 480 Hz) plays while the call rings and stops when it is answered', async () => {
    const ada = await e2e.open('ada');
    await ada.softphoneForTones();
    await ada.setStatus('Available');
    await e2e.call();
    await ada.incoming();
    const ring = 'audio[data-testid=softphone-ring]';
    // 2 s on, 4 s off: some listens fall in the pause.
    await eventually(async () => {
      const heard = await listen(ada.connector(), ring, [440, 480]);
      expect(heard.rms).toBeGreaterThan(0.005);
      expect(heard.share[440]! + heard.share[480]!).toBeGreaterThan(0.8);
    });
    await ada.accept();
    await eventually(async () =>
      expect(
        await ada
          .connector()
          .locator(ring)
          .evaluate((a: HTMLAudioElement) => a.srcObject),
      ).toBeNull(),
    );
  });

  it('Omni-Channel lists the browser’s audio devices and selects a microphone: the softphone keeps it, the call has audio', async () => {
    const ada = await e2e.open('ada');
    await ada.softphoneForTones();
    await ada.byTestId('get-audio-devices').click();
    const microphones = ada.byTestId('microphone-device').locator('option');
    await eventually(async () => expect(await microphones.count()).toBeGreaterThan(1));
    const chosen = (await microphones.nth(1).getAttribute('value')) as string;
    expect(chosen).not.toBe('');
    await ada.byTestId('microphone-device').selectOption(chosen);
    await ada.byTestId('save-phone-settings').click();
    await expectText(ada.notices(), 'Phone settings saved.');
    const stored = await ada.connector().evaluate(() =>
      Object.keys(localStorage)
        .filter((k) => k.startsWith('switchboard.softphone.'))
        .map((k) => JSON.parse(localStorage.getItem(k) as string) as { microphoneDeviceId: string }),
    );
    expect(stored.map((s) => s.microphoneDeviceId)).toEqual([chosen]);
    await ada.setStatus('Available');
    const call = await talking(ada);
    await eventually(async () => expect(hears(await call.callerHears(), AGENT_HZ)).toBe(true));
  });

  it('auto-accept connects the audio too (connect when a call arrives)', async () => {
    await e2e.sim('PUT', `/agents/${e2e.user('ada')}/config`, { phoneType: 'SOFT_PHONE', autoAccept: true });
    const ada = await e2e.open('ada');
    await ada.softphoneForTones();
    await ada.softphoneState('off');
    await ada.setStatus('Available');
    const simulator = await openSimulator();
    await simulator.getByTestId('caller-audio-source').selectOption('microphone');
    await simulator.getByTestId('new-inbound-call').click();
    await ada.activeCall().getByTestId('call-state').getByText('connected').waitFor();
    await ada.softphoneState('connected');
    await eventually(async () =>
      expect(hears(await listen(ada.connector(), SOFTPHONE_AUDIO, FREQS), CALLER_HZ)).toBe(true),
    );
  });

  it('keep connected between calls: the leg is up before the call and stays up after it', async () => {
    const ada = await e2e.open('ada');
    await ada.softphoneForTones();
    await ada.frame.getByTestId('softphone-agent-leg').selectOption('keepConnected');
    await ada.softphoneState('connected');
    await ada.setStatus('Available');
    const call = await talking(ada);
    await eventually(async () => expect(hears(await call.callerHears(), AGENT_HZ)).toBe(true));
    // The headset volume is the call audio's volume.
    await ada.frame.getByTestId('softphone-volume').fill('0.3');
    expect(
      await ada
        .connector()
        .locator(SOFTPHONE_AUDIO)
        .evaluate((a: HTMLAudioElement) => a.volume),
    ).toBe(0.3);
    await call.simulator.getByTestId(`customer-leaves-${call.callId}`).click();
    await ada.byTestId('acw').waitFor();
    await ada.softphoneState('connected');
    // Between calls the leg hears silence (nobody is mixed in).
    await eventually(async () =>
      expect((await listen(ada.connector(), SOFTPHONE_AUDIO, FREQS)).rms).toBeLessThan(0.002),
    );
  });

  it('supervisor listen-in hears both and neither hears the supervisor; after barge-in both do', async () => {
    const ada = await e2e.open('ada');
    await ada.softphoneForTones();
    await ada.setStatus('Available');
    // The tone, not the microphone: the browser's noise suppression on the caller's microphone damps a
    // steady tone, which would then be too faint beside the agent's in the supervisor's mix.
    const call = await talking(ada, 'tone');
    const sam = await ConsoleAgent.open(supervisorBrowser, e2e.stack, 'sam');
    try {
      await sam.softphoneForTones();
      await sam.byTestId(`listen-${call.callId}`).click();
      await sam.byTestId('supervising').waitFor();
      await sam.softphoneState('connected');
      // Two tones mixed: each carries a good part of the energy (a tone that is not mixed in: < 1 %).
      const mixed = (heard: Heard, hz: number) => heard.rms > 0.005 && (heard.share[hz] ?? 0) > 0.1;
      await eventually(async () => {
        const heard = await listen(sam.connector(), SOFTPHONE_AUDIO, FREQS);
        expect(mixed(heard, AGENT_HZ) && mixed(heard, CALLER_HZ)).toBe(true);
      });
      expect(hearsNo(await call.callerHears(), SUPERVISOR_HZ)).toBe(true);
      expect(hearsNo(await call.agentHears(), SUPERVISOR_HZ)).toBe(true);
      await sam.byTestId('barge-in').click();
      await expectText(sam.byTestId('supervising'), 'In the call');
      await eventually(async () => expect(mixed(await call.callerHears(), SUPERVISOR_HZ)).toBe(true));
      await eventually(async () => expect(mixed(await call.agentHears(), SUPERVISOR_HZ)).toBe(true));
    } finally {
      await sam.close();
    }
  });

  it('connect by hand (seed 000’s phone icon): the leg stays up until Disconnect', async () => {
    const ada = await e2e.open('ada');
    await ada.softphoneForTones();
    await ada.softphoneState('off');
    await ada.frame.getByTestId('softphone-connect').click();
    await ada.softphoneState('connected');
    await expectText(ada.frame.getByTestId('softphone-connect'), 'Disconnect');
    await ada.frame.getByTestId('softphone-connect').click();
    await ada.softphoneState('off');
  });

  it('a page refresh mid-call reconnects the audio', async () => {
    const ada = await e2e.open('ada');
    await ada.softphoneForTones();
    await ada.setStatus('Available');
    const call = await talking(ada);
    await eventually(async () => expect(hears(await call.callerHears(), AGENT_HZ)).toBe(true));
    await ada.page.reload();
    await ada.ready();
    await ada.activeCall(call.callId).waitFor();
    await ada.byTestId('show-connector-frame').check();
    await ada.softphoneState('connected');
    await eventually(async () => expect(hears(await call.agentHears(), CALLER_HZ)).toBe(true));
    await eventually(async () => expect(hears(await call.callerHears(), AGENT_HZ)).toBe(true));
  });

  it('DTMF from the console keypad reaches the caller as RFC 4733 digits; a plain RTP caller hears the agent', async () => {
    const ada = await e2e.open('ada');
    await ada.softphoneForTones();
    await ada.setStatus('Available');
    const callId = await e2e.call();
    const phone = await RtpPhone.open(CALLER_HZ);
    try {
      const answer = await e2e.sim<{ rtp: { address: string; port: number } }>(
        'POST',
        `/calls/${callId}/participants/${await callerOf(callId)}/media`,
        { rtp: phone.address },
      );
      phone.start(answer.rtp);
      await ada.accept();
      await ada.softphoneState('connected');
      await eventually(() => expect(phone.hears(AGENT_HZ)).toBe(true));
      await ada.byTestId('keypad-digits').fill('159#');
      await ada.byTestId('send-digits').click();
      await eventually(() => expect(phone.digits.join('')).toBe('159#'));
    } finally {
      await phone.close();
    }
  });

  it('the third party of a consult talks from the simulator page with a test tone', async () => {
    const ada = await e2e.open('ada');
    await ada.softphoneForTones();
    await ada.setStatus('Available');
    const call = await talking(ada);
    await ada.searchContacts('Field', 'PhoneBook');
    await ada.byTestId('consult-Field-service').click();
    await ada.page.locator('[data-testid^=leg-]').first().waitFor();
    const { participants } = await e2e.sim<{ participants: Array<{ id: string; role: string }> }>(
      'GET',
      `/calls/${call.callId}`,
    );
    const third = participants.find((p) => p.role === 'third_party')!.id;
    await call.simulator.getByTestId(`third-party-joins-${third}`).click();
    await call.simulator.getByTestId('caller-audio-source').selectOption('tone');
    await call.simulator.getByTestId('caller-audio-tone').fill('660');
    await call.simulator.getByTestId('caller-audio-tone').dispatchEvent('change');
    await call.simulator.getByTestId(`browser-audio-${third}`).click();
    await call.simulator
      .getByTestId(`browser-audio-state-${third}`)
      .filter({ hasText: 'audio connected' })
      .waitFor();
    // During the consult the customer is held: the agent hears the third party, not the customer.
    await eventually(async () => {
      const heard = await listen(ada.connector(), SOFTPHONE_AUDIO, [660, CALLER_HZ]);
      expect(hears(heard, 660)).toBe(true);
      expect(hearsNo(heard, CALLER_HZ)).toBe(true);
    });
    const thirdHears = () => listen(call.simulator, `audio[data-testid=phone-audio-${third}]`, FREQS);
    await eventually(async () => expect(hears(await thirdHears(), AGENT_HZ)).toBe(true));
  });
});

describe('a service without its media plane', () => {
  const e2e = useStack({ media: false });

  it('the softphone reports WEBRTC_ERROR (503 MEDIA_UNAVAILABLE) and the call goes on without audio', async () => {
    const ada = await e2e.open('ada');
    await ada.setStatus('Available');
    await e2e.call();
    await ada.accept();
    await expectText(ada.notices(), 'WEBRTC_ERROR');
    await ada.byTestId('show-connector-frame').check();
    await ada.softphoneState('failed');
    await ada.byTestId('hold').click();
    await expectText(ada.activeCall().getByTestId('call-state'), 'on hold');
  });

  it('no audio file chosen, or 503 MEDIA_UNAVAILABLE: a clear notice, and the participant has no audio', async () => {
    const callId = await e2e.call();
    const { participants } = await e2e.sim<{ participants: Array<{ id: string; role: string }> }>(
      'GET',
      `/calls/${callId}`,
    );
    const caller = participants.find((p) => p.role === 'initial_caller')!.id;
    const page = await (await e2e.browser.newContext()).newPage();
    await page.goto(e2e.stack.simulatorUrl);
    await page.getByTestId(`browser-audio-${caller}`).waitFor();
    await page.getByTestId('caller-audio-source').selectOption('file');
    await page.getByTestId(`browser-audio-${caller}`).click();
    await expectText(page.getByTestId('notice'), 'choose an audio file first');
    await page.getByTestId('caller-audio-source').selectOption('tone');
    await page.getByTestId(`browser-audio-${caller}`).click();
    await expectText(page.getByTestId('notice'), 'MEDIA_UNAVAILABLE');
    expect(await page.getByTestId(`browser-audio-state-${caller}`).count()).toBe(0);
    expect(await page.locator('audio').count()).toBe(0);
  });
});

describe('a microphone the browser does not share', () => {
  // A microphone exists (fake), but the browser denies every permission prompt: like a BLOCK setting.
  const e2e = useStack({
    chromiumArgs: () => ['--deny-permission-prompts', '--use-fake-device-for-media-stream'],
  });

  it('MICROPHONE_NOT_SHARED reaches Omni-Channel when a call arrives; the call still rings', async () => {
    const ada = await e2e.open('ada');
    await ada.setStatus('Available');
    await e2e.call();
    await ada.incoming();
    await expectText(ada.notices(), 'MICROPHONE_NOT_SHARED');
    await ada.byTestId('show-connector-frame').check();
    await ada.softphoneState('failed');
    await ada.screenshot('microphone-not-shared');
  });
});
