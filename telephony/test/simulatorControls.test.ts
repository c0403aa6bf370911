/** The simulator API's directory and controls (docs/simulator-api.md) over HTTP, bad input included. */
import { describe, expect, it } from 'vitest';
import { useService } from './context.ts';

interface Directory {
  contactCenters: Array<{
    id: string;
    apiName: string;
    numbers: Array<{ number: string }>;
    agents: Array<{ id: string; username: string; loggedIn: boolean; status: { state: string } }>;
    settings: { ringTimeoutSeconds: number };
  }>;
}

describe('the simulator directory and controls', () => {
  const ctx = useService({ agents: 2 });
  const send = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${ctx.run.baseUrl}/sim/v1${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  it('lists contact centers with numbers and agents (logged in, status), and the active calls', async () => {
    const ada = await ctx.agent(0);
    await ada.goAvailable();
    const { body } = await send('GET', '/contact-centers');
    const cc = (body as Directory).contactCenters.find((c) => c.id === ctx.tenant.ccId)!;
    expect(cc.numbers.map((n) => n.number)).toEqual([ctx.tenant.number]);
    expect(cc.agents.find((a) => a.username === 'agent1')).toMatchObject({
      loggedIn: true,
      status: { state: 'available' },
    });
    expect(cc.agents.find((a) => a.username === 'agent2')).toMatchObject({
      loggedIn: false,
      status: { state: 'offline' },
    });
    const callId = await ctx.sim.call('+14155550123', ctx.tenant.number);
    const active = await send('GET', '/calls');
    expect(active.body.calls.map((c: { callId: string }) => c.callId)).toContain(callId);
    await ctx.sim.post(`/calls/${callId}/hangup`);
    expect((await send('GET', '/calls')).body.calls).toEqual([]);
  });

  it('a settings patch changes only what it names', async () => {
    await ctx.run.service.engine.db
      .updateTable('contact_centers')
      .set({ settings_json: JSON.stringify({ customErrorLabels: { Trunk_Down: 'The line is down.' } }) })
      .where('id', '=', ctx.tenant.ccId)
      .execute();
    const patched = await send('PATCH', `/contact-centers/${ctx.tenant.ccId}/settings`, {
      ringTimeoutSeconds: 12,
      hiddenCallControls: { showSwapButton: false },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.settings).toMatchObject({
      ringTimeoutSeconds: 12,
      customErrorLabels: { Trunk_Down: 'The line is down.' },
      hiddenCallControls: { showSwapButton: false, showMuteButton: true },
    });
  });

  it('refuses bad input with the documented error and changes nothing', async () => {
    const agent = ctx.tenant.agents[0]!.id;
    const dial = await send('POST', `/agents/${agent}/phone-request`, {
      method: 'dial',
      params: { destination: { type: 'phoneNumber', phoneNumber: '+14155557777' } },
    });
    expect(dial).toMatchObject({ status: 400, body: { error: { code: 'INVALID_PARAMS' } } });
    expect((await send('GET', '/calls')).body.calls).toEqual([]);

    const config = await send('PUT', `/agents/${agent}/config`, {
      phoneType: 'DESK_PHONE',
      deskPhoneNumber: 'not a number',
    });
    expect(config.status).toBe(400);
    expect(config.body.error.code).toBe('CAN_NOT_SET_AGENT_CONFIG');
    const after = (await send('GET', '/contact-centers')).body as Directory;
    expect(JSON.stringify(after)).not.toContain('DESK_PHONE');

    expect(
      (await send('PATCH', `/contact-centers/${ctx.tenant.ccId}/settings`, { ringTimeoutSeconds: 2 })).status,
    ).toBe(400);
    expect(
      (await send('PATCH', `/contact-centers/${ctx.tenant.ccId}/settings`, { nonsense: true })).status,
    ).toBe(400);
    expect((await send('PATCH', '/contact-centers/nope/settings', { ringTimeoutSeconds: 20 })).status).toBe(
      404,
    );
    const cc = ((await send('GET', '/contact-centers')).body as Directory).contactCenters.find(
      (c) => c.id === ctx.tenant.ccId,
    )!;
    expect(cc.settings.ringTimeoutSeconds).toBe(30);

    expect((await send('POST', '/agents/nobody/logout')).status).toBe(404);
    expect(
      (await send('POST', `/agents/${agent}/phone-request`, { method: 'endCall', params: {} })).status,
    ).toBe(400);
  });

  it('a desk phone agent dials from the phone; logging out ends the session', async () => {
    const ada = await ctx.agent(0);
    const agent = ctx.tenant.agents[0]!.id;
    expect(
      (
        await send('PUT', `/agents/${agent}/config`, {
          phoneType: 'DESK_PHONE',
          deskPhoneNumber: '+14155556001',
        })
      ).status,
    ).toBe(200);
    await ada.waitFor('AGENT_CONFIG_UPDATED');
    const dial = await send('POST', `/agents/${agent}/phone-request`, {
      method: 'dial',
      params: { destination: { type: 'phoneNumber', phoneNumber: '+14155557777' } },
    });
    expect(dial.status).toBe(200);
    await ada.waitFor('CALL_STARTED', (e) => e.data.call?.callId === dial.body.call.callId);
    const out = await send('POST', '/agents/' + agent + '/logout');
    expect(out.body).toEqual({ sessionsEnded: 1 });
    expect((await ada.closed()).code).toBe(4401);
  });
});
