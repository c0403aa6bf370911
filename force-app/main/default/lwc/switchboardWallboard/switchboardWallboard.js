import { LightningElement, wire } from 'lwc';
import { MessageContext } from 'lightning/messageService';
import {
  errorMessage,
  formatDuration,
  itemsOf,
  openWorkspaceClient,
  secondsSince,
} from 'c/switchboardWorkspaceClient';

/**
 * Wallboard for supervisors, live: queues (waiting, longest wait, service level, abandoned), agents
 * (state, time in state, current call) and live calls with listen in and barge in (the supervisor
 * flow the connector serves). It subscribes on open; the connector pushes the changes.
 */
export default class SwitchboardWallboard extends LightningElement {
  @wire(MessageContext) messageContext;

  board = { queues: [], agents: [], calls: [] };
  error = '';
  status = '';
  now = Date.now();
  client;
  ticker;

  connectedCallback() {
    this.client = openWorkspaceClient(this.messageContext, 'switchboardWallboard');
    this.client.onEvent('wallboard', (data) => this.apply(data));
    this.start();
    // Times in state count up between pushes.
    // eslint-disable-next-line @lwc/lwc/no-async-operation
    this.ticker = setInterval(() => {
      this.now = Date.now();
    }, 1000);
  }

  disconnectedCallback() {
    clearInterval(this.ticker);
    this.client.request('wallboard.unsubscribe').catch(() => undefined);
    this.client.close();
  }

  async start() {
    try {
      await this.client.request('wallboard.subscribe');
      this.apply(await this.client.request('wallboard.snapshot'));
      this.error = '';
    } catch (err) {
      this.error = errorMessage(err);
    }
  }

  /** A snapshot, or a change that carries the sections it replaces. */
  apply(data) {
    if (!data || typeof data !== 'object') return;
    const next = { ...this.board };
    ['queues', 'agents', 'calls'].forEach((section) => {
      if (data[section] !== undefined) next[section] = itemsOf(data[section]);
    });
    this.board = next;
  }

  get queues() {
    return this.board.queues.map((q) => ({
      ...q,
      longest: formatDuration(q.longestWaitSeconds),
      serviceLevelText:
        q.serviceLevel === null || q.serviceLevel === undefined
          ? '—'
          : `${Math.round(q.serviceLevel * 100)} %`,
    }));
  }

  get agents() {
    return this.board.agents.map((a) => ({
      ...a,
      inState: formatDuration(secondsSince(a.stateSince, this.now)),
      currentCall: a.currentCall || '—',
    }));
  }

  get calls() {
    return this.board.calls.map((c) => ({
      ...c,
      talked: formatDuration(secondsSince(c.startedAt, this.now)),
      listenLabel: `Listen in on ${c.agentName}'s call with ${c.caller}`,
      bargeLabel: `Barge in on ${c.agentName}'s call with ${c.caller}`,
    }));
  }

  get noCalls() {
    return this.board.calls.length === 0;
  }

  async supervise(op, event) {
    const { callId } = event.currentTarget.dataset;
    try {
      await this.client.request(op, { callId });
      this.status = op === 'wallboard.listenIn' ? 'Listening in.' : 'Barged in.';
      this.error = '';
    } catch (err) {
      this.status = '';
      this.error = errorMessage(err);
    }
  }

  handleListenIn(event) {
    this.supervise('wallboard.listenIn', event);
  }

  handleBargeIn(event) {
    this.supervise('wallboard.bargeIn', event);
  }
}
