/**
 * The emulated service console with the Omni-Channel utility (docs/emulator.md). It hosts the
 * connector as Salesforce does (connectorHost.ts) and shows what Omni-Channel shows: presence, the
 * telephony login frame, offers, call controls, after-call work, phone settings, the supervisor
 * panel, errors, and the org's VoiceCall records.
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
  setOptions,
  table,
} from '../../../../shared/dom.ts';
import { ConnectorHost } from './connectorHost.ts';
import { FROM_CONNECTOR, TELEPHONY_EVENT, TO_CONNECTOR } from './lightning/bridgeEvents.ts';
import { applyEvent, callsOf, OmniState, type AudioSample, type PhoneCall } from './omniState.ts';
import { field as recordField, loadVoiceCalls, recordOf, type VoiceCallRecord } from './records.ts';

interface PresenceStatus {
  statusId: string;
  statusName: string;
  hasChannels: boolean;
  isOffline: boolean;
}

interface ConsoleConfig {
  org: { id: string; domain: string };
  user: { userId: string; userName: string; name: string; supervisor?: boolean };
  contactCenter: { internalName: string; displayName: string };
  connectorUrl: string;
  connectorConfig: Record<string, unknown>;
  presenceStatuses: PresenceStatus[];
  ringTimeoutSeconds: number;
  statusOnPushTimeout: string | null;
  statusOnDecline: string | null;
  labels: Record<string, string>;
  hasVoiceCallRecords: boolean;
}

const PAGE_SIZE = 10;
const state = new OmniState();
let records: VoiceCallRecord[] = [];
let config: ConsoleConfig;
let host: ConnectorHost;
const statusKey = () => `omni.status.${config.user.userId}`;

/** A connector error as Omni-Channel shows it: custom errors resolve their label in the org's label table. */
function errorText(payload: unknown): string {
  const p = payload as {
    message?: string;
    customError?: { labelName?: string; namespace?: string; message?: string };
  };
  if (p?.customError) {
    const { labelName = '', namespace = '', message = '' } = p.customError;
    const value = config.labels[labelName] ?? config.labels[`${namespace}__${labelName}`];
    return value ?? `${message || 'Error'} (label ${namespace ? `${namespace}.` : ''}${labelName} not found)`;
  }
  return `Error: ${p?.message ?? 'unknown'}`;
}

function send(type: string, fields: Record<string, unknown> = {}): void {
  try {
    host.send(type, fields);
  } catch (err) {
    state.notice('error', String(err instanceof Error ? err.message : err));
  }
  render();
}

function statusById(id: string): PresenceStatus | undefined {
  return config.presenceStatuses.find((s) => s.statusId === id);
}

function setPresence(statusId: string): void {
  const s = statusById(statusId);
  if (!s) return;
  const enqueue = state.busy();
  state.pendingStatusId = statusId;
  sessionStorage.setItem(statusKey(), statusId);
  send('SET_AGENT_STATUS', {
    agentStatus: s.isOffline ? 'Offline' : s.statusName,
    statusInfo: {
      statusId: s.statusId,
      statusName: s.statusName,
      statusApiName: s.statusName.replace(/\W/g, '_'),
    },
    enqueueNextState: enqueue,
  });
  if (!enqueue) {
    state.setStatus(statusId);
    if (s.hasChannels) send('AGENT_AVAILABLE', { isAvailable: true });
  }
}

/**
 * The guide ("Handling Missed Calls and Call Errors"): Omni-Channel sets the status of "Update Status
 * on Decline" when the agent declines a call, and that of "Update Status on Push Time-Out" "when the
 * call is missed or if there's any error that isn't due to call declined" (a HANGUP with reason error).
 */
function applyPresenceConfiguration(payload: unknown): void {
  for (const c of callsOf(payload)) {
    if (c.reason !== 'error' || !c.agentStatus) continue;
    const statusId =
      c.agentStatus === 'DeclinedByAgent' ? config.statusOnDecline : config.statusOnPushTimeout;
    if (statusId && statusId !== state.statusId) setPresence(statusId);
  }
}

// ---------------------------------------------------------------- static controls

const presenceSelect = select([], { 'data-testid': 'presence-select' });
presenceSelect.addEventListener('change', () => setPresence(presenceSelect.value));
const search = input({ placeholder: 'Search the phone book', 'data-testid': 'contacts-search' });
const searchType = select(
  [
    ['', 'All'],
    ['Agent', 'Agents'],
    ['Queue', 'Queues'],
    ['PhoneBook', 'Phone book'],
    ['Flow', 'Flows'],
  ],
  { 'data-testid': 'contacts-type' },
);
let contactsOffset = 0;
const findContacts = (offset = 0) => {
  contactsOffset = Math.max(0, offset);
  send('GET_PHONE_CONTACTS', {
    filter: {
      contains: search.value.trim() || undefined,
      limit: PAGE_SIZE,
      offset: contactsOffset,
      ...(searchType.value ? { type: searchType.value } : {}),
    },
  });
};
search.addEventListener('keydown', (e) => e.key === 'Enter' && findContacts(0));
const dialNumber = input({ placeholder: '+1 415 555 0123', 'data-testid': 'dial-number' });
const digits = input({ placeholder: 'digits', 'data-testid': 'keypad-digits' });
const deskNumber = input({ placeholder: 'desk phone number', 'data-testid': 'desk-phone-number' });
const phoneType = select(
  [
    ['SOFT_PHONE', 'Computer (soft phone)'],
    ['DESK_PHONE', 'Desk phone'],
  ],
  { 'data-testid': 'phone-type' },
);
/** Omni-Channel's device selection (shown when the connector can set the speaker and microphone). */
const speakerDevice = select([], { 'data-testid': 'speaker-device' });
const microphoneDevice = select([], { 'data-testid': 'microphone-device' });
const devicesBox = h('div', { 'data-testid': 'audio-devices' });
const messageText = h(
  'textarea',
  { class: 'slds-textarea', rows: 2, 'data-testid': 'bridge-message' },
  '{"type":"HELLO","payload":{}}',
);

// ---------------------------------------------------------------- dynamic regions

const header = h('div');
const presenceInfo = h('div', { class: 'slds-m-top_x-small', 'data-testid': 'presence-info' });
/** A developer aid, not Salesforce's: Omni-Channel hides the connector's frame after login (docs/emulator.md). */
const showFrame = h('input', { type: 'checkbox', 'data-testid': 'show-connector-frame' });
showFrame.addEventListener('change', () => render());
const loginBox = h('div', { class: 'omni-login', 'data-testid': 'login-frame' });
const noticesBox = h('div', { 'data-testid': 'notices' });
const incomingBox = h('div');
const callsBox = h('div');
const acwBox = h('div');
const contactsBox = h('div', { 'data-testid': 'contacts' });
const supervisorBox = h('div');
const messagesBox = h('div', { class: 'omni-pre', 'data-testid': 'bridge-messages' });
const recordsBox = h('div', { 'data-testid': 'voice-calls' });
const logBox = h('div', { class: 'omni-log', 'data-testid': 'event-log' });
const capabilitiesBox = h('p', {
  class: 'slds-text-body_small slds-m-bottom_x-small',
  'data-testid': 'capabilities',
});

function activeLine(): PhoneCall | undefined {
  return [...state.lines.values()].find((c) => c.state !== 'ended');
}

function contactLabel(c: PhoneCall | undefined): string {
  if (!c) return '';
  const name = c.contact?.name;
  const number = c.contact?.phoneNumber ?? c.phoneNumber;
  return [name, number].filter(Boolean).join(' · ') || c.callId;
}

function renderIncoming(now: number): void {
  const r = state.ringing;
  const key = JSON.stringify([r, Math.floor(now / 1000), records.length]);
  replaceIfChanged(incomingBox, key, () => {
    if (!r) return [];
    const rec = recordOf(records, r.call.callId);
    const left = config.ringTimeoutSeconds * 1000 - (now - r.receivedAt);
    return [
      card(
        'Incoming work',
        h(
          'div',
          { class: 'omni-ringing', 'data-testid': 'incoming', 'data-call-id': r.call.callId },
          h(
            'p',
            { class: 'slds-text-title_caps', 'data-testid': 'incoming-type' },
            r.queued ? 'Queued callback' : `${r.call.callType ?? ''} call`,
          ),
          h(
            'p',
            { class: 'slds-text-heading_small', 'data-testid': 'incoming-caller' },
            contactLabel(r.call),
          ),
          h('p', { 'data-testid': 'incoming-dialed' }, `Dialed number: ${recordField(rec, 'to') || '—'}`),
          r.call.callInfo?.queueName ? h('p', {}, `Queue: ${r.call.callInfo.queueName}`) : null,
          h(
            'p',
            { 'data-testid': 'ring-deadline' },
            left > 0 ? `Answer within ${duration(left)}` : 'Ringing…',
          ),
          h(
            'div',
            { class: 'slds-m-top_x-small' },
            button(
              'Accept',
              () => {
                r.accepted = true;
                send('ACCEPT_CALL', { call: r.call });
              },
              'success',
              { 'data-testid': 'accept-call' },
            ),
            r.queued
              ? null
              : button('Decline', () => send('DECLINE_CALL', { call: r.call }), 'destructive', {
                  'data-testid': 'decline-call',
                }),
          ),
        ),
      ),
    ];
  });
}

function shown(c: PhoneCall, key: string): boolean {
  return c.callInfo?.[key] !== false;
}

function channelText(label: string, c: AudioSample['inputChannelStats']): string {
  if (!c) return '';
  return `${label} ${c.packetsCount ?? 0} packets, ${c.packetsLost ?? 0} lost, jitter ${c.jitterBufferMillis ?? 0} ms, RTT ${c.roundTripTimeMillis ?? 0} ms`;
}

/** The call's last AUDIO_STATS, as Salesforce received it. */
function audioLine(callId: string): HTMLElement | null {
  const s = state.audioStats.get(callId);
  if (!s) return null;
  return h(
    'p',
    { class: 'slds-text-body_small', 'data-testid': 'call-audio-stats' },
    `Audio: ${[channelText('sent', s.inputChannelStats), channelText('received', s.outputChannelStats)].filter(Boolean).join('; ')}`,
  );
}

function renderDevices(): void {
  devicesBox.hidden = state.capabilities.HAS_SET_EXTERNAL_SPEAKER !== true;
  const of = (kind: string): Array<[string, string]> => [
    ['', 'Default'],
    ...state.audioDevices
      .filter((d) => d.kind === kind)
      .map((d): [string, string] => [d.deviceId, d.label || d.deviceId]),
  ];
  setOptions(speakerDevice, of('audiooutput'));
  setOptions(microphoneDevice, of('audioinput'));
  if (devicesBox.childElementCount === 0)
    devicesBox.append(
      field('Speaker', speakerDevice),
      field('Microphone', microphoneDevice),
      button('List audio devices', () => send('GET_AUDIO_DEVICES'), 'neutral', {
        'data-testid': 'get-audio-devices',
      }),
    );
}

function renderCalls(now: number): void {
  const lines = [...state.lines.values()];
  const legs = [...state.legs.values()];
  const stats = [...state.audioStats];
  const key = JSON.stringify([lines, legs, state.muted, state.bargedInBy, stats, Math.floor(now / 1000)]);
  replaceIfChanged(callsBox, key, () =>
    lines.map((line) => {
      const info = line.callInfo ?? {};
      const held = Boolean(line.callAttributes?.isOnHold ?? info.isOnHold);
      const paused = Boolean(info.isRecordingPaused);
      const myLegs = legs.filter((l) => l.callId === line.callId);
      const since = info.callStateTimestamp ? Date.parse(String(info.callStateTimestamp)) : now;
      const variant = String(info.removeParticipantVariant ?? 'ALWAYS');
      return card(
        `${line.callType ?? 'Call'} call`,
        h(
          'div',
          { 'data-testid': 'active-call', 'data-call-id': line.callId },
          h('p', { class: 'slds-text-heading_small', 'data-testid': 'call-contact' }, contactLabel(line)),
          h(
            'p',
            { 'data-testid': 'call-state' },
            badge(line.state ?? '', line.state === 'connected' ? 'success' : 'warning'),
            ` ${duration(now - since)}`,
            held ? badge('on hold', 'warning') : null,
            state.muted ? badge('muted', 'inverse') : null,
            info.recordEnabled
              ? badge(paused ? 'recording paused' : 'recording', paused ? '' : 'error')
              : null,
            line.isReplayedCall ? badge('restored') : null,
          ),
          audioLine(line.callId),
          ...myLegs.map((leg) =>
            h(
              'div',
              { class: 'omni-leg', 'data-testid': `leg-${leg.connectionId}` },
              `${leg.contact?.name ?? leg.phoneNumber ?? leg.connectionId} — ${leg.state === 'transferred' ? 'connected' : 'dialing'}`,
              leg.callAttributes?.isOnHold ? ' (on hold)' : '',
              ' ',
              button(
                leg.callAttributes?.isOnHold ? 'Resume' : 'Hold',
                () => send(leg.callAttributes?.isOnHold ? 'RESUME' : 'HOLD', { call: leg }),
                'neutral',
                {
                  'data-testid': `leg-hold-${leg.connectionId}`,
                },
              ),
              variant === 'NEVER' || (variant === 'ALWAYS_EXCEPT_ON_HOLD' && leg.callAttributes?.isOnHold)
                ? null
                : button('Remove', () => send('END_CALL', { call: leg }), 'neutral', {
                    'data-testid': `leg-remove-${leg.connectionId}`,
                  }),
            ),
          ),
          h(
            'div',
            { class: 'omni-controls' },
            shown(line, 'showMuteButton')
              ? button(
                  state.muted ? 'Unmute' : 'Mute',
                  () => send(state.muted ? 'UNMUTE' : 'MUTE', { call: line }),
                  'neutral',
                  { 'data-testid': 'mute' },
                )
              : null,
            button(
              held ? 'Resume' : 'Hold',
              () => send(held ? 'RESUME' : 'HOLD', { call: line }),
              'neutral',
              { 'data-testid': 'hold' },
            ),
            shown(line, 'showRecordButton') && info.recordEnabled
              ? button(
                  paused ? 'Resume recording' : 'Pause recording',
                  () => send(paused ? 'RESUME_RECORDING' : 'PAUSE_RECORDING', { call: line }),
                  'neutral',
                  {
                    'data-testid': 'record',
                  },
                )
              : null,
            shown(line, 'showSwapButton') && myLegs.length > 0
              ? button(
                  'Swap',
                  () =>
                    send('SWAP_PARTICIPANTS', {
                      callToHold: held ? myLegs[0] : line,
                      callToResume: held ? line : myLegs[0],
                    }),
                  'neutral',
                  {
                    'data-testid': 'swap',
                  },
                )
              : null,
            shown(line, 'showMergeButton') && myLegs.length > 0
              ? button('Merge', () => send('CONFERENCE', { calls: [line, ...myLegs] }), 'neutral', {
                  'data-testid': 'merge',
                })
              : null,
            button(
              'End call',
              () => send('END_CALL', { call: line, agentStatus: 'Available' }),
              'destructive',
              { 'data-testid': 'end-call' },
            ),
          ),
        ),
      );
    }),
  );
}

function renderAcw(now: number): void {
  const acw = state.acw;
  replaceIfChanged(acwBox, JSON.stringify([acw, Math.floor(now / 1000)]), () =>
    acw
      ? [
          card(
            'After-call work',
            h(
              'div',
              { 'data-testid': 'acw' },
              h('p', {}, `Wrapping up call ${acw.callId} — ${duration(now - acw.since)}`),
              button('Wrap up', () => send('WRAP_UP_CALL', { call: { callId: acw.callId } }), 'brand', {
                'data-testid': 'wrap-up',
              }),
            ),
          ),
        ]
      : [],
  );
}

function renderContacts(): void {
  const onCall = activeLine();
  const list = state.contacts.list;
  replaceIfChanged(contactsBox, JSON.stringify([list, Boolean(onCall), contactsOffset]), () => [
    list.length === 0
      ? h('p', { class: 'slds-text-color_weak' }, 'No contacts shown. Search the phone book.')
      : h(
          'ul',
          { class: 'omni-contacts' },
          ...list.map((c) => {
            const contact = { ...c };
            const testId = String(c.name ?? c.id).replace(/\W+/g, '-');
            return h(
              'li',
              { class: 'omni-contact', 'data-testid': `contact-${testId}` },
              h(
                'div',
                {},
                h('strong', {}, String(c.name ?? '')),
                c.phoneNumber ? ` ${String(c.phoneNumber)}` : '',
                ' ',
                badge(String(c.type ?? '')),
                ' ',
                c.availability
                  ? badge(
                      String(c.availability),
                      c.availability === 'AVAILABLE' ? 'success' : c.availability === 'BUSY' ? 'warning' : '',
                    )
                  : null,
                c.queueWaitTime !== undefined && c.queueWaitTime !== null
                  ? ` wait ${duration(Number(c.queueWaitTime) * 1000)}`
                  : '',
              ),
              h(
                'div',
                { class: 'omni-contact-actions' },
                onCall
                  ? [
                      button(
                        'Consult',
                        () => send('ADD_PARTICIPANT', { contact, call: onCall, isBlindTransfer: false }),
                        'neutral',
                        { 'data-testid': `consult-${testId}` },
                      ),
                      shown(onCall, 'showAddBlindTransferButton')
                        ? button(
                            'Transfer',
                            () => send('ADD_PARTICIPANT', { contact, call: onCall, isBlindTransfer: true }),
                            'neutral',
                            { 'data-testid': `transfer-${testId}` },
                          )
                        : null,
                    ]
                  : button('Call', () => send('DIAL', { contact, params: [] }), 'neutral', {
                      'data-testid': `call-${testId}`,
                    }),
              ),
            );
          }),
        ),
    h(
      'div',
      { class: 'slds-m-top_x-small' },
      button('Previous', () => findContacts(contactsOffset - PAGE_SIZE), 'neutral', {
        disabled: contactsOffset === 0,
        'data-testid': 'contacts-prev',
      }),
      button('Next', () => findContacts(contactsOffset + PAGE_SIZE), 'neutral', {
        disabled: list.length < PAGE_SIZE,
        'data-testid': 'contacts-next',
      }),
    ),
  ]);
}

function renderSupervisor(): void {
  if (!config.user.supervisor) return;
  const live = records.filter((r) => r.callDisposition !== 'completed' && !r.parentVoiceCallId);
  const sup = state.supervised;
  replaceIfChanged(supervisorBox, JSON.stringify([live.map((r) => r.vendorCallKey), sup]), () => [
    card(
      'Supervisor',
      h(
        'div',
        { 'data-testid': 'supervisor' },
        sup
          ? h(
              'div',
              { 'data-testid': 'supervising' },
              h('p', {}, `${sup.bargedIn ? 'In the call' : 'Listening in'}: ${contactLabel(sup.call)}`),
              sup.bargedIn
                ? null
                : button('Barge in', () => send('SUPERVISOR_BARGE_IN', { call: sup.call }), 'neutral', {
                    'data-testid': 'barge-in',
                  }),
              button('Leave', () => send('SUPERVISOR_DISCONNECT', { call: sup.call }), 'destructive', {
                'data-testid': 'leave-supervision',
              }),
            )
          : null,
        live.length === 0
          ? h('p', { class: 'slds-text-color_weak' }, 'No call in progress.')
          : table(
              ['Call', 'From', 'To', ''],
              live.map((r) => [
                r.vendorCallKey,
                recordField(r, 'from'),
                recordField(r, 'to'),
                sup
                  ? ''
                  : button(
                      'Listen in',
                      () =>
                        send('SUPERVISE_CALL', {
                          call: {
                            callId: r.vendorCallKey,
                            voiceCallId: r.voiceCallId,
                            callType: recordField(r, 'initiationMethod'),
                            from: recordField(r, 'from'),
                            to: recordField(r, 'to'),
                          },
                        }),
                      'neutral',
                      { 'data-testid': `listen-${r.vendorCallKey}` },
                    ),
              ]),
            ),
      ),
    ),
  ]);
}

function renderRecords(): void {
  replaceIfChanged(recordsBox, JSON.stringify([records, [...state.recordingLinks], [...state.mos]]), () =>
    records.length === 0
      ? [
          h(
            'p',
            { class: 'slds-text-color_weak' },
            config.hasVoiceCallRecords
              ? 'No VoiceCall records yet.'
              : 'No telephony API is connected to this org.',
          ),
        ]
      : [...records].reverse().map((r) => {
          const link = state.recordingLinks.get(r.voiceCallId) ?? state.recordingLinks.get(r.vendorCallKey);
          const recording = recordField(r, 'recordingLocation');
          return h(
            'div',
            { class: 'omni-record', 'data-testid': `voice-call-${r.vendorCallKey}` },
            h(
              'p',
              {},
              h('strong', {}, `${recordField(r, 'initiationMethod') || 'VoiceCall'} ${r.voiceCallId}`),
              ' ',
              badge(
                r.callDisposition,
                r.callDisposition === 'in-progress'
                  ? 'warning'
                  : r.callDisposition === 'completed'
                    ? 'success'
                    : '',
              ),
            ),
            h(
              'p',
              {},
              `${recordField(r, 'from')} → ${recordField(r, 'to')} · key ${r.vendorCallKey}${r.parentVoiceCallId ? ` · parent ${r.parentVoiceCallId}` : ''}`,
            ),
            recordField(r, 'callOrigin') ? h('p', {}, `Origin: ${recordField(r, 'callOrigin')}`) : null,
            recordField(r, 'totalHoldDuration')
              ? h('p', {}, `Hold: ${recordField(r, 'totalHoldDuration')} s`)
              : null,
            state.mos.has(r.vendorCallKey)
              ? h(
                  'p',
                  { 'data-testid': `mos-${r.vendorCallKey}` },
                  `Mean Opinion Score: ${state.mos.get(r.vendorCallKey)?.toFixed(2)}`,
                )
              : null,
            recording
              ? h(
                  'p',
                  { 'data-testid': `recording-${r.vendorCallKey}` },
                  `Recording: ${recording} (${recordField(r, 'totalRecordingDuration') || '?'} s) `,
                  button(
                    'Play',
                    () =>
                      send('GET_SIGNED_RECORDING_URL', {
                        recordingUrl: recording,
                        vendorCallKey: r.vendorCallKey,
                        callId: r.voiceCallId,
                      }),
                    'neutral',
                    {
                      'data-testid': `play-${r.vendorCallKey}`,
                    },
                  ),
                  link
                    ? h(
                        'a',
                        {
                          href: link.url,
                          target: '_blank',
                          'data-testid': `recording-link-${r.vendorCallKey}`,
                        },
                        ' signed link',
                      )
                    : null,
                )
              : null,
            r.transcripts.length
              ? h(
                  'ul',
                  { class: 'omni-transcript', 'data-testid': `transcript-${r.vendorCallKey}` },
                  ...r.transcripts.map((t) => h('li', {}, h('strong', {}, `${t.senderType}: `), t.content)),
                )
              : null,
          );
        }),
  );
}

function renderLog(): void {
  const last = host.log
    .filter((l) => !l.type.startsWith('LOG '))
    .slice(-40)
    .reverse();
  replaceIfChanged(logBox, JSON.stringify(last.map((l) => [l.at, l.type])), () =>
    last.map((l) =>
      h(
        'div',
        {},
        `${new Date(l.at).toLocaleTimeString()} ${l.direction === 'to connector' ? '→' : '←'} ${l.type}`,
      ),
    ),
  );
}

function render(): void {
  const now = Date.now();
  const s = statusById(state.statusId);
  setOptions(
    presenceSelect,
    config.presenceStatuses.map((p) => [p.statusId, p.statusName]),
  );
  if (document.activeElement !== presenceSelect) presenceSelect.value = state.statusId;
  presenceSelect.disabled = !state.ready;
  replaceIfChanged(
    presenceInfo,
    JSON.stringify([
      state.statusId,
      state.pendingStatusId,
      Math.floor((now - state.statusSince) / 1000),
      state.ready,
    ]),
    () => [
      h('span', {
        class: `omni-dot omni-dot_${s?.hasChannels ? 'online' : s?.isOffline ? 'offline' : 'away'}`,
      }),
      h('span', { 'data-testid': 'presence-status' }, s?.statusName ?? state.statusId),
      h(
        'span',
        { class: 'slds-m-left_x-small', 'data-testid': 'presence-time' },
        duration(now - state.statusSince),
      ),
      state.pendingStatusId && state.pendingStatusId !== state.statusId
        ? h(
            'span',
            { class: 'slds-m-left_x-small' },
            `next: ${statusById(state.pendingStatusId)?.statusName ?? ''}`,
          )
        : null,
      state.ready
        ? null
        : h('span', { class: 'slds-m-left_x-small slds-text-color_weak' }, '(telephony not connected)'),
    ],
  );
  const frameShown = state.login.visible || (state.ready && showFrame.checked);
  loginBox.style.height = state.login.visible ? `${state.login.height}px` : frameShown ? '200px' : '0px';
  loginBox.classList.toggle('omni-login_visible', frameShown);
  replaceIfChanged(header, JSON.stringify([state.ready]), () => [
    h(
      'div',
      { class: 'slds-page-header omni-header' },
      h('h1', { class: 'slds-page-header__title' }, 'Service Console'),
      h(
        'span',
        { class: 'slds-m-left_small' },
        `${config.org.domain}.lightning.force.com · ${config.user.name} (${config.user.userName}) · ${config.contactCenter.displayName}`,
      ),
      h(
        'span',
        { class: 'slds-m-left_small', 'data-testid': 'connector-state' },
        badge(state.ready ? 'ready' : 'not ready', state.ready ? 'success' : ''),
      ),
    ),
  ]);
  replaceIfChanged(noticesBox, JSON.stringify(state.notices.slice(-4)), () =>
    state.notices
      .slice(-4)
      .reverse()
      .map((n) =>
        h(
          'div',
          {
            class: `slds-notify slds-notify_alert slds-theme_${n.tone === 'info' ? 'info' : n.tone} omni-notice`,
            role: 'alert',
            'data-tone': n.tone,
          },
          n.text,
        ),
      ),
  );
  renderDevices();
  renderIncoming(now);
  renderCalls(now);
  renderAcw(now);
  renderContacts();
  renderSupervisor();
  replaceIfChanged(messagesBox, String(state.messages.length), () =>
    state.messages
      .slice(-5)
      .map((m) => h('div', {}, `${new Date(m.at).toLocaleTimeString()} ${JSON.stringify(m.message)}`)),
  );
  renderRecords();
  renderLog();
}

function layout(): void {
  const omni = h(
    'div',
    { class: 'omni-utility', 'data-testid': 'omni-channel' },
    card(
      'Omni-Channel',
      presenceSelect,
      presenceInfo,
      h(
        'label',
        { class: 'slds-text-body_small omni-dev' },
        showFrame,
        ' show the connector’s frame (emulator only)',
      ),
    ),
    loginBox,
    noticesBox,
    incomingBox,
    callsBox,
    acwBox,
    card(
      'Phone',
      h(
        'div',
        { class: 'slds-grid slds-gutters_xx-small' },
        h('div', { class: 'slds-col' }, dialNumber),
        h(
          'div',
          { class: 'slds-col slds-grow-none' },
          button(
            'Call',
            () => send('DIAL', { contact: { phoneNumber: dialNumber.value.trim() }, params: [] }),
            'brand',
            { 'data-testid': 'dial' },
          ),
        ),
      ),
      h(
        'div',
        { class: 'slds-grid slds-gutters_xx-small slds-m-top_x-small' },
        h('div', { class: 'slds-col' }, digits),
        h(
          'div',
          { class: 'slds-col slds-grow-none' },
          button('Send digits', () => send('SEND_DIGITS', { digits: digits.value.trim() }), 'neutral', {
            'data-testid': 'send-digits',
          }),
        ),
      ),
      h(
        'div',
        { class: 'omni-keypad' },
        ...'123456789*0#'
          .split('')
          .map((d) =>
            button(d, () => send('SEND_DIGITS', { digits: d }), 'neutral', { 'data-testid': `key-${d}` }),
          ),
      ),
    ),
    card(
      'Add caller / phone book',
      h(
        'div',
        { class: 'slds-grid slds-gutters_xx-small' },
        h('div', { class: 'slds-col' }, search),
        h('div', { class: 'slds-col slds-grow-none' }, searchType),
        h(
          'div',
          { class: 'slds-col slds-grow-none' },
          button('Search', () => findContacts(0), 'neutral', { 'data-testid': 'contacts-find' }),
        ),
      ),
      contactsBox,
    ),
    supervisorBox,
    card(
      'Settings',
      capabilitiesBox,
      field('Phone', phoneType),
      field('Desk phone number', deskNumber),
      devicesBox,
      button(
        'Save',
        () =>
          send('SET_AGENT_CONFIG', {
            config: {
              selectedPhone: {
                type: phoneType.value,
                ...(phoneType.value === 'DESK_PHONE' ? { number: deskNumber.value.trim() } : {}),
              },
              ...(devicesBox.hidden
                ? {}
                : { speakerDeviceId: speakerDevice.value, microphoneDeviceId: microphoneDevice.value }),
            },
          }),
        'neutral',
        { 'data-testid': 'save-phone-settings' },
      ),
      h(
        'div',
        { class: 'slds-m-top_small' },
        button('Download connector logs', () => send('DOWNLOAD_VENDOR_LOGS'), 'neutral', {
          'data-testid': 'download-logs',
        }),
        button('Log out of telephony', () => send('LOGOUT'), 'neutral', {
          'data-testid': 'telephony-logout',
        }),
      ),
    ),
    card(
      'Lightning message bridge',
      messageText,
      button(
        'Send to the connector',
        () => send('MESSAGE', { message: JSON.parse(messageText.value) as unknown }),
        'neutral',
        { 'data-testid': 'bridge-send' },
      ),
      h('p', { class: 'slds-text-title slds-m-top_x-small' }, 'Received'),
      messagesBox,
    ),
  );
  const main = h(
    'div',
    { class: 'omni-main' },
    card('VoiceCall records', recordsBox),
    card('Connector messages', logBox),
  );
  document.body.append(header, h('div', { class: 'omni-layout' }, omni, main));
  loginBox.append(host.frame);
}

async function pollRecords(): Promise<void> {
  if (!config.hasVoiceCallRecords) return;
  try {
    records = await loadVoiceCalls();
  } catch {
    // the telephony API emulator may be restarting; the next poll tries again
  }
  render();
}

/**
 * The contact center's message bridge (the package's AuraBridge) and the toolkit's event source for
 * the package's LWCs on this page (lwcWorkspace.ts): the connector's MESSAGE events go to the channel,
 * and every telephony event to the toolkit stand-in.
 */
function playMessageBridge(type: string, payload: unknown): void {
  window.dispatchEvent(new CustomEvent(TELEPHONY_EVENT, { detail: { type, payload } }));
  if (type === 'MESSAGE') window.dispatchEvent(new CustomEvent(FROM_CONNECTOR, { detail: payload }));
}

/** A component's message reaches the connector once it is initialized (guide, chapter 8); before, it is dropped. */
window.addEventListener(TO_CONNECTOR, (event) => {
  if (state.ready) host.send('MESSAGE', { message: (event as CustomEvent).detail as unknown });
});

async function start(): Promise<void> {
  const user = new URLSearchParams(location.search).get('user') ?? '';
  const res = await fetch(`/workspace/v1/config${user ? `?user=${encodeURIComponent(user)}` : ''}`);
  if (!res.ok) {
    document.body.textContent = `This org has no user ${user}.`;
    return;
  }
  config = (await res.json()) as ConsoleConfig;
  host = new ConnectorHost(
    config.connectorUrl,
    (type, payload) => {
      applyEvent(state, type, payload, errorText);
      playMessageBridge(type, payload);
      if (type === 'HANGUP') applyPresenceConfiguration(payload);
      render();
    },
    (ready) => {
      state.ready = true;
      state.login = { visible: false, height: 0 };
      state.capabilities = (ready.capabilities as Record<string, unknown>) ?? {};
      const enabled = Object.entries(state.capabilities).filter(([, on]) => on === true);
      capabilitiesBox.textContent = `Connector capabilities: ${enabled.map(([name]) => name).join(', ') || 'none'}`;
      state.agentConfig = (ready.agentConfig as OmniState['agentConfig']) ?? {};
      const selected = state.agentConfig.selectedPhone;
      if (selected) {
        phoneType.value = selected.type;
        deskNumber.value = selected.number ?? '';
      }
      if (ready.callInProgress)
        state.upsertLine({ ...(ready.callInProgress as PhoneCall), isReplayedCall: true });
      // Omni-Channel keeps the agent's status across a page refresh and replays calls for an available agent.
      send('GET_AGENT_STATUS');
      const saved = statusById(sessionStorage.getItem(statusKey()) ?? '');
      if (saved?.hasChannels) send('AGENT_AVAILABLE', { isAvailable: true });
      render();
    },
    () => renderLog(),
  );
  layout();
  render();
  host.start(config.connectorConfig);
  setInterval(render, 1000);
  setInterval(() => void pollRecords(), 1500);
}

void start();
