/**
 * The supervisor (ch. 10: listen in, barge in, leave), the queued callback (ch. 9) and voicemail
 * (ch. 9) in the service console, with the VoiceCall records the emulated org keeps.
 */
import { describe, expect, it } from 'vitest';
import { expectText } from './consoleAgent.ts';
import { eventually, useStack } from './stackContext.ts';

describe('supervisor, queued callback and voicemail in the service console', () => {
  // Without the media plane: the recording and voicemail here are the simulator's (with media, the
  // call's own recording replaces a simulated one at the end: e2e/audio.e2e.test.ts, docs/media.md).
  const e2e = useStack({ media: false });

  it('a supervisor listens in, barges in and leaves; the agent sees the barge-in', async () => {
    const ada = await e2e.open('ada');
    const sam = await e2e.open('sam');
    await ada.setStatus('Available');
    await e2e.call();
    const callId = await ada.accept();
    await sam.byTestId(`listen-${callId}`).click();
    await sam.byTestId('supervising').waitFor();
    await expectText(sam.byTestId('supervising'), 'Listening in');
    await sam.screenshot('supervisor-listen-in');
    await sam.byTestId('barge-in').click();
    await expectText(sam.byTestId('supervising'), 'In the call');
    await expectText(ada.notices(), 'joined the call');
    await ada.screenshot('agent-sees-barge-in');
    await e2e.sim('POST', `/calls/${callId}/transcript`, {
      speaker: 'SUPERVISOR',
      text: 'I can help with that refund.',
    });
    await eventually(() =>
      expect(e2e.voiceCall(callId)?.transcripts.map((t) => [t.senderType, t.content])).toContainEqual([
        'SUPERVISOR',
        'I can help with that refund.',
      ]),
    );
    await sam.byTestId('leave-supervision').click();
    await sam.byTestId('supervising').waitFor({ state: 'detached' });
    await expectText(ada.activeCall(callId).getByTestId('call-state'), 'connected');
  });

  it('voicemail: nobody staffs the queue; the message, its transcript and recording reach the VoiceCall record', async () => {
    const callId = await e2e.call('+14155554444');
    await e2e.sim('POST', `/calls/${callId}/voicemail`, {
      url: 'https://recordings.example.com/vm-1.wav',
      durationSeconds: 12,
      transcript: 'Please call me back about invoice 42.',
    });
    await eventually(() => {
      const record = e2e.voiceCall(callId);
      expect(record?.fields).toMatchObject({ callOrigin: 'Voicemail', isActiveCall: false });
      expect(record?.transcripts.map((t) => t.content)).toContain('Please call me back about invoice 42.');
    });
    const sam = await e2e.open('sam');
    await sam.byTestId(`voice-call-${callId}`).waitFor();
    await expectText(sam.byTestId(`voice-call-${callId}`), 'Origin: Voicemail');
    await expectText(sam.byTestId(`transcript-${callId}`), 'invoice 42');
    await sam.screenshot('voicemail-record');
  });

  it('the VoiceCall records match what happened: one per call, completed, with durations and the recording', async () => {
    const ada = await e2e.open('ada');
    await ada.setStatus('Available');
    const callId = await e2e.call('+14155555555');
    await ada.accept();
    await ada.byTestId('hold').click();
    await expectText(ada.activeCall(callId).getByTestId('call-state'), 'on hold');
    await ada.byTestId('hold').click();
    await e2e.sim('POST', `/calls/${callId}/recording`, {
      url: 'https://recordings.example.com/c-1.wav',
      durationSeconds: 30,
    });
    await e2e.sim('POST', `/calls/${callId}/hangup`);
    await eventually(() => {
      const records = e2e.stack.telephonyApi.voiceCalls().filter((v) => v.vendorCallKey === callId);
      expect(records).toHaveLength(1);
      expect(records[0]!.callDisposition).toBe('completed');
      expect(records[0]!.fields).toMatchObject({
        from: '+14155555555',
        initiationMethod: 'Inbound',
        isActiveCall: false,
        recordingLocation: 'https://recordings.example.com/c-1.wav',
        totalRecordingDuration: 30,
      });
      expect(typeof records[0]!.fields.totalHoldDuration).toBe('number');
      expect(records[0]!.fields.agent).toBe('ada');
    });
    await expectText(ada.byTestId(`recording-${callId}`), 'c-1.wav');
    await ada.byTestId(`play-${callId}`).click();
    await ada.byTestId(`recording-link-${callId}`).waitFor();
    await ada.screenshot('voice-call-records');
  });
  // Last in the file: a queued callback nobody takes stays queued (it has no caller who could hang up).
  it('queued callback: the caller asks to be called back; the agent accepts it and the customer answers', async () => {
    const callId = await e2e.call('+14155553333');
    const { callId: callbackId } = await e2e.sim<{ callId: string }>('POST', `/calls/${callId}/callback`, {});
    const ada = await e2e.open('ada');
    await ada.setStatus('Available');
    expect(await ada.incoming()).toBe(callbackId);
    await expectText(ada.byTestId('incoming-type'), 'Callback');
    await ada.screenshot('queued-callback');
    await ada.byTestId('accept-call').click();
    await ada.activeCall(callbackId).waitFor();
    await e2e.sim('POST', `/calls/${callbackId}/answer`);
    await expectText(ada.activeCall(callbackId).getByTestId('call-state'), 'connected');
    await ada.byTestId('end-call').click();
    await ada.byTestId('acw').waitFor();
  });
});
