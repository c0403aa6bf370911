/**
 * The integrated softphone's parts that need no real media, in jsdom (a browser without WebRTC):
 * UNSUPPORTED_BROWSER reaches Salesforce, the softphone's settings and Omni-Channel's device
 * selection, the MOS formula against the base library's, the stats sampling. Real audio: e2e/audio.
 */
import { describe, expect, it } from 'vitest';
import { defaultSettings, mergeSettings } from '../src/softphoneSettings.ts';
import { mos, sampleStats } from '../src/softphoneStats.ts';
import { connectorConfig, SALESFORCE_USER_ID, useConnector } from './context.ts';
import type { Host } from './host.ts';

const ctx = useConnector();
const CALLER_NUMBER = '+14155551234';
const ON = { '/reqSwitchboard/reqIntegratedSoftphone': 'true' };
const settingsKey = () =>
  `switchboard.softphone.${ctx.tenant.orgId}.${ctx.tenant.apiName}.${SALESFORCE_USER_ID}`;

async function ringing(host: Host): Promise<{ callId: string; call: Record<string, unknown> }> {
  await ctx.available(host);
  const callId = await ctx.sim.call(CALLER_NUMBER, ctx.tenant.number);
  const started = await host.waitFor('CALL_STARTED', (p) => p.callId === callId);
  return { callId, call: started.payload };
}

describe('a browser without WebRTC', () => {
  it('publishes UNSUPPORTED_BROWSER once, after CONNECTOR_READY; calls still ring and connect', async () => {
    const host = await ctx.agent(0, { config: connectorConfig(ctx.tenant, ON) });
    const error = await host.waitFor('ERROR', (p) => p.message === 'UNSUPPORTED_BROWSER');
    const ready = host.messages.findIndex((m) => m.type === 'CONNECTOR_READY');
    expect(error.index).toBeGreaterThan(ready);
    const { call } = await ringing(host);
    await host.request('ACCEPT_CALL', { call }, 'CALL_CONNECTED');
    expect(host.dispatched().filter((d) => d.type === 'ERROR')).toHaveLength(1);
    expect(host.document.querySelector('[data-testid=softphone-state]')?.textContent).toBe('off');
  });

  it('with the integrated softphone off (audio on another softphone): no error, no device settings', async () => {
    const host = await ctx.agent(0);
    const ready = await host.waitForMessage('CONNECTOR_READY');
    expect(ready.payload?.capabilities).toMatchObject({ HAS_SET_EXTERNAL_SPEAKER: false });
    await ringing(host);
    expect(host.types()).not.toContain('ERROR');
    expect(host.document.querySelector('[data-testid=softphone]')).toBeNull();
  });
});

describe('softphone settings', () => {
  it('Omni-Channel selects the speaker and microphone: kept by the browser, even during a call', async () => {
    const host = await ctx.agent(0, { config: connectorConfig(ctx.tenant, ON) });
    const ready = await host.waitForMessage('CONNECTOR_READY');
    expect(ready.payload?.capabilities).toMatchObject({
      HAS_GET_EXTERNAL_SPEAKER: true,
      HAS_SET_EXTERNAL_SPEAKER: true,
      HAS_GET_EXTERNAL_MICROPHONE: true,
      HAS_SET_EXTERNAL_MICROPHONE: true,
    });
    const { call } = await ringing(host);
    await host.request('ACCEPT_CALL', { call }, 'CALL_CONNECTED');
    // The service refuses phone changes during a call; a device change does not ask it.
    const config = {
      selectedPhone: { type: 'SOFT_PHONE' },
      speakerDeviceId: 'spk1',
      microphoneDeviceId: 'mic1',
    };
    const updated = await host.request('SET_AGENT_CONFIG', { config }, 'AGENT_CONFIG_UPDATED');
    expect(updated.payload).toMatchObject({ success: true });
    const saved = JSON.parse(host.window.localStorage.getItem(settingsKey()) ?? '{}') as Record<
      string,
      unknown
    >;
    expect(saved).toMatchObject({ speakerDeviceId: 'spk1', microphoneDeviceId: 'mic1' });
    // A phone change during the call still goes to the service, which refuses it.
    const error = await host.request(
      'SET_AGENT_CONFIG',
      { config: { ...config, selectedPhone: { type: 'DESK_PHONE', number: '+14155550100' } } },
      'ERROR',
    );
    expect(error.payload).toEqual({ message: 'CAN_NOT_UPDATE_PHONE_NUMBER' });
  });

  it('the panel: agent leg, volume, ring tone, voice processing; saved for the next page; defaults from the contact center', async () => {
    const config = connectorConfig(ctx.tenant, { ...ON, '/reqSwitchboard/reqAgentLeg': 'keepConnected' });
    const host = await ctx.agent(0, { config });
    const panel = host.document.querySelector('[data-testid=softphone]') as HTMLFormElement;
    await host.until(() => !panel.hidden, 'the softphone panel');
    const field = (name: string) => panel.elements.namedItem(name) as HTMLInputElement;
    expect(field('agentLeg').value).toBe('keepConnected');
    expect(field('voiceProcessing').checked).toBe(true);
    const set = (name: string, value: string | boolean) => {
      const input = field(name);
      if (typeof value === 'boolean') input.checked = value;
      else input.value = value;
      input.dispatchEvent(new host.window.Event('change', { bubbles: true }));
    };
    set('agentLeg', 'onDemand');
    set('volume', '0.5');
    set('ringTone', 'chirp');
    set('voiceProcessing', false);
    const stored = host.window.localStorage.getItem(settingsKey()) as string;
    expect(JSON.parse(stored)).toEqual({
      agentLeg: 'onDemand',
      volume: 0.5,
      ringTone: 'chirp',
      speakerDeviceId: '',
      microphoneDeviceId: '',
      voiceProcessing: false,
    });
    const next = await ctx.agent(0, { config, local: { [settingsKey()]: stored } });
    const nextPanel = next.document.querySelector('[data-testid=softphone]') as HTMLFormElement;
    await next.until(() => !nextPanel.hidden, 'the softphone panel');
    expect((nextPanel.elements.namedItem('agentLeg') as HTMLSelectElement).value).toBe('onDemand');
    expect((nextPanel.elements.namedItem('ringTone') as HTMLSelectElement).value).toBe('chirp');
  });

  it('stored values that make no sense keep the defaults', () => {
    const defaults = defaultSettings({ '/reqSwitchboard/reqVoiceProcessing': 'false' });
    expect(defaults).toMatchObject({ agentLeg: 'onDemand', voiceProcessing: false, volume: 1 });
    expect(
      mergeSettings(defaults, { agentLeg: 'always', volume: 7, ringTone: 'bells', speakerDeviceId: 3 }),
    ).toEqual(defaults);
    expect(mergeSettings(defaults, 'garbage')).toEqual(defaults);
  });
});

describe('audio quality', () => {
  it("our MOS formula (docs/connector.md) is the base library's: same stats, same MOS", async () => {
    const host = await ctx.agent(0);
    const { call } = await ringing(host);
    const connected = await host.request('ACCEPT_CALL', { call }, 'CALL_CONNECTED');
    const callId = connected.payload.callId as string;
    const input = { packetsCount: 250, packetsLost: 10, jitterBufferMillis: 30, roundTripTimeMillis: 180 };
    const output = { packetsCount: 250, packetsLost: 0, jitterBufferMillis: 4, roundTripTimeMillis: 2 };
    await ctx.sim.post(`/calls/${callId}/audio-stats`, {
      stats: [{ inputChannelStats: input, outputChannelStats: output }],
    });
    await host.waitFor('AUDIO_STATS');
    const done = await host.request('END_CALL', { call: connected.payload }, 'UPDATE_AUDIO_STATS_COMPLETED');
    expect(done.payload.mos).toBeCloseTo(Math.min(mos(input), mos(output)), 10);
    // Loopback quality is about 4.4; loss and delay lower it.
    expect(mos(output)).toBeGreaterThan(4.3);
    expect(mos(input)).toBeLessThan(mos(output));
  });

  it('samples getStats per interval: packets sent/received since the last sample, lost, jitter and RTT in ms', () => {
    const report = (sent: number, received: number, lost: number, remoteLost: number) => [
      { type: 'outbound-rtp', kind: 'audio', packetsSent: sent },
      {
        type: 'remote-inbound-rtp',
        kind: 'audio',
        packetsLost: remoteLost,
        jitter: 0.012,
        roundTripTime: 0.05,
      },
      { type: 'inbound-rtp', kind: 'audio', packetsReceived: received, packetsLost: lost, jitter: 0.003 },
      { type: 'inbound-rtp', kind: 'video', packetsReceived: 99999 },
    ];
    const first = sampleStats(report(250, 248, 2, 1), { sent: 0, lostRemote: 0, received: 0, lost: 0 });
    expect(first.input).toEqual({
      packetsCount: 250,
      packetsLost: 1,
      jitterBufferMillis: 12,
      roundTripTimeMillis: 50,
    });
    expect(first.output).toEqual({
      packetsCount: 250,
      packetsLost: 2,
      jitterBufferMillis: 3,
      roundTripTimeMillis: 50,
    });
    const second = sampleStats(report(500, 498, 2, 1), first.counters);
    expect(second.input).toMatchObject({ packetsCount: 250, packetsLost: 0 });
    expect(second.output).toMatchObject({ packetsCount: 250, packetsLost: 0 });
  });
});
