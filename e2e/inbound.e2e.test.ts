/**
 * The developer guide's inbound call scenarios (ch. 9, 12) and its agent status table, with agents
 * in separate browser contexts on the emulated service console.
 */
import { describe, expect, it } from 'vitest';
import { expectText } from './consoleAgent.ts';
import { eventually, useStack } from './stackContext.ts';

describe('inbound calls in the service console', () => {
  const e2e = useStack();

  it('logs in and goes available: the service sees the agent available', async () => {
    const ada = await e2e.open('ada');
    expect(await ada.status()).toBe('Offline');
    await ada.setStatus('Available');
    await eventually(async () => {
      const { contactCenters } = await e2e.sim<{
        contactCenters: Array<{ agents: Array<{ username: string; status: { state: string } }> }>;
      }>('GET', '/contact-centers');
      expect(contactCenters[0]!.agents.find((a) => a.username === 'ada')?.status.state).toBe('available');
    });
    await ada.screenshot('login-available');
  });

  it('rings with the caller and the dialed number, is accepted, and the VoiceCall record follows the call', async () => {
    const ada = await e2e.open('ada');
    await ada.setStatus('Available');
    const callId = await e2e.call('+14155551234');
    await ada.incoming();
    await expectText(ada.byTestId('incoming-caller'), '+14155551234');
    await expectText(ada.byTestId('incoming-dialed'), e2e.stack.dialedNumber);
    await expectText(ada.byTestId('ring-deadline'), 'Answer within');
    await ada.screenshot('ringing-call');
    await ada.accept();
    await e2e.sim('POST', `/calls/${callId}/transcript`, {
      speaker: 'END_USER',
      text: 'My order has not arrived.',
    });
    await ada.byTestId(`transcript-${callId}`).getByText('My order has not arrived.').waitFor();
    await ada.screenshot('call-connected');
    await e2e.sim('POST', `/calls/${callId}/hangup`);
    await ada.byTestId('acw').waitFor();
    await eventually(() => {
      const record = e2e.voiceCall(callId);
      expect(record?.callDisposition).toBe('completed');
      expect(record?.fields).toMatchObject({
        from: '+14155551234',
        to: e2e.stack.dialedNumber,
        initiationMethod: 'Inbound',
      });
      expect(record?.transcripts.map((t) => t.content)).toEqual(['My order has not arrived.']);
    });
  });

  it('declined: the offer goes to the next agent, the first stays available', async () => {
    const ada = await e2e.open('ada');
    const grace = await e2e.open('grace');
    await ada.setStatus('Available');
    await grace.setStatus('Available');
    const callId = await e2e.call();
    const [first, second] = await Promise.race([
      ada.incoming().then(() => [ada, grace] as const),
      grace.incoming().then(() => [grace, ada] as const),
    ]);
    await first.byTestId('decline-call').click();
    await first.byTestId('incoming').waitFor({ state: 'detached' });
    expect(await second.incoming()).toBe(callId);
    await second.screenshot('declined-offered-to-next');
    await second.accept();
    expect(await first.status()).toBe('Available');
  });

  it('missed: the ring timeout withdraws the offer (MissedCallAgent), the agent goes busy, the call is offered again', async () => {
    await e2e.sim('PATCH', `/contact-centers/${e2e.stack.contactCenterId}/settings`, {
      ringTimeoutSeconds: 5,
    });
    const ada = await e2e.open('ada');
    await ada.setStatus('Available');
    const callId = await e2e.call();
    await ada.incoming();
    await ada.byTestId('incoming').waitFor({ state: 'detached', timeout: 20_000 });
    await expectText(ada.notices(), 'MissedCallAgent');
    await eventually(async () => expect(await ada.status()).not.toBe('Available'));
    await ada.screenshot('missed-call');
    const grace = await e2e.open('grace');
    await grace.setStatus('Available');
    expect(await grace.incoming()).toBe(callId);
    await grace.accept();
  });
});
