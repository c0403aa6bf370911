/**
 * Outbound calls and the transfer scenarios of the developer guide (ch. 9, 13): consult (warm)
 * transfer to an agent, blind transfer to a number, transfer to a queue and to an Omni-Channel flow,
 * conference and swap — from the console's phone book.
 */
import { describe, expect, it } from 'vitest';
import { expectText } from './consoleAgent.ts';
import { eventually, useStack } from './stackContext.ts';

interface SimCall {
  state: string;
  participants: Array<{
    id: string;
    role: string;
    userId: string | null;
    state: string;
    phoneNumber: string | null;
  }>;
}

describe('outbound calls and transfers in the service console', () => {
  const e2e = useStack();
  const callOf = (callId: string) => e2e.sim<SimCall>('GET', `/calls/${callId}`);

  it('outbound call: the agent dials, the customer joins', async () => {
    const ada = await e2e.open('ada');
    await ada.setStatus('Available');
    await ada.byTestId('dial-number').fill('+14155557777');
    await ada.byTestId('dial').click();
    await ada.activeCall().waitFor();
    const callId = (await ada.activeCall().getAttribute('data-call-id')) as string;
    await ada.screenshot('outbound-dialing');
    await e2e.sim('POST', `/calls/${callId}/answer`);
    await expectText(ada.activeCall(callId).getByTestId('call-state'), 'connected');
    await ada.screenshot('outbound-customer-joined');
    expect((await callOf(callId)).participants.find((p) => p.role === 'initial_caller')?.state).toBe(
      'connected',
    );
  });

  it('warm transfer to an agent: consult, the second agent accepts, the first leaves', async () => {
    const ada = await e2e.open('ada');
    const grace = await e2e.open('grace');
    await grace.setStatus('Available');
    await ada.setStatus('Available');
    await grace.setStatus('Busy');
    const callId = await e2e.call();
    await ada.accept();
    await grace.setStatus('Available');
    await ada.searchContacts('Grace', 'Agent');
    await expectText(ada.byTestId('contacts'), 'AVAILABLE');
    await ada.byTestId('consult-Grace-Hopper').click();
    await grace.incoming();
    await grace.byTestId('accept-call').click();
    await ada.page.locator('[data-testid^=leg-]').filter({ hasText: 'connected' }).first().waitFor();
    await ada.screenshot('warm-transfer-consult');
    await ada.byTestId('end-call').click();
    await ada.byTestId('acw').waitFor();
    await grace.activeCall().waitFor();
    await eventually(async () => {
      const call = await callOf(callId);
      expect(
        call.participants.filter((p) => p.role === 'agent' && p.state === 'connected').map((p) => p.userId),
      ).toEqual([e2e.user('grace')]);
    });
    // The customer waited on hold during the consult; the agent who took the call resumes them.
    await expectText(grace.activeCall().getByTestId('call-state'), 'on hold');
    await grace.byTestId('hold').click();
    await eventually(async () =>
      expect((await callOf(callId)).participants.find((p) => p.role === 'initial_caller')?.state).toBe(
        'connected',
      ),
    );
    await grace.screenshot('warm-transfer-completed');
  });

  it('blind transfer to a phone book number: the agent is released, the third party joins', async () => {
    const ada = await e2e.open('ada');
    await ada.setStatus('Available');
    const callId = await e2e.call();
    await ada.accept();
    await ada.searchContacts('Billing', 'PhoneBook');
    await ada.byTestId('transfer-Billing-department').click();
    await ada.byTestId('acw').waitFor();
    await ada.screenshot('blind-transfer');
    const third = (await callOf(callId)).participants.find((p) => p.role === 'third_party');
    expect(third?.phoneNumber).toBe('+14155550199');
    await e2e.sim('POST', `/calls/${callId}/participants/${third!.id}/answer`);
    await eventually(async () =>
      expect((await callOf(callId)).participants.find((p) => p.id === third!.id)?.state).toBe('connected'),
    );
  });

  it('transfer to a queue: the call waits in Sales and rings an agent there', async () => {
    const ada = await e2e.open('ada');
    const grace = await e2e.open('grace');
    await ada.setStatus('Available');
    const callId = await e2e.call();
    await ada.accept();
    await ada.searchContacts('Sales', 'Queue');
    await ada.byTestId('transfer-Sales').click();
    await ada.byTestId('acw').waitFor();
    await grace.setStatus('Available');
    await grace.incoming();
    await grace.screenshot('transfer-to-queue');
    await grace.byTestId('accept-call').click();
    await grace.activeCall().waitFor();
    await eventually(() => {
      const parent = e2e.voiceCall(callId)?.voiceCallId;
      const transfer = e2e.stack.telephonyApi.voiceCalls().find((v) => v.parentVoiceCallId === parent);
      expect(transfer?.fields).toMatchObject({ initiationMethod: 'Transfer' });
      expect(transfer?.fields.queue).toBeTruthy();
    });
  });

  it('transfer to an Omni-Channel flow: Salesforce routes it (omniFlow) and it rings there', async () => {
    const ada = await e2e.open('ada');
    const grace = await e2e.open('grace');
    await ada.setStatus('Available');
    const callId = await e2e.call();
    await ada.accept();
    await grace.setStatus('Available');
    await ada.searchContacts('Route_To_Sales', 'Flow');
    await ada.byTestId('transfer-Route_To_Sales').click();
    await ada.byTestId('acw').waitFor();
    await grace.incoming();
    await grace.screenshot('transfer-to-flow');
    await eventually(() => {
      const executions = e2e.stack.telephonyApi.voiceCalls().flatMap((v) => v.flowExecutions);
      expect(
        executions.some((x) => (x.request as { flowDevName?: string }).flowDevName === 'Route_To_Sales'),
      ).toBe(true);
    });
    expect(callId).toBeTruthy();
  });

  it('conference and swap with a third party', async () => {
    const ada = await e2e.open('ada');
    await ada.setStatus('Available');
    const callId = await e2e.call();
    await ada.accept();
    await ada.searchContacts('Field', 'PhoneBook');
    await ada.byTestId('consult-Field-service').click();
    await ada.page.locator('[data-testid^=leg-]').first().waitFor();
    const third = (await callOf(callId)).participants.find((p) => p.role === 'third_party')!;
    await e2e.sim('POST', `/calls/${callId}/participants/${third.id}/answer`);
    await expectText(ada.page.locator('[data-testid^=leg-]'), 'connected');
    // During the consult the customer waits on hold; swap talks to the customer and holds the third party.
    expect((await callOf(callId)).participants.find((p) => p.role === 'initial_caller')?.state).toBe('held');
    await ada.byTestId('swap').click();
    await eventually(async () => {
      const call = await callOf(callId);
      expect(call.participants.find((p) => p.role === 'initial_caller')?.state).toBe('connected');
      expect(call.participants.find((p) => p.id === third.id)?.state).toBe('held');
    });
    await ada.screenshot('swap');
    await ada.byTestId('merge').click();
    await expectText(ada.notices(), 'conference');
    await eventually(async () => {
      const call = await callOf(callId);
      expect(call.participants.filter((p) => p.state === 'connected').length).toBe(3);
    });
    await ada.screenshot('conference');
  });
});
