/**
 * During-call and post-call actions of the developer guide (ch. 10, 11, 14) and its agent status
 * table: hold, mute and record from the soft phone and from a desk phone; after-call work, wrap-up,
 * available again; a page refresh mid-call; a status change made on the service side; errors with a
 * custom label; the connector's log download.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectText } from './consoleAgent.ts';
import { eventually, useStack } from './stackContext.ts';

interface SimCall {
  recording: { paused: boolean };
  participants: Array<{ id: string; role: string; userId: string | null; state: string; muted: boolean }>;
}

describe('call controls, after-call work and presence in the service console', () => {
  const e2e = useStack();
  const callOf = (callId: string) => e2e.sim<SimCall>('GET', `/calls/${callId}`);
  const customer = async (callId: string) =>
    (await callOf(callId)).participants.find((p) => p.role === 'initial_caller')!;
  const agentLeg = async (callId: string) =>
    (await callOf(callId)).participants.find((p) => p.role === 'agent')!;

  it('hold, mute and record from the soft phone', async () => {
    const ada = await e2e.open('ada');
    await ada.setStatus('Available');
    await e2e.call();
    const callId = await ada.accept();
    const state = ada.activeCall(callId).getByTestId('call-state');
    await ada.byTestId('hold').click();
    await expectText(state, 'on hold');
    await eventually(async () => expect((await customer(callId)).state).toBe('held'));
    await ada.byTestId('mute').click();
    await expectText(state, 'muted');
    await eventually(async () => expect((await agentLeg(callId)).muted).toBe(true));
    await ada.byTestId('record').click();
    await expectText(state, 'recording paused');
    await eventually(async () => expect((await callOf(callId)).recording.paused).toBe(true));
    await ada.screenshot('softphone-hold-mute-record');
    await ada.byTestId('hold').click();
    await ada.byTestId('mute').click();
    await ada.byTestId('record').click();
    await eventually(async () => {
      const call = await callOf(callId);
      expect(call.recording.paused).toBe(false);
      expect(call.participants.find((p) => p.role === 'initial_caller')?.state).toBe('connected');
      expect(call.participants.find((p) => p.role === 'agent')?.muted).toBe(false);
    });
  });

  it('controls the contact center hides are not shown (the simulator page switches them off)', async () => {
    await e2e.sim('PATCH', `/contact-centers/${e2e.stack.contactCenterId}/settings`, {
      hiddenCallControls: { showMuteButton: false, showRecordButton: false },
    });
    try {
      const ada = await e2e.open('ada');
      await ada.setStatus('Available');
      await e2e.call();
      const callId = await ada.accept();
      await ada.activeCall(callId).getByTestId('hold').waitFor();
      expect(await ada.activeCall(callId).getByTestId('mute').count()).toBe(0);
      expect(await ada.activeCall(callId).getByTestId('record').count()).toBe(0);
      await ada.screenshot('hidden-controls');
    } finally {
      await e2e.sim('PATCH', `/contact-centers/${e2e.stack.contactCenterId}/settings`, {
        hiddenCallControls: {},
      });
    }
  });

  it('hold, mute and record from a desk phone: the console follows the phone', async () => {
    const ada = await e2e.open('ada');
    await ada.byTestId('phone-type').selectOption('DESK_PHONE');
    await ada.byTestId('desk-phone-number').fill('+14155556001');
    await ada.byTestId('save-phone-settings').click();
    await expectText(ada.notices(), 'Phone settings saved');
    await ada.setStatus('Available');
    const callId = await e2e.call();
    await ada.incoming();
    const user = e2e.user('ada');
    await e2e.sim('POST', `/agents/${user}/deskphone/answer`, { callId });
    await ada.activeCall(callId).waitFor();
    const state = ada.activeCall(callId).getByTestId('call-state');
    await e2e.sim('POST', `/agents/${user}/deskphone/hold`, { callId });
    await expectText(state, 'on hold');
    await e2e.sim('POST', `/agents/${user}/deskphone/mute`, { callId });
    await expectText(state, 'muted');
    await e2e.sim('POST', `/agents/${user}/phone-request`, { method: 'pauseRecording', params: { callId } });
    await expectText(state, 'recording paused');
    await ada.screenshot('deskphone-hold-mute-record');
    await e2e.sim('POST', `/agents/${user}/deskphone/hangup`, { callId });
    await ada.byTestId('acw').waitFor();
  });

  it('after-call work, wrap-up, then available again', async () => {
    const ada = await e2e.open('ada');
    await ada.setStatus('Available');
    const callId = await e2e.call();
    await ada.accept();
    await ada.byTestId('end-call').click();
    await ada.byTestId('acw').waitFor();
    await ada.screenshot('after-call-work');
    await eventually(async () => {
      const { contactCenters } = await e2e.sim<{
        contactCenters: Array<{ agents: Array<{ username: string; status: { state: string } }> }>;
      }>('GET', '/contact-centers');
      expect(contactCenters[0]!.agents.find((a) => a.username === 'ada')?.status.state).toBe(
        'after_call_work',
      );
    });
    await ada.byTestId('wrap-up').click();
    await ada.byTestId('acw').waitFor({ state: 'detached' });
    await ada.waitForStatus('Available');
    const next = await e2e.call('+14155552222');
    expect(await ada.incoming()).toBe(next);
    expect(next).not.toBe(callId);
  });

  it('a page refresh mid-call replays the call', async () => {
    const ada = await e2e.open('ada');
    await ada.setStatus('Available');
    await e2e.call();
    const callId = await ada.accept();
    await ada.page.reload();
    await ada.ready();
    await ada.activeCall(callId).waitFor();
    await expectText(ada.activeCall(callId).getByTestId('call-state'), 'connected');
    await ada.screenshot('refresh-replayed-call');
    await ada.byTestId('end-call').click();
    await ada.byTestId('acw').waitFor();
  });

  it('a status change made on the service side (a scheduled break) appears in the picker', async () => {
    const ada = await e2e.open('ada');
    await ada.setStatus('Available');
    await e2e.sim('POST', `/agents/${e2e.user('ada')}/break`, { minutes: 5, reason: 'Busy' });
    await ada.waitForStatus('Busy');
    await ada.screenshot('status-from-service');
  });

  it('an error with a custom label shows the org’s label text; the connector log downloads', async () => {
    const ada = await e2e.open('ada');
    await ada.setStatus('Available');
    await e2e.call();
    await ada.accept();
    await e2e.sim('POST', `/agents/${e2e.user('ada')}/fail-next`, {
      customErrorLabel: 'Switchboard_Error_TrunkDown',
      method: 'mute',
    });
    await ada.byTestId('mute').click();
    await expectText(ada.notices(), 'The phone line is down. Try again in a minute.');
    await ada.screenshot('custom-error-label');
    const download = ada.page.waitForEvent('download');
    await ada.byTestId('download-logs').click();
    const file = await (await download).path();
    expect(fs.readFileSync(file, 'utf8').length).toBeGreaterThan(0);
  });
});
