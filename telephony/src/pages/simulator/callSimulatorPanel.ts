/**
 * "Call Simulator": a new inbound call (with its initial state), an outbound call and an added
 * participant from a hard phone, a callback, the progressive dialer.
 */
import { button, card, checkbox, field, h, input, select, setOptions } from '../../../../shared/dom.ts';
import type { PageContext, Panel, Snapshot } from './context.ts';
import type { AudioSource } from './browserPhone.ts';
import type { ActiveCall, ContactCenterView } from './simulatorApi.ts';

interface InitialState {
  recordingPaused: boolean;
  muted: boolean;
  onHold: boolean;
}

export function callSimulatorPanel(ctx: PageContext): Panel {
  const from = input({ value: '+14155551234', 'data-testid': 'inbound-from' });
  const callerName = input({ value: 'Pat Customer', 'data-testid': 'inbound-name' });
  const to = select([], { 'data-testid': 'inbound-to' });
  const attributes = input({ placeholder: '{"accountNumber":"1234"}', 'data-testid': 'inbound-attributes' });
  const paused = checkbox('recording paused', { 'data-testid': 'initial-recording-paused' });
  const muted = checkbox('muted', { 'data-testid': 'initial-muted' });
  const held = checkbox('on hold', { 'data-testid': 'initial-on-hold' });
  const audioSource = select(
    [
      ['none', 'no audio'],
      ['microphone', 'this browser’s microphone and speaker'],
      ['tone', 'a test tone (and the speaker)'],
      ['file', 'an audio file (and the speaker)'],
    ],
    { 'data-testid': 'caller-audio-source' },
  );
  const toneHz = input({
    type: 'number',
    value: '440',
    min: '50',
    max: '3500',
    'data-testid': 'caller-audio-tone',
  });
  const audioFile = input({ type: 'file', accept: 'audio/*', 'data-testid': 'caller-audio-file' });
  const choose = () => {
    const choice = ctx.phones.choice;
    choice.source = audioSource.value as AudioSource;
    choice.toneHz = Math.min(3500, Math.max(50, Number(toneHz.value) || 440));
    choice.file = audioFile.files?.[0] ?? null;
  };
  for (const control of [audioSource, toneHz, audioFile]) control.addEventListener('change', choose);
  /** Calls placed with an initial state, applied once an agent is connected. */
  const pending = new Map<string, InitialState>();

  const inbound = async () => {
    const cc = ctx.cc();
    const attrs = attributes.value.trim()
      ? (JSON.parse(attributes.value) as Record<string, unknown>)
      : undefined;
    const result = await ctx.run('New inbound call', () =>
      ctx.api.post<{ callId: string; call: ActiveCall }>('/calls', {
        from: from.value,
        to: to.value || cc?.numbers[0]?.number,
        ...(callerName.value ? { callerName: callerName.value } : {}),
        ...(attrs ? { attributes: attrs } : {}),
      }),
    );
    if (!result) return;
    ctx.selectCall(result.callId);
    const caller = result.call.participants.find((p) => p.role === 'initial_caller');
    if (ctx.phones.choice.source !== 'none' && caller)
      await ctx.run('Caller audio', () => ctx.phones.connect(result.callId, caller.id));
    const state = { recordingPaused: paused.box.checked, muted: muted.box.checked, onHold: held.box.checked };
    if (state.recordingPaused || state.muted || state.onHold) pending.set(result.callId, state);
  };

  const deskAgent = select([], { 'data-testid': 'outbound-agent' });
  const outboundTo = input({ value: '+14155557777', 'data-testid': 'outbound-to' });
  const outbound = () =>
    ctx.run('Outbound call from the hard phone', async () => {
      const r = await ctx.api.post<{ call: { callId: string } }>(`/agents/${deskAgent.value}/phone-request`, {
        method: 'dial',
        params: { destination: { type: 'phoneNumber', phoneNumber: outboundTo.value } },
      });
      ctx.selectCall(r.call.callId);
    });
  const addTo = input({ value: '+14155550199', 'data-testid': 'add-participant-to' });
  const blind = checkbox('blind transfer', { 'data-testid': 'add-participant-blind' });
  const addParticipant = () =>
    ctx.run('Add participant from the hard phone', () =>
      ctx.api.post(`/agents/${deskAgent.value}/phone-request`, {
        method: 'addParticipant',
        params: {
          callId: ctx.selectedCallId,
          destination: { type: 'phoneNumber', phoneNumber: addTo.value },
          blind: blind.box.checked,
        },
      }),
    );

  const callbackNumber = input({ placeholder: 'the caller’s number', 'data-testid': 'callback-number' });
  const callbackDelay = input({ type: 'number', value: '0', min: '0', 'data-testid': 'callback-delay' });
  const callback = () =>
    ctx.run('Callback', () =>
      ctx.api.post(`/calls/${ctx.selectedCallId}/callback`, {
        ...(callbackNumber.value ? { phoneNumber: callbackNumber.value } : {}),
        ...(Number(callbackDelay.value) > 0 ? { at: Date.now() + Number(callbackDelay.value) * 60_000 } : {}),
      }),
    );

  const dialerTo = input({ value: '+14155558888', 'data-testid': 'dialer-to' });
  const dialerQueue = select([], { 'data-testid': 'dialer-queue' });
  const dialer = () =>
    ctx.run('Progressive dialer', async () => {
      const r = await ctx.api.post<{ callId: string }>('/dialer', {
        to: dialerTo.value,
        queueId: dialerQueue.value,
      });
      ctx.selectCall(r.callId);
    });
  const selected = h('span', { class: 'slds-text-font_monospace', 'data-testid': 'selected-call' });
  ctx.listeners.push(() => (selected.textContent = ctx.selectedCallId || 'none'));

  const el = card(
    'Call Simulator',
    h('h3', { class: 'slds-text-heading_small slds-m-bottom_x-small' }, 'Inbound call'),
    h(
      'div',
      { class: 'slds-grid slds-gutters_x-small slds-wrap' },
      h('div', { class: 'slds-col slds-size_1-of-2' }, field('Caller number', from)),
      h('div', { class: 'slds-col slds-size_1-of-2' }, field('Caller name', callerName)),
      h('div', { class: 'slds-col slds-size_1-of-2' }, field('Dialed number', to)),
      h('div', { class: 'slds-col slds-size_1-of-2' }, field('IVR data (JSON)', attributes)),
    ),
    h('div', { class: 'slds-m-vertical_x-small' }, 'Call initial state: ', paused.el, muted.el, held.el),
    h(
      'div',
      { class: 'slds-grid slds-gutters_x-small slds-wrap' },
      h('div', { class: 'slds-col slds-size_1-of-2' }, field('The caller’s audio', audioSource)),
      h('div', { class: 'slds-col slds-size_1-of-4' }, field('Tone (Hz)', toneHz)),
      h('div', { class: 'slds-col slds-size_1-of-4' }, field('Audio file', audioFile)),
    ),
    button('New Inbound Call', () => void inbound(), 'brand', { 'data-testid': 'new-inbound-call' }),
    h('p', { class: 'slds-m-top_x-small' }, 'Selected call: ', selected),
    h('h3', { class: 'slds-text-heading_small slds-m-vertical_x-small' }, 'Hard phone'),
    h(
      'div',
      { class: 'slds-grid slds-gutters_x-small slds-wrap' },
      h('div', { class: 'slds-col slds-size_1-of-2' }, field('Agent on a desk phone', deskAgent)),
      h('div', { class: 'slds-col slds-size_1-of-2' }, field('Number to dial', outboundTo)),
      h('div', { class: 'slds-col slds-size_1-of-2' }, field('Participant to add', addTo)),
      h('div', { class: 'slds-col slds-size_1-of-2 slds-p-top_large' }, blind.el),
    ),
    h(
      'div',
      { class: 'slds-m-top_x-small' },
      button('Outbound Call', () => void outbound(), 'neutral', { 'data-testid': 'outbound-call' }),
      button('Add Participant', () => void addParticipant(), 'neutral', { 'data-testid': 'add-participant' }),
    ),
    h('h3', { class: 'slds-text-heading_small slds-m-vertical_x-small' }, 'Callback and dialer'),
    h(
      'div',
      { class: 'slds-grid slds-gutters_x-small slds-wrap' },
      h(
        'div',
        { class: 'slds-col slds-size_1-of-2' },
        field('Callback number (default: the caller)', callbackNumber),
      ),
      h('div', { class: 'slds-col slds-size_1-of-2' }, field('Call back in (minutes)', callbackDelay)),
      h('div', { class: 'slds-col slds-size_1-of-2' }, field('Dialer: customer', dialerTo)),
      h('div', { class: 'slds-col slds-size_1-of-2' }, field('Dialer: queue', dialerQueue)),
    ),
    h(
      'div',
      { class: 'slds-m-top_x-small' },
      button('Callback (selected call)', () => void callback(), 'neutral', { 'data-testid': 'callback' }),
      button('Dial from the queue', () => void dialer(), 'neutral', { 'data-testid': 'dialer' }),
    ),
  );

  return {
    el,
    render(snapshot: Snapshot, cc: ContactCenterView | undefined) {
      setOptions(
        to,
        (cc?.numbers ?? []).map((n) => [n.number, `${n.number}${n.label ? ` (${n.label})` : ''}`]),
      );
      setOptions(
        deskAgent,
        (cc?.agents ?? [])
          .filter((a) => a.config.phoneType === 'DESK_PHONE')
          .map((a) => [a.id, `${a.displayName} (${a.config.deskPhoneNumber ?? ''})`]),
      );
      setOptions(
        dialerQueue,
        (cc?.queues ?? []).map((q) => [q.id, q.name]),
      );
      for (const [callId, state] of pending) {
        const call = snapshot.calls.find((c) => c.callId === callId);
        if (!call) pending.delete(callId);
        else if (applyInitialState(ctx, call, state)) pending.delete(callId);
      }
    },
  };
}

/** Once an agent is connected: the phone system puts the call in its initial state (true when done). */
function applyInitialState(ctx: PageContext, call: ActiveCall, state: InitialState): boolean {
  const agent = call.participants.find((p) => p.role === 'agent' && p.state === 'connected');
  const customer = call.participants.find((p) => p.role === 'initial_caller');
  if (!agent?.userId || !customer) return false;
  const user = agent.userId;
  void ctx.run('Call initial state', async () => {
    if (state.muted) await ctx.api.post(`/agents/${user}/deskphone/mute`, { callId: call.callId });
    if (state.onHold)
      await ctx.api.post(`/agents/${user}/deskphone/hold`, {
        callId: call.callId,
        participantId: customer.id,
      });
    if (state.recordingPaused)
      await ctx.api.post(`/agents/${user}/phone-request`, {
        method: 'pauseRecording',
        params: { callId: call.callId },
      });
  });
  return true;
}
