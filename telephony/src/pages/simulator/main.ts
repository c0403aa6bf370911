/**
 * The Voice Call Simulator page (the developer guide's "Test Your Implementation with the Voice Call
 * Simulator"), backed only by the simulator API (docs/simulator-api.md). Served at `/simulator/`.
 */
import { h, select, setOptions } from '../../../../shared/dom.ts';
import { agentsPanel } from './agentsPanel.ts';
import { callSimulatorPanel } from './callSimulatorPanel.ts';
import { callsPanel } from './callsPanel.ts';
import { PageContext, type Panel } from './context.ts';
import { queuesPanel } from './queuesPanel.ts';
import { settingsPanel } from './settingsPanel.ts';
import { SimulatorApi } from './simulatorApi.ts';

const POLL_MS = 1000;

const notice = h('div', {
  class: 'sb-notice',
  role: 'status',
  'aria-live': 'polite',
  'data-testid': 'notice',
});
function showNotice(text: string, tone: 'success' | 'error'): void {
  notice.className = `sb-notice slds-notify slds-notify_toast slds-theme_${tone}`;
  notice.dataset.tone = tone;
  notice.textContent = text;
}

const api = new SimulatorApi();
let panels: Panel[] = [];
const ccSelect = select([], { 'data-testid': 'contact-center' });
const connection = h('span', { class: 'slds-badge', 'data-testid': 'connection' }, 'connecting…');

async function refresh(): Promise<void> {
  try {
    const [ccs, calls, queues, devices] = await Promise.all([
      api.contactCenters(),
      api.activeCalls(),
      api.queues(),
      api.devices(),
    ]);
    ctx.snapshot = {
      contactCenters: ccs.contactCenters,
      calls: calls.calls,
      queues: queues.contactCenters,
      devices: devices.devices,
      at: Date.now(),
    };
    connection.textContent = 'connected';
    connection.className = 'slds-badge slds-theme_success';
  } catch {
    connection.textContent = 'service unreachable';
    connection.className = 'slds-badge slds-theme_error';
    return;
  }
  setOptions(
    ccSelect,
    ctx.snapshot.contactCenters.map((c) => [c.id, `${c.displayName} (${c.apiName})`]),
  );
  ctx.ccId = ccSelect.value;
  const cc = ctx.cc();
  for (const p of panels) p.render(ctx.snapshot, cc);
}

const ctx = new PageContext(api, showNotice, refresh);
ccSelect.addEventListener('change', () => void refresh());
const calls = callSimulatorPanel(ctx);
const settings = settingsPanel(ctx);
const agents = agentsPanel(ctx);
const active = callsPanel(ctx);
const queues = queuesPanel();
panels = [calls, settings, agents, active, queues];

document.body.append(
  h(
    'div',
    { class: 'slds-page-header slds-m-bottom_small' },
    h(
      'div',
      { class: 'slds-grid slds-grid_vertical-align-center' },
      h('h1', { class: 'slds-page-header__title slds-col' }, 'Voice Call Simulator'),
      h('div', { class: 'slds-col slds-grow-none slds-m-right_small' }, ccSelect),
      connection,
    ),
  ),
  notice,
  h(
    'div',
    { class: 'slds-grid slds-wrap slds-gutters_small slds-p-horizontal_small' },
    h('div', { class: 'slds-col slds-size_1-of-1 slds-large-size_1-of-2' }, calls.el, settings.el, queues.el),
    h('div', { class: 'slds-col slds-size_1-of-1 slds-large-size_1-of-2' }, active.el, agents.el),
  ),
);

void refresh();
setInterval(() => void refresh(), POLL_MS);
