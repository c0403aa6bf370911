import { describe, expect, it } from 'vitest';
import * as tenants from '../../telephony/src/engine/tenants.ts';
import { presenceOf } from '../../telephony/test/harness.ts';
import { storeRecording } from '../../telephony/test/recordingFixture.ts';
import { STATUS, useConnector } from './context.ts';
import type { Host } from './host.ts';

const ctx = useConnector({ agents: 2 });

const CALLER = '+14155551234';
const settle = () => new Promise((r) => setTimeout(r, 400));

async function connectedCall(host: Host): Promise<{ callId: string; call: Record<string, unknown> }> {
  await ctx.available(host);
  const callId = await ctx.sim.call(CALLER, ctx.tenant.number);
  const started = await host.waitFor('CALL_STARTED', (p) => p.callId === callId);
  const connected = await host.request('ACCEPT_CALL', { call: started.payload }, 'CALL_CONNECTED');
  return { callId, call: connected.payload };
}

describe('presence', () => {
  it('SET_AGENT_STATUS with a status id; GET_AGENT_STATUS reports it', async () => {
    const host = await ctx.agent(0);
    const set = await host.request(
      'SET_AGENT_STATUS',
      { agentStatus: 'Online', statusInfo: { statusId: STATUS.busy, statusName: 'Busy' } },
      'SET_AGENT_STATUS_RESULT',
    );
    expect(set.payload).toEqual({ success: true });
    expect(await presenceOf(ctx.dbh.db, ctx.tenant.agents[0]!.id)).toBe('busy');
    const got = await host.request('GET_AGENT_STATUS', {}, 'GET_AGENT_STATUS_RESULT');
    expect(got.payload).toEqual({ statusId: STATUS.busy, statusType: 'busy', statusName: 'Busy' });
    await host.request(
      'SET_AGENT_STATUS',
      { agentStatus: 'Offline', statusInfo: {} },
      'SET_AGENT_STATUS_RESULT',
    );
    expect(await presenceOf(ctx.dbh.db, ctx.tenant.agents[0]!.id)).toBe('offline');
  });

  it('an unknown status: SET_AGENT_STATUS_RESULT false and INVALID_AGENT_STATUS; presence unchanged', async () => {
    const host = await ctx.agent(0);
    const from = host.mark();
    host.send('SET_AGENT_STATUS', { agentStatus: 'Online', statusInfo: { statusId: '0N5xx0000009999' } });
    await host.waitFor('ERROR', undefined, from);
    expect(host.dispatched().filter((d) => d.index >= from)).toEqual([
      expect.objectContaining({ type: 'SET_AGENT_STATUS_RESULT', payload: { success: false } }),
      expect.objectContaining({ type: 'ERROR', payload: { message: 'INVALID_AGENT_STATUS' } }),
    ]);
    expect(await presenceOf(ctx.dbh.db, ctx.tenant.agents[0]!.id)).toBe('offline');
  });

  it('enqueueNextState during a call: the status applies after the call', async () => {
    const host = await ctx.agent(0);
    const { call } = await connectedCall(host);
    await host.request(
      'SET_AGENT_STATUS',
      {
        agentStatus: 'Online',
        statusInfo: { statusId: STATUS.busy, statusName: 'Busy' },
        enqueueNextState: true,
      },
      'SET_AGENT_STATUS_RESULT',
    );
    expect(await presenceOf(ctx.dbh.db, ctx.tenant.agents[0]!.id)).toBe('on_call');
    await host.request('END_CALL', { call }, 'HANGUP');
    await host.request('WRAP_UP_CALL', { call }, 'WRAP_UP_ENDED');
    expect(await presenceOf(ctx.dbh.db, ctx.tenant.agents[0]!.id)).toBe('busy');
  });

  it('a change on our side (a scheduled break) reaches Omni-Channel as SET_AGENT_STATUS', async () => {
    const host = await ctx.agent(0);
    await ctx.available(host);
    const from = host.mark();
    await ctx.sim.post(`/agents/${ctx.tenant.agents[0]!.id}/break`, { minutes: 15 });
    await ctx.advance(1000);
    const pushed = await host.waitFor('SET_AGENT_STATUS', undefined, from);
    expect(pushed.payload).toEqual({ statusId: STATUS.away });
    await ctx.advance(15 * 60_000);
    const back = await host.waitFor('SET_AGENT_STATUS', (p) => p.statusId === STATUS.available, from);
    expect(back.payload).toEqual({ statusId: STATUS.available });
  });
});

describe('the phone book', () => {
  it('GET_PHONE_CONTACTS: agents with availability, queues with wait time, flows, phone book; contains, types, paging', async () => {
    await tenants.addPhonebookEntry(ctx.dbh.db, {
      contactCenterId: ctx.tenant.ccId,
      name: 'Billing department',
      phoneNumber: '+14155550199',
    });
    await tenants.createFlow(ctx.dbh.db, {
      contactCenterId: ctx.tenant.ccId,
      devName: 'Route_To_Support',
      fallbackQueueId: ctx.tenant.queueId,
    });
    const host = await ctx.agent(0);
    const other = await ctx.agent(1);
    await ctx.available(other);

    const all = await host.request('GET_PHONE_CONTACTS', { filter: { limit: 50 } }, 'PHONE_CONTACTS');
    expect(all.payload.contactTypes).toEqual(['Agent', 'Queue', 'PhoneBook', 'PhoneNumber', 'Flow']);
    expect(all.payload.contacts).toEqual([
      expect.objectContaining({
        type: 'Agent',
        id: ctx.tenant.agents[1]!.id,
        name: 'Agent 2',
        availability: 'AVAILABLE',
      }),
      expect.objectContaining({ type: 'Agent', name: 'The Supervisor', availability: 'OFFLINE' }),
      expect.objectContaining({ type: 'Queue', id: ctx.tenant.queueId, name: 'Support', queueWaitTime: '0' }),
      expect.objectContaining({ type: 'Flow', id: 'Route_To_Support', name: 'Route_To_Support' }),
      expect.objectContaining({ type: 'PhoneBook', name: 'Billing department', phoneNumber: '+14155550199' }),
    ]);

    const search = await host.request(
      'GET_PHONE_CONTACTS',
      { filter: { contains: 'bill' } },
      'PHONE_CONTACTS',
    );
    expect(search.payload.contacts.map((c: { name: string }) => c.name)).toEqual(['Billing department']);
    const queues = await host.request(
      'GET_PHONE_CONTACTS',
      { filter: { types: ['QUEUE'] } },
      'PHONE_CONTACTS',
    );
    expect(queues.payload.contacts.map((c: { type: string }) => c.type)).toEqual(['Queue']);
    const page = await host.request(
      'GET_PHONE_CONTACTS',
      { filter: { limit: 2, offset: 2 } },
      'PHONE_CONTACTS',
    );
    expect(page.payload.contacts.map((c: { name: string }) => c.name)).toEqual([
      'Support',
      'Route_To_Support',
    ]);
    const available = await host.request(
      'GET_PHONE_CONTACTS',
      { filter: { types: ['AVAILABLE'] } },
      'PHONE_CONTACTS',
    );
    expect(available.payload.contacts.map((c: { name: string }) => c.name)).toEqual(['Agent 2']);
  });

  it('GET_CONTACTS answers the same contacts (GET_CONTACTS_RESULT)', async () => {
    const host = await ctx.agent(0);
    const result = await host.request(
      'GET_CONTACTS',
      { filter: { types: ['QUEUE'] } },
      'GET_CONTACTS_RESULT',
    );
    expect(result.payload.contacts).toEqual([expect.objectContaining({ type: 'Queue', name: 'Support' })]);
  });

  it('dials a phone book contact', async () => {
    const host = await ctx.agent(0);
    const started = await host.request(
      'DIAL',
      { contact: { type: 'PhoneBook', id: 'x', name: 'Billing', phoneNumber: '+14155550199' } },
      'CALL_STARTED',
    );
    expect(started.payload).toMatchObject({ callType: 'Outbound', phoneNumber: '+14155550199' });
  });
});

describe('recordings', () => {
  it("GET_SIGNED_RECORDING_URL: a signed link that serves the recording from the service's store; none without a recording", async () => {
    const host = await ctx.agent(0);
    const { callId, call } = await connectedCall(host);
    const missing = await host.request(
      'GET_SIGNED_RECORDING_URL',
      { recordingUrl: '', vendorCallKey: callId, callId: '0LQxx0000000001' },
      'SIGNED_RECORDING_URL',
    );
    expect(missing.payload).toEqual({ success: false });

    await host.request('END_CALL', { call }, 'HANGUP');
    const { url: recordingUrl, durationSeconds } = await storeRecording(ctx.run.service, {
      callId,
      contactCenterId: ctx.tenant.ccId,
    });
    const signed = await host.request(
      'GET_SIGNED_RECORDING_URL',
      { recordingUrl, vendorCallKey: callId, callId: '0LQxx0000000001' },
      'SIGNED_RECORDING_URL',
    );
    expect(signed.payload).toMatchObject({
      success: true,
      duration: durationSeconds,
      callId: '0LQxx0000000001',
    });
    const url = new URL(signed.payload.url as string);
    expect(url.origin).toBe(ctx.run.baseUrl);
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(200);
    expect(
      Buffer.from(await res.arrayBuffer())
        .subarray(0, 4)
        .toString(),
    ).toBe('RIFF');
  });
});

describe('Lightning messages', () => {
  it('MESSAGE goes to the service; a message for the agent comes back as MESSAGE', async () => {
    const host = await ctx.agent(0);
    const me = ctx.tenant.agents[0]!.id;
    host.send('MESSAGE', { message: { kind: 'note', text: 'hello' } });
    await expect
      .poll(
        async () => (await ctx.sim.get<{ messages: unknown[] }>(`/agents/${me}/messages`)).body.messages,
        {
          timeout: 5000,
        },
      )
      .toEqual([{ message: { kind: 'note', text: 'hello' }, at: expect.any(Number) }]);

    const from = host.mark();
    const sent = await ctx.sim.post(`/agents/${me}/messages`, {
      message: { kind: 'screenPop', recordId: '003xx' },
    });
    expect(sent.status).toBe(200);
    const back = await host.waitFor('MESSAGE', undefined, from);
    expect(back.payload).toEqual({ kind: 'screenPop', recordId: '003xx' });
  });

  it('a callback transfer request opens the transfer view (SHOW_TRANSFER_VIEW)', async () => {
    const host = await ctx.agent(0);
    const shown = await host.request(
      'MESSAGE',
      { message: { type: 'TRANSFER_CALLBACK_REQUEST', payload: { workItemId: '0JRxx0000000001' } } },
      'SHOW_TRANSFER_VIEW',
    );
    expect(shown.payload).toEqual({ workItemId: '0JRxx0000000001' });
  });
});

describe('logs and devices', () => {
  it("DOWNLOAD_VENDOR_LOGS downloads the base library's log and the connector's, LOG and AGENT_WORK_EVENT included", async () => {
    const host = await ctx.agent(0);
    host.send('LOG', { logLevel: 'INFO', logMessage: 'hello from Omni-Channel', payload: { a: 1 } });
    host.send('AGENT_WORK_EVENT', {
      agentWork: { workItemId: '0MWxx1', workId: '0Bzxx1', workEvent: 'ACCEPTED' },
    });
    await settle();
    host.send('DOWNLOAD_VENDOR_LOGS');
    await host.until(() => host.downloads.length === 1, 'the download');
    const file = host.downloads[0]!;
    expect(file.name).toMatch(/^switchboard-connector-\d+\.txt$/);
    const text = await file.text;
    expect(text).toContain('SETUP_CONNECTOR');
    expect(text).toContain('|INFO|SWITCHBOARD|hello from Omni-Channel {"a":1}');
    expect(text).toContain(
      'agent work event {"workItemId":"0MWxx1","workId":"0Bzxx1","workEvent":"ACCEPTED"}',
    );
  });

  it("GET_AUDIO_DEVICES lists the browser's audio inputs and outputs", async () => {
    const host = await ctx.agent(0);
    const none = await host.request('GET_AUDIO_DEVICES', {}, 'GET_AUDIO_DEVICES');
    expect(none.payload).toEqual({ audioDevices: [] });
    // jsdom has no media devices: the browser's enumerateDevices() is stood in for.
    Object.defineProperty(host.window.navigator, 'mediaDevices', {
      value: {
        enumerateDevices: async () => [
          { deviceId: 'mic1', kind: 'audioinput', label: 'Headset mic', groupId: 'g1' },
          { deviceId: 'cam1', kind: 'videoinput', label: 'Camera', groupId: 'g2' },
          { deviceId: 'spk1', kind: 'audiooutput', label: 'Headset', groupId: 'g1' },
        ],
      },
    });
    const some = await host.request('GET_AUDIO_DEVICES', {}, 'GET_AUDIO_DEVICES');
    expect(some.payload).toEqual({
      audioDevices: [
        { deviceId: 'mic1', kind: 'audioinput', label: 'Headset mic', groupId: 'g1' },
        { deviceId: 'spk1', kind: 'audiooutput', label: 'Headset', groupId: 'g1' },
      ],
    });
  });
});

describe('contact center settings', () => {
  it('hidden call controls and the remove-participant variant come from the contact center', async () => {
    await ctx.dbh.db
      .updateTable('contact_centers')
      .set({
        settings_json: JSON.stringify({
          hiddenCallControls: { showRecordButton: false, showMergeButton: false },
          removeParticipantVariant: 'ALWAYS_EXCEPT_ON_HOLD',
        }),
      })
      .where('id', '=', ctx.tenant.ccId)
      .execute();
    const host = await ctx.agent(0);
    await ctx.available(host);
    await ctx.sim.call(CALLER, ctx.tenant.number);
    const started = await host.waitFor('CALL_STARTED');
    expect(started.payload.callInfo).toMatchObject({
      showRecordButton: false,
      showMergeButton: false,
      showMuteButton: true,
      showSwapButton: true,
      removeParticipantVariant: 'ALWAYS_EXCEPT_ON_HOLD',
    });
  });
});
