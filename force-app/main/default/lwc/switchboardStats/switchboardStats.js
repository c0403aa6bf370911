import { LightningElement, wire } from 'lwc';
import { MessageContext } from 'lightning/messageService';
import { loadScript } from 'lightning/platformResourceLoader';
import CHART_JS from '@salesforce/resourceUrl/switchboard__switchboardChartJs';
import {
  errorMessage,
  keepFresh,
  formatDuration,
  openWorkspaceClient,
  REFRESH_MS,
} from 'c/switchboardWorkspaceClient';

const PERIODS = [
  { value: 'today', label: 'Today' },
  { value: 'week', label: 'This week' },
];

/**
 * My stats: the agent's calls handled and missed, average talk, hold, wrap-up and handle time and
 * occupancy, today or this week, with a chart of handled and missed calls over the period (Chart.js,
 * the package's static resource).
 */
export default class SwitchboardStats extends LightningElement {
  @wire(MessageContext) messageContext;

  period = 'today';
  stats = null;
  error = '';
  chartError = '';
  client;
  stop;
  toolkit = null;
  chart = null;
  chartLibrary = null;

  connectedCallback() {
    this.client = openWorkspaceClient(this.messageContext, 'switchboardStats');
    this.client.onEvent('stats', () => this.refresh());
    this.stop = keepFresh(() => this.refresh(), REFRESH_MS.stats);
    loadScript(this, CHART_JS)
      .then(() => {
        this.chartLibrary = window.Chart;
        this.drawChart();
      })
      .catch(() => {
        this.chartError = 'The chart library did not load: the figures are shown without the chart.';
      });
  }

  /** A call that ends (the Service Cloud Voice toolkit's event) counts at once. */
  renderedCallback() {
    if (this.toolkit) return;
    this.toolkit = this.template.querySelector('lightning-service-cloud-voice-toolkit-api');
    this.toolkit.addEventListener('callended', () => this.refresh());
  }

  disconnectedCallback() {
    this.stop();
    this.client.close();
    if (this.chart) this.chart.destroy();
    this.chart = null;
  }

  async refresh() {
    try {
      this.stats = await this.client.request('stats.get', { period: this.period });
      this.error = '';
      this.drawChart();
      return true;
    } catch (err) {
      this.error = errorMessage(err);
      return false;
    }
  }

  get periods() {
    return PERIODS.map((p) => ({
      ...p,
      id: `stats-period-${p.value}`,
      checked: p.value === this.period,
    }));
  }

  get tiles() {
    const s = this.stats;
    if (!s) return [];
    return [
      { key: 'handled', label: 'Calls handled', value: String(s.handled ?? 0) },
      { key: 'missed', label: 'Missed', value: String(s.missed ?? 0) },
      { key: 'talk', label: 'Average talk time', value: formatDuration(s.avgTalkSeconds) },
      { key: 'hold', label: 'Average hold time', value: formatDuration(s.avgHoldSeconds) },
      { key: 'wrap-up', label: 'Average wrap-up time', value: formatDuration(s.avgWrapUpSeconds) },
      { key: 'handle', label: 'Average handle time', value: formatDuration(s.avgHandleSeconds) },
      { key: 'occupancy', label: 'Occupancy', value: `${Math.round((s.occupancy ?? 0) * 100)} %` },
    ];
  }

  get series() {
    return (this.stats && Array.isArray(this.stats.series) && this.stats.series) || [];
  }

  get chartLabel() {
    const points = this.series.map((p) => `${p.label}: ${p.handled ?? 0} handled, ${p.missed ?? 0} missed`);
    return `Calls handled and missed, ${this.period === 'week' ? 'this week' : 'today'}. ${points.join('; ')}`;
  }

  handlePeriodChange(event) {
    this.period = event.target.value;
    this.refresh();
  }

  drawChart() {
    const canvas = this.template.querySelector('canvas.chart');
    if (!this.chartLibrary || !canvas || !this.stats) return;
    const data = {
      labels: this.series.map((p) => p.label),
      datasets: [
        { label: 'Handled', data: this.series.map((p) => p.handled ?? 0), backgroundColor: '#0176d3' },
        { label: 'Missed', data: this.series.map((p) => p.missed ?? 0), backgroundColor: '#ea001e' },
      ],
    };
    if (this.chart) {
      this.chart.data = data;
      this.chart.update();
      return;
    }
    this.chart = new this.chartLibrary(canvas, {
      type: 'bar',
      data,
      options: {
        animation: false,
        responsive: true,
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  }
}
