import { createElement } from 'lwc';
import { loadScript } from 'lightning/platformResourceLoader';
import SwitchboardStats from 'c/switchboardStats';
import {
  answer,
  deliver,
  mount,
  requests,
  reset,
  settle,
} from '../../switchboardWorkspaceClient/__tests__/fakeConnector';

const STATS = {
  handled: 7,
  missed: 2,
  avgTalkSeconds: 185,
  avgHoldSeconds: 12,
  avgWrapUpSeconds: 30,
  avgHandleSeconds: 227,
  occupancy: 0.634,
  series: [
    { label: '09:00', handled: 3, missed: 1 },
    { label: '10:00', handled: 4, missed: 1 },
  ],
};

describe('c-switchboard-stats', () => {
  let charts;
  beforeEach(() => {
    charts = [];
    window.Chart = jest.fn(function Chart(context, config) {
      this.config = config;
      this.data = config.data;
      this.update = jest.fn();
      this.destroy = jest.fn();
      charts.push(this);
    });
  });
  afterEach(() => {
    reset();
    delete window.Chart;
  });

  it("shows today's figures and draws them with the Chart.js static resource", async () => {
    answer({ 'stats.get': () => STATS });
    const el = mount(createElement, 'c-switchboard-stats', SwitchboardStats);
    await settle();
    expect(loadScript).toHaveBeenCalledWith(expect.anything(), expect.stringContaining('switchboardChartJs'));
    expect(requests('stats.get')[0].params).toEqual({ period: 'today' });
    const tiles = Object.fromEntries(
      [...el.shadowRoot.querySelectorAll('.tile')].map((t) => [
        t.dataset.key,
        t.querySelector('.value').textContent,
      ]),
    );
    expect(tiles).toEqual({
      handled: '7',
      missed: '2',
      talk: '3:05',
      hold: '0:12',
      'wrap-up': '0:30',
      handle: '3:47',
      occupancy: '63 %',
    });
    expect(charts).toHaveLength(1);
    expect(charts[0].config.type).toBe('bar');
    expect(charts[0].data.labels).toEqual(['09:00', '10:00']);
    expect(charts[0].data.datasets.map((d) => d.data)).toEqual([
      [3, 4],
      [1, 1],
    ]);
    const canvas = el.shadowRoot.querySelector('canvas.chart');
    expect(canvas.getAttribute('aria-label')).toContain('09:00: 3 handled, 1 missed');
  });

  it('switches to this week and updates the same chart; a stats event reloads', async () => {
    answer({
      'stats.get': ({ period }) =>
        period === 'week'
          ? { ...STATS, handled: 30, series: [{ label: 'Mon', handled: 30, missed: 0 }] }
          : STATS,
    });
    const el = mount(createElement, 'c-switchboard-stats', SwitchboardStats);
    await settle();
    const week = [...el.shadowRoot.querySelectorAll('input.period')].find((i) => i.value === 'week');
    week.checked = true;
    week.dispatchEvent(new CustomEvent('change'));
    await settle();
    expect(requests('stats.get')[1].params).toEqual({ period: 'week' });
    expect(el.shadowRoot.querySelector('.tile[data-key="handled"] .value').textContent).toBe('30');
    expect(charts).toHaveLength(1);
    expect(charts[0].update).toHaveBeenCalled();
    expect(charts[0].data.labels).toEqual(['Mon']);
    deliver({ switchboard: 'workspace.event', topic: 'stats', data: {} });
    await settle();
    expect(requests('stats.get')[2].params).toEqual({ period: 'week' });
  });

  it('says so when the chart library does not load, and still shows the figures', async () => {
    loadScript.mockRejectedValueOnce(new Error('blocked'));
    answer({ 'stats.get': () => STATS });
    const el = mount(createElement, 'c-switchboard-stats', SwitchboardStats);
    await settle();
    expect(charts).toHaveLength(0);
    expect(el.shadowRoot.querySelector('c-switchboard-alert.chart-error').message).toMatch(/did not load/);
    expect(el.shadowRoot.querySelector('.tile[data-key="handled"] .value').textContent).toBe('7');
  });

  it('shows a refusal as an alert', async () => {
    answer({
      'stats.get': () => {
        throw { code: 'GENERIC_ERROR', message: 'GENERIC_ERROR: the Switchboard service did not answer' };
      },
    });
    const el = mount(createElement, 'c-switchboard-stats', SwitchboardStats);
    await settle();
    expect(el.shadowRoot.querySelector('c-switchboard-alert').message).toBe(
      'GENERIC_ERROR: the Switchboard service did not answer',
    );
    expect(el.shadowRoot.querySelectorAll('.tile')).toHaveLength(0);
  });

  it('reloads when the toolkit reports that a call ended', async () => {
    answer({ 'stats.get': () => STATS });
    const el = mount(createElement, 'c-switchboard-stats', SwitchboardStats);
    await settle();
    el.shadowRoot
      .querySelector('lightning-service-cloud-voice-toolkit-api')
      .dispatchEvent(new CustomEvent('callended'));
    await settle();
    expect(requests('stats.get')).toHaveLength(2);
  });
});
