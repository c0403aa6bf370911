import { LightningElement, wire } from 'lwc';
import { MessageContext } from 'lightning/messageService';
import {
  errorMessage,
  keepFresh,
  formatDateTime,
  listOf,
  openWorkspaceClient,
  REFRESH_MS,
} from 'c/switchboardWorkspaceClient';

const FOR_ME = 'me';
const STATES = { scheduled: 'Scheduled', waiting: 'Waiting', ringing: 'Ringing' };

/**
 * Callbacks: the pending callbacks, the agent's own or their queues'; schedule one for the agent or
 * for one of their queues. The service rings it at its time.
 */
export default class SwitchboardCallbacks extends LightningElement {
  @wire(MessageContext) messageContext;

  scope = 'mine';
  callbacks = [];
  queues = [];
  phoneNumber = '';
  dueAt = '';
  assignee = FOR_ME;
  error = '';
  status = '';
  loading = true;
  client;
  stop;

  connectedCallback() {
    this.client = openWorkspaceClient(this.messageContext, 'switchboardCallbacks');
    this.client.onEvent('callbacks', () => this.refresh());
    this.stop = keepFresh(async () => {
      if (this.queues.length === 0) await this.loadQueues();
      return this.refresh();
    }, REFRESH_MS.callbacks);
  }

  disconnectedCallback() {
    this.stop();
    this.client.close();
  }

  async refresh() {
    try {
      this.callbacks = listOf(
        await this.client.request('callbacks.list', { scope: this.scope }),
        'callbacks',
      );
      this.error = '';
      return true;
    } catch (err) {
      this.error = errorMessage(err);
      return false;
    } finally {
      this.loading = false;
    }
  }

  async loadQueues() {
    try {
      this.queues = listOf(await this.client.request('skills.list'), 'queues');
    } catch (err) {
      this.error = errorMessage(err);
    }
  }

  get mineSelected() {
    return this.scope === 'mine';
  }

  get queuesSelected() {
    return this.scope === 'queues';
  }

  get rows() {
    return this.callbacks.map((callback) => ({
      ...callback,
      due: formatDateTime(callback.dueAt),
      owner: callback.queueName || 'Me',
      stateLabel: STATES[callback.state] || callback.state,
    }));
  }

  get isEmpty() {
    return !this.loading && this.callbacks.length === 0;
  }

  get assigneeOptions() {
    return [
      { value: FOR_ME, label: 'Me', selected: this.assignee === FOR_ME },
      ...this.queues.map((queue) => ({
        value: queue.queueId,
        label: queue.name,
        selected: this.assignee === queue.queueId,
      })),
    ];
  }

  get scheduleDisabled() {
    return !this.phoneNumber.trim() || !this.dueAt;
  }

  handleScopeChange(event) {
    this.scope = event.target.value;
    this.refresh();
  }

  handlePhoneChange(event) {
    this.phoneNumber = event.target.value;
  }

  handleDueChange(event) {
    this.dueAt = event.target.value;
  }

  handleAssigneeChange(event) {
    this.assignee = event.target.value;
  }

  async handleSchedule(event) {
    event.preventDefault();
    if (this.scheduleDisabled) return;
    const params = {
      phoneNumber: this.phoneNumber.trim(),
      dueAt: new Date(this.dueAt).getTime(),
      ...(this.assignee === FOR_ME ? { forMe: true } : { queueId: this.assignee }),
    };
    try {
      await this.client.request('callbacks.schedule', params);
      this.status = `Callback to ${params.phoneNumber} scheduled.`;
      this.error = '';
      this.phoneNumber = '';
      this.dueAt = '';
      this.refresh();
    } catch (err) {
      this.status = '';
      this.error = errorMessage(err);
    }
  }
}
