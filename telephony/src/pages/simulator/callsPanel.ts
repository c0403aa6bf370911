/**
 * "Active Calls" with the participant actions (customer joins / leaves, third party joins / leaves,
 * the agent's desk phone keys), and the actions on the selected call: agent actions, transcript,
 * recording, voicemail, MOS audio stats.
 */
import {
  badge,
  button,
  card,
  duration,
  field,
  h,
  input,
  replaceIfChanged,
  select,
  table,
} from '../../../../shared/dom.ts';
import { agentName, type PageContext, type Panel, type Snapshot } from './context.ts';
import type { ActiveCall, ActiveCallParticipant } from './simulatorApi.ts';

const SAMPLE_STATS = JSON.stringify(
  [
    {
      inputChannelStats: {
        packetsCount: 20,
        packetsLost: 2,
        jitterBufferMillis: 300,
        roundTripTimeMillis: 320,
      },
      outputChannelStats: {
        packetsCount: 30,
        packetsLost: 1,
        jitterBufferMillis: 270,
        roundTripTimeMillis: 370,
      },
    },
    {
      outputChannelStats: {
        packetsCount: 30,
        packetsLost: 1,
        jitterBufferMillis: 270,
        roundTripTimeMillis: 370,
      },
    },
  ],
  null,
  1,
);

export function callsPanel(ctx: PageContext): Panel {
  const list = h('div', { 'data-testid': 'active-calls' });
  const callId = input({ placeholder: 'call id', 'data-testid': 'action-call-id' });
  ctx.listeners.push(() => (callId.value = ctx.selectedCallId));
  callId.addEventListener('change', () => ctx.selectCall(callId.value.trim()));
  const onCall = (path: string) => `/calls/${encodeURIComponent(callId.value.trim())}${path}`;
  const agentOf = (snapshot: Snapshot) =>
    snapshot.calls
      .find((c) => c.callId === callId.value.trim())
      ?.participants.find((p) => p.role === 'agent' && p.userId)?.userId;
  let latest: Snapshot = ctx.snapshot;
  const agentAction = (method: string, params: Record<string, unknown> = {}) =>
    ctx.run(`Agent ${method}`, async () => {
      const user = agentOf(latest);
      if (!user) throw new Error('no agent on the selected call');
      await ctx.api.post(`/agents/${user}/phone-request`, {
        method,
        params: { callId: callId.value.trim(), ...params },
      });
    });
  const deskKey = (action: string) =>
    ctx.run(`Agent ${action}`, async () => {
      const user = agentOf(latest);
      if (!user) throw new Error('no agent on the selected call');
      await ctx.api.post(`/agents/${user}/deskphone/${action}`, { callId: callId.value.trim() });
    });
  const digits = input({ value: '1234#', 'data-testid': 'digits' });

  const speaker = select(
    [
      ['END_USER', 'Customer'],
      ['HUMAN_AGENT', 'Agent'],
      ['VIRTUAL_AGENT', 'Virtual agent'],
      ['SUPERVISOR', 'Supervisor'],
    ],
    { 'data-testid': 'transcript-speaker' },
  );
  const utterance = input({ placeholder: 'Write a message…', 'data-testid': 'transcript-text' });
  const addTranscript = () =>
    ctx.run('Add to transcript', async () => {
      await ctx.api.post(onCall('/transcript'), { speaker: speaker.value, text: utterance.value });
      utterance.value = '';
    });

  const recordingUrl = input({
    value: 'https://recordings.example.com/call.wav',
    'data-testid': 'recording-url',
  });
  const recordingLength = input({ type: 'number', value: '60', min: '0', 'data-testid': 'recording-length' });
  const publish = () =>
    ctx.run('Publish recording', () =>
      ctx.api.post(onCall('/recording'), {
        url: recordingUrl.value,
        durationSeconds: Number(recordingLength.value),
      }),
    );

  const voicemailUrl = input({
    value: 'https://recordings.example.com/voicemail.wav',
    'data-testid': 'voicemail-url',
  });
  const voicemailText = input({
    value: 'Please call me back about my order.',
    'data-testid': 'voicemail-text',
  });
  const leaveVoicemail = () =>
    ctx.run('Leave voicemail', () =>
      ctx.api.post(onCall('/voicemail'), {
        url: voicemailUrl.value,
        durationSeconds: 20,
        transcript: voicemailText.value,
      }),
    );

  const stats = h(
    'textarea',
    { class: 'slds-textarea', rows: 5, 'data-testid': 'audio-stats' },
    SAMPLE_STATS,
  );
  const pushStats = () =>
    ctx.run('Update audio stats', () =>
      ctx.api.post(onCall('/audio-stats'), { stats: JSON.parse(stats.value) as unknown }),
    );

  const el = card(
    'Active Calls',
    list,
    h('h3', { class: 'slds-text-heading_small slds-m-vertical_x-small' }, 'Selected call'),
    field('Call id', callId),
    h(
      'div',
      { class: 'slds-m-vertical_x-small' },
      h('span', { class: 'slds-text-title slds-m-right_x-small' }, 'Agent actions:'),
      button('Mute', () => void deskKey('mute'), 'neutral', { 'data-testid': 'agent-mute' }),
      button('Unmute', () => void deskKey('unmute'), 'neutral', { 'data-testid': 'agent-unmute' }),
      button('Hold', () => void deskKey('hold'), 'neutral', { 'data-testid': 'agent-hold' }),
      button('Resume', () => void deskKey('resume'), 'neutral', { 'data-testid': 'agent-resume' }),
      button('Pause recording', () => void agentAction('pauseRecording'), 'neutral', {
        'data-testid': 'agent-pause-recording',
      }),
      button('Resume recording', () => void agentAction('resumeRecording'), 'neutral', {
        'data-testid': 'agent-resume-recording',
      }),
      button('Swap', () => void agentAction('swap'), 'neutral', { 'data-testid': 'agent-swap' }),
      button('Conference', () => void agentAction('conference'), 'neutral', {
        'data-testid': 'agent-conference',
      }),
      button('Hang up', () => void deskKey('hangup'), 'destructive', { 'data-testid': 'agent-hangup' }),
    ),
    h(
      'div',
      { class: 'slds-grid slds-gutters_x-small slds-wrap' },
      h('div', { class: 'slds-col slds-size_1-of-2' }, field('Keypad digits', digits)),
      h(
        'div',
        { class: 'slds-col slds-size_1-of-2 slds-p-top_large' },
        button('Send digits', () => void agentAction('sendDigits', { digits: digits.value }), 'neutral', {
          'data-testid': 'agent-digits',
        }),
      ),
    ),
    h('h3', { class: 'slds-text-heading_small slds-m-vertical_x-small' }, 'Call Transcript'),
    h(
      'div',
      { class: 'slds-grid slds-gutters_x-small' },
      h('div', { class: 'slds-col slds-size_1-of-3' }, field('Speaker', speaker)),
      h('div', { class: 'slds-col slds-size_2-of-3' }, field('Statement', utterance)),
    ),
    button('Add to Transcript', () => void addTranscript(), 'neutral', { 'data-testid': 'add-transcript' }),
    h('h3', { class: 'slds-text-heading_small slds-m-vertical_x-small' }, 'Call Recording'),
    h(
      'div',
      { class: 'slds-grid slds-gutters_x-small' },
      h('div', { class: 'slds-col slds-size_2-of-3' }, field('Recording URL', recordingUrl)),
      h('div', { class: 'slds-col slds-size_1-of-3' }, field('Recording length (s)', recordingLength)),
    ),
    button('Publish', () => void publish(), 'neutral', { 'data-testid': 'publish-recording' }),
    h('h3', { class: 'slds-text-heading_small slds-m-vertical_x-small' }, 'Voicemail'),
    h(
      'div',
      { class: 'slds-grid slds-gutters_x-small' },
      h('div', { class: 'slds-col slds-size_1-of-2' }, field('Voicemail URL', voicemailUrl)),
      h('div', { class: 'slds-col slds-size_1-of-2' }, field('Voicemail transcript', voicemailText)),
    ),
    button(
      'Caller asks for voicemail',
      () => void ctx.run('Voicemail request', () => ctx.api.post(onCall('/voicemail-request'))),
      'neutral',
      {
        'data-testid': 'voicemail-request',
      },
    ),
    button('Leave voicemail', () => void leaveVoicemail(), 'neutral', { 'data-testid': 'leave-voicemail' }),
    h('h3', { class: 'slds-text-heading_small slds-m-vertical_x-small' }, 'MOS'),
    field('Audio stats', stats),
    button('Update audio stats', () => void pushStats(), 'neutral', { 'data-testid': 'push-audio-stats' }),
  );

  return {
    el,
    render(snapshot: Snapshot) {
      latest = snapshot;
      const calls = snapshot.calls;
      ctx.phones.keepOnly(
        new Set(
          snapshot.calls.flatMap((c) => c.participants.filter((p) => p.state !== 'ended').map((p) => p.id)),
        ),
      );
      const phones = snapshot.calls.flatMap((c) => c.participants.map((p) => ctx.phones.get(p.id)?.state));
      const key = JSON.stringify([calls, ctx.selectedCallId, Math.floor(snapshot.at / 1000), phones]);
      replaceIfChanged(list, key, () =>
        calls.length === 0
          ? [h('p', { class: 'slds-text-color_weak', 'data-testid': 'no-active-calls' }, 'No active calls.')]
          : [
              table(
                ['Call', 'State', 'From → to', 'Recording', 'Participants'],
                calls.map((c) => callRow(ctx, snapshot, c)),
              ),
            ],
      );
    },
  };
}

function callRow(ctx: PageContext, snapshot: Snapshot, c: ActiveCall) {
  const selected = c.callId === ctx.selectedCallId;
  return [
    h(
      'a',
      {
        href: '#',
        class: selected ? 'slds-text-title_bold' : '',
        'data-testid': `call-${c.callId}`,
        onclick: (e: Event) => (e.preventDefault(), ctx.selectCall(c.callId)),
      },
      `${c.callId}${selected ? ' ◀' : ''}`,
    ),
    [
      badge(c.state, c.state === 'connected' ? 'success' : c.state === 'ringing' ? 'warning' : ''),
      ` ${c.kind}${c.origin ? ` (${c.origin})` : ''}`,
      h('br'),
      duration(snapshot.at - c.createdAt),
    ],
    `${c.callerName ? `${c.callerName} ` : ''}${c.from} → ${c.to}`,
    c.recording.enabled
      ? c.recording.active
        ? 'recording'
        : c.recording.paused
          ? 'paused'
          : 'not now'
      : 'off',
    c.participants.map((p) => participantLine(ctx, snapshot, c, p)),
  ];
}

function participantLine(ctx: PageContext, snapshot: Snapshot, c: ActiveCall, p: ActiveCallParticipant) {
  const who =
    p.role === 'agent' || p.role === 'supervisor'
      ? agentName(snapshot, p.userId)
      : (p.name ?? p.phoneNumber ?? p.role);
  const flags = [
    p.muted ? 'muted' : '',
    p.onHold ? 'on hold' : '',
    p.device && p.device !== 'soft' ? p.device : '',
  ]
    .filter(Boolean)
    .join(', ');
  const actions: HTMLElement[] = [];
  const act = (label: string, path: string, testId: string, body: unknown = {}) =>
    actions.push(
      button(label, () => void ctx.run(label, () => ctx.api.post(path, body)), 'neutral', {
        'data-testid': testId,
        class: 'slds-button slds-button_neutral slds-button_stretch sb-small',
      }),
    );
  if (p.role === 'initial_caller') {
    if (p.state === 'dialing')
      act('Customer joins', `/calls/${c.callId}/answer`, `customer-joins-${c.callId}`);
    act('Customer leaves', `/calls/${c.callId}/hangup`, `customer-leaves-${c.callId}`);
  }
  if (p.role === 'third_party') {
    if (p.state === 'dialing' || p.state === 'ringing')
      act('Third party joins', `/calls/${c.callId}/participants/${p.id}/answer`, `third-party-joins-${p.id}`);
    act('Third party leaves', `/calls/${c.callId}/participants/${p.id}/hangup`, `third-party-leaves-${p.id}`);
  }
  const phone = ctx.phones.get(p.id);
  if ((p.role === 'initial_caller' || p.role === 'third_party') && p.state !== 'ended') {
    if (phone)
      actions.push(
        button('Hang up audio', () => ctx.phones.hangup(p.id), 'neutral', {
          'data-testid': `browser-audio-off-${p.id}`,
          class: 'slds-button slds-button_neutral slds-button_stretch sb-small',
        }),
      );
    else
      actions.push(
        button(
          'Talk in this browser',
          () => void ctx.run('Browser audio', () => ctx.phones.connect(c.callId, p.id)),
          'neutral',
          {
            'data-testid': `browser-audio-${p.id}`,
            class: 'slds-button slds-button_neutral slds-button_stretch sb-small',
          },
        ),
      );
  }
  if (p.role === 'agent' && p.userId && p.state === 'ringing')
    act('Answer on desk phone', `/agents/${p.userId}/deskphone/answer`, `desk-answer-${p.id}`, {
      callId: c.callId,
    });
  return h(
    'div',
    { class: 'slds-m-bottom_xx-small', 'data-testid': `participant-${p.id}` },
    `${p.role.replace('_', ' ')}: ${who} — ${p.state}${flags ? ` (${flags})` : ''} `,
    phone ? h('span', { 'data-testid': `browser-audio-state-${p.id}` }, `audio ${phone.state} `) : null,
    ...actions,
  );
}
