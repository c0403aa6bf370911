import { LightningElement, wire } from 'lwc';
import { MessageContext } from 'lightning/messageService';
import {
  errorMessage,
  formatDateTime,
  formatDuration,
  listOf,
  keepFresh,
  openWorkspaceClient,
  REFRESH_MS,
} from 'c/switchboardWorkspaceClient';

const PAGE_SIZE = 25;
const DAY_MS = 24 * 60 * 60 * 1000;
const DIRECTIONS = { inbound: 'Inbound', outbound: 'Outbound', internal: 'Internal', callback: 'Callback' };

/**
 * Contact history: the agent's own calls, newest first, searched by number or name and filtered by
 * direction and dates; Call back dials the contact through the softphone in one click.
 */
export default class SwitchboardHistory extends LightningElement {
  @wire(MessageContext) messageContext;

  search = '';
  direction = '';
  from = '';
  to = '';
  calls = [];
  nextCursor = null;
  error = '';
  status = '';
  loading = true;
  client;
  stop;
  toolkit = null;

  connectedCallback() {
    this.client = openWorkspaceClient(this.messageContext, 'switchboardHistory');
    this.client.onEvent('history', () => this.load());
    this.stop = keepFresh(() => this.reloadFirstPage(), REFRESH_MS.history);
  }

  /** A call that ends (the Service Cloud Voice toolkit's event) is in the history at once. */
  renderedCallback() {
    if (this.toolkit) return;
    this.toolkit = this.template.querySelector('lightning-service-cloud-voice-toolkit-api');
    this.toolkit.addEventListener('callended', () => this.reloadFirstPage());
  }

  disconnectedCallback() {
    this.stop();
    this.client.close();
  }

  /** Reloads the newest page unless the agent is paging further back. */
  reloadFirstPage() {
    return this.calls.length <= PAGE_SIZE ? this.load() : true;
  }

  params(cursor) {
    const params = { limit: PAGE_SIZE };
    if (this.search.trim()) params.search = this.search.trim();
    if (this.direction) params.direction = this.direction;
    if (this.from) params.from = new Date(`${this.from}T00:00:00`).getTime();
    if (this.to) params.to = new Date(`${this.to}T00:00:00`).getTime() + DAY_MS;
    if (cursor) params.cursor = cursor;
    return params;
  }

  async load(cursor) {
    try {
      const data = await this.client.request('history.list', this.params(cursor));
      const items = listOf(data, 'items');
      this.calls = cursor ? [...this.calls, ...items] : items;
      this.nextCursor = (data && data.nextCursor) || null;
      this.error = '';
      return true;
    } catch (err) {
      this.error = errorMessage(err);
      return false;
    } finally {
      this.loading = false;
    }
  }

  get rows() {
    return this.calls.map((call) => ({
      ...call,
      when: formatDateTime(call.startedAt),
      duration: formatDuration(call.talkSeconds),
      directionLabel: DIRECTIONS[call.direction] || call.direction,
      contact: call.callerName ? `${call.callerName} (${call.phoneNumber})` : call.phoneNumber,
      outcome: call.answered ? 'Answered' : 'Not answered',
      callBackLabel: `Call back ${call.callerName || call.phoneNumber}`,
    }));
  }

  get isEmpty() {
    return !this.loading && this.calls.length === 0;
  }

  get hasMore() {
    return Boolean(this.nextCursor);
  }

  handleSearchChange(event) {
    this.search = event.target.value;
  }

  handleDirectionChange(event) {
    this.direction = event.target.value;
  }

  handleFromChange(event) {
    this.from = event.target.value;
  }

  handleToChange(event) {
    this.to = event.target.value;
  }

  handleSubmit(event) {
    event.preventDefault();
    this.load();
  }

  handleMore() {
    this.load(this.nextCursor);
  }

  async handleCallBack(event) {
    const { callId, phoneNumber } = event.currentTarget.dataset;
    try {
      await this.client.request('history.callBack', { callId });
      this.status = `Calling ${phoneNumber}…`;
      this.error = '';
    } catch (err) {
      this.status = '';
      this.error = errorMessage(err);
    }
  }
}
