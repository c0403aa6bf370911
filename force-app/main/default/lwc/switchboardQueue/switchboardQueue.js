import { LightningElement, wire } from 'lwc';
import { MessageContext } from 'lightning/messageService';
import {
  errorMessage,
  formatDuration,
  listOf,
  every,
  keepFresh,
  openWorkspaceClient,
  REFRESH_MS,
  secondsSince,
  toMillis,
} from 'c/switchboardWorkspaceClient';

/**
 * Queue: the calls waiting in the agent's queues, longest wait first, with the number each call came
 * in for; Pick takes one where the contact center lets agents pull calls.
 */
export default class SwitchboardQueue extends LightningElement {
  @wire(MessageContext) messageContext;

  calls = [];
  canPick = false;
  error = '';
  loading = true;
  now = Date.now();
  client;
  stops = [];

  connectedCallback() {
    this.client = openWorkspaceClient(this.messageContext, 'switchboardQueue');
    this.client.onEvent('queue', () => this.refresh());
    this.stops = [
      keepFresh(() => this.refresh(), REFRESH_MS.queue),
      // The wait times count up between reloads.
      every(1000, () => {
        this.now = Date.now();
      }),
    ];
  }

  disconnectedCallback() {
    this.stops.forEach((stop) => stop());
    this.client.close();
  }

  async refresh() {
    try {
      const data = await this.client.request('queue.list');
      this.calls = listOf(data, 'calls');
      this.canPick = Boolean(data && data.canPick);
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
    return [...this.calls]
      .sort((a, b) => toMillis(a.waitingSince) - toMillis(b.waitingSince))
      .map((call) => ({
        ...call,
        waited: formatDuration(secondsSince(call.waitingSince, this.now)),
        from: call.callerName
          ? `${call.callerName} (${call.caller || 'unknown number'})`
          : call.caller || 'Unknown caller',
        pickLabel: `Pick the call from ${call.callerName || call.caller || 'an unknown caller'}`,
      }));
  }

  get isEmpty() {
    return !this.loading && this.calls.length === 0;
  }

  get countText() {
    return `${this.calls.length} waiting`;
  }

  async handlePick(event) {
    const callId = event.currentTarget.dataset.callId;
    try {
      await this.client.request('queue.pick', { callId });
      this.error = '';
    } catch (err) {
      this.error = errorMessage(err);
    }
  }
}
