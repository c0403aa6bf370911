/** "Omni call controls" and the contact center settings behind them (hidden controls, ring time, wrap-up). */
import { button, card, checkbox, field, h, input, select } from '../../../../shared/dom.ts';
import type { PageContext, Panel } from './context.ts';
import type { ContactCenterView } from './simulatorApi.ts';

type HiddenControl = keyof NonNullable<ContactCenterView['settings']['hiddenCallControls']>;

const CONTROLS: Array<[HiddenControl, string]> = [
  ['showMuteButton', 'Mute'],
  ['showRecordButton', 'Record'],
  ['showAddCallerButton', 'Add participant'],
  ['showAddBlindTransferButton', 'Blind transfer'],
  ['showMergeButton', 'Conference (merge)'],
  ['showSwapButton', 'Swap'],
];

export function settingsPanel(ctx: PageContext): Panel {
  const boxes = CONTROLS.map(([key, label]) => ({
    key,
    ...checkbox(label, { 'data-testid': `control-${key}` }),
  }));
  const recordingDefault = checkbox('Record calls by default', {
    'data-testid': 'setting-recording-default',
  });
  const ringTimeout = input({ type: 'number', min: '5', max: '600', 'data-testid': 'setting-ring-timeout' });
  const wrapUp = input({ type: 'number', min: '0', max: '3600', 'data-testid': 'setting-wrap-up' });
  const removeVariant = select(
    [
      ['ALWAYS', 'always'],
      ['ALWAYS_EXCEPT_ON_HOLD', 'except on hold'],
      ['NEVER', 'never'],
    ],
    { 'data-testid': 'setting-remove-participant' },
  );
  const labels = h('ul', { class: 'slds-list_dotted', 'data-testid': 'custom-labels' });
  let shown = '';

  const save = () =>
    ctx.run('Save settings', async () => {
      const cc = ctx.cc();
      if (!cc) throw new Error('no contact center');
      await ctx.api.call('PATCH', `/contact-centers/${cc.id}/settings`, {
        hiddenCallControls: Object.fromEntries(boxes.map((b) => [b.key, b.box.checked])),
        recordingDefault: recordingDefault.box.checked,
        ringTimeoutSeconds: Number(ringTimeout.value),
        wrapUpSeconds: Number(wrapUp.value),
        removeParticipantVariant: removeVariant.value,
      });
      shown = '';
    });

  const el = card(
    'Omni Call Controls and Settings',
    h(
      'p',
      { class: 'slds-m-bottom_x-small' },
      'Enable these Omni call controls (the connector hides the others):',
    ),
    h(
      'div',
      { class: 'slds-grid slds-wrap' },
      ...boxes.map((b) => h('div', { class: 'slds-size_1-of-3' }, b.el)),
    ),
    h(
      'div',
      { class: 'slds-grid slds-gutters_x-small slds-wrap slds-m-top_x-small' },
      h('div', { class: 'slds-col slds-size_1-of-3' }, field('Max call answer time (s)', ringTimeout)),
      h('div', { class: 'slds-col slds-size_1-of-3' }, field('Wrap-up limit (s, 0 = none)', wrapUp)),
      h('div', { class: 'slds-col slds-size_1-of-3' }, field('Remove participant', removeVariant)),
    ),
    h('div', { class: 'slds-m-vertical_x-small' }, recordingDefault.el),
    button('Save', () => void save(), 'brand', { 'data-testid': 'save-settings' }),
    h('p', { class: 'slds-m-top_small slds-text-title' }, 'Custom error labels'),
    labels,
  );

  return {
    el,
    render(_snapshot, cc: ContactCenterView | undefined) {
      const key = JSON.stringify([cc?.id, cc?.settings]);
      if (!cc || key === shown) return;
      shown = key;
      const s = cc.settings;
      for (const b of boxes) b.box.checked = s.hiddenCallControls?.[b.key] !== false;
      recordingDefault.box.checked = s.recordingDefault !== false;
      ringTimeout.value = String(s.ringTimeoutSeconds ?? 30);
      wrapUp.value = String(s.wrapUpSeconds ?? 0);
      removeVariant.value = s.removeParticipantVariant ?? 'ALWAYS';
      labels.replaceChildren(
        ...Object.entries(s.customErrorLabels ?? {}).map(([name, text]) =>
          h('li', {}, h('code', {}, name), ` — ${text}`),
        ),
      );
    },
  };
}
