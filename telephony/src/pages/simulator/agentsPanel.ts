/**
 * Agents: presence with time in status, phone (soft or hard), login settings (log out), breaks;
 * errors to inject; messages to and from the agent's Lightning message bridge.
 */
import { CONNECTOR_ERROR_CODES } from '../../contracts/errors.ts';
import {
  badge,
  button,
  card,
  checkbox,
  duration,
  field,
  h,
  input,
  replaceIfChanged,
  select,
  setOptions,
  table,
} from '../../../../shared/dom.ts';
import type { PageContext, Panel, Snapshot } from './context.ts';
import type { ContactCenterView, DirectoryAgent } from './simulatorApi.ts';

const STATE_TONE: Record<string, 'success' | 'warning' | 'error' | 'inverse' | ''> = {
  available: 'success',
  on_call: 'warning',
  after_call_work: 'warning',
  busy: 'error',
  offline: 'inverse',
};

export function agentsPanel(ctx: PageContext): Panel {
  const rows = h('div', { 'data-testid': 'agents-table' });

  const who = select([], { 'data-testid': 'agent-select' });
  const softPhone = h('input', {
    type: 'radio',
    name: 'sb-phone',
    value: 'SOFT_PHONE',
    checked: true,
    'data-testid': 'phone-soft',
  });
  const hardPhone = h('input', {
    type: 'radio',
    name: 'sb-phone',
    value: 'DESK_PHONE',
    'data-testid': 'phone-hard',
  });
  const deskNumber = input({ value: '+14155556001', 'data-testid': 'desk-number' });
  const autoAccept = checkbox('auto-accept', { 'data-testid': 'auto-accept' });
  const saveConfig = () =>
    ctx.run('Agent phone', () =>
      ctx.api.call('PUT', `/agents/${who.value}/config`, {
        phoneType: hardPhone.checked ? 'DESK_PHONE' : 'SOFT_PHONE',
        ...(hardPhone.checked ? { deskPhoneNumber: deskNumber.value } : {}),
        autoAccept: autoAccept.box.checked,
      }),
    );

  const code = select(
    CONNECTOR_ERROR_CODES.map((c) => [c, c]),
    { 'data-testid': 'error-code' },
  );
  code.value = 'GENERIC_ERROR';
  const label = select([], { 'data-testid': 'error-label' });
  const method = input({ placeholder: 'any method (e.g. mute)', 'data-testid': 'error-method' });
  const failNext = () =>
    ctx.run('Display an error', () =>
      ctx.api.post(`/agents/${who.value}/fail-next`, {
        ...(label.value ? { customErrorLabel: label.value } : { code: code.value }),
        ...(method.value.trim() ? { method: method.value.trim() } : {}),
      }),
    );

  const message = h(
    'textarea',
    { class: 'slds-textarea', rows: 3, 'data-testid': 'message-text' },
    '{"type":"SAMPLE","payload":{"text":"Hello from the telephony system"}}',
  );
  const received = h('div', { class: 'slds-text-font_monospace sb-pre', 'data-testid': 'messages-received' });
  const sendMessage = () =>
    ctx.run('Send message', () =>
      ctx.api.post(`/agents/${who.value}/messages`, { message: JSON.parse(message.value) as unknown }),
    );

  const el = card(
    'Agents',
    rows,
    h(
      'div',
      { class: 'slds-grid slds-gutters_small slds-wrap slds-m-top_small' },
      h(
        'div',
        { class: 'slds-col slds-size_1-of-1 slds-large-size_1-of-3' },
        h('h3', { class: 'slds-text-heading_small' }, 'Agent settings'),
        field('Agent', who),
        h(
          'div',
          { class: 'slds-m-vertical_x-small' },
          h('label', {}, softPhone, ' Soft Phone '),
          h('label', {}, hardPhone, ' Hard Phone'),
        ),
        field('Desk phone number', deskNumber),
        autoAccept.el,
        h(
          'div',
          {},
          button('Save phone', () => void saveConfig(), 'neutral', { 'data-testid': 'save-phone' }),
        ),
      ),
      h(
        'div',
        { class: 'slds-col slds-size_1-of-1 slds-large-size_1-of-3' },
        h('h3', { class: 'slds-text-heading_small' }, 'Errors'),
        field('Error', code),
        field('Custom error label (overrides the error)', label),
        field('Only for method', method),
        button('Display an error on the next request', () => void failNext(), 'neutral', {
          'data-testid': 'fail-next',
        }),
      ),
      h(
        'div',
        { class: 'slds-col slds-size_1-of-1 slds-large-size_1-of-3' },
        h('h3', { class: 'slds-text-heading_small' }, 'Messages (Lightning message bridge)'),
        field('Send message', message),
        button('Send', () => void sendMessage(), 'neutral', { 'data-testid': 'send-message' }),
        h('p', { class: 'slds-text-title slds-m-top_x-small' }, 'Received messages'),
        received,
      ),
    ),
  );

  let polledFor = '';
  const pollMessages = async () => {
    if (!who.value) return;
    polledFor = who.value;
    try {
      const { messages } = await ctx.api.messages(who.value);
      if (polledFor !== who.value) return;
      received.textContent = messages.length
        ? messages
            .slice(-5)
            .map((m) => `${new Date(m.at).toLocaleTimeString()} ${JSON.stringify(m.message)}`)
            .join('\n')
        : 'none yet';
    } catch {
      received.textContent = 'not available';
    }
  };

  return {
    el,
    render(snapshot: Snapshot, cc: ContactCenterView | undefined) {
      const agents = cc?.agents ?? [];
      setOptions(
        who,
        agents.map((a) => [a.id, `${a.displayName} (${a.username})`]),
      );
      setOptions(label, [
        ['', '— none —'],
        ...Object.keys(cc?.settings.customErrorLabels ?? {}).map((l): [string, string] => [l, l]),
      ]);
      const now = snapshot.at;
      const key = JSON.stringify([agents, Math.floor(now / 1000)]);
      replaceIfChanged(rows, key, () => [
        table(
          ['Agent', 'Login', 'Status', 'Time in status', 'Phone', 'Call', ''],
          agents.map((a) => agentRow(ctx, a, now)),
          { 'data-testid': 'agents' },
        ),
      ]);
      void pollMessages();
    },
  };
}

function agentRow(ctx: PageContext, a: DirectoryAgent, now: number) {
  return [
    h('span', { 'data-testid': `agent-${a.username}` }, `${a.displayName} (${a.username}, ${a.role})`),
    a.loggedIn ? badge('logged in', 'success') : badge('logged out'),
    h(
      'span',
      { 'data-testid': `status-${a.username}` },
      badge(a.status.state, STATE_TONE[a.status.state] ?? ''),
      a.status.reason ? ` ${a.status.reason}` : '',
    ),
    duration(now - a.status.since),
    a.config.phoneType === 'DESK_PHONE' ? `hard phone ${a.config.deskPhoneNumber ?? ''}` : 'soft phone',
    a.activeCallId
      ? h(
          'a',
          {
            href: '#',
            onclick: (e: Event) => (e.preventDefault(), ctx.selectCall(a.activeCallId as string)),
          },
          a.activeCallId,
        )
      : '',
    [
      button(
        'Log out',
        () => void ctx.run(`Log out ${a.username}`, () => ctx.api.post(`/agents/${a.id}/logout`)),
        'neutral',
        {
          'data-testid': `logout-${a.username}`,
          disabled: !a.loggedIn,
        },
      ),
      button(
        'Break 5 min',
        () =>
          void ctx.run(`Break for ${a.username}`, () =>
            ctx.api.post(`/agents/${a.id}/break`, { minutes: 5 }),
          ),
        'neutral',
        {
          'data-testid': `break-${a.username}`,
        },
      ),
    ],
  ];
}
