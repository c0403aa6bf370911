import { LightningElement, wire } from 'lwc';
import { MessageContext } from 'lightning/messageService';
import {
  errorMessage,
  formatDuration,
  listOf,
  every,
  openWorkspaceClient,
  RETRY_MS,
  secondsSince,
} from 'c/switchboardWorkspaceClient';

/** Subscribing again renews the service's 12-hour subscription; the new snapshot covers missed pushes. */
const RESUBSCRIBE_MS = 60 * 60 * 1000;

function mergeById(rows, changed, key) {
  const byId = new Map(rows.map((row) => [row[key], row]));
  changed.forEach((row) => byId.set(row[key], row));
  return [...byId.values()];
}

/** The caller of an inbound call, the called number of an outbound one. */
function otherParty(call) {
  return (call.direction === 'outbound' ? call.to : call.from) || 'unknown';
}

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
  subscribed = false;
  subscribedAt = 0;
  starting = false;
  stops = [];

  connectedCallback() {
    this.client = openWorkspaceClient(this.messageContext, 'switchboardWallboard');
    this.client.onEvent('wallboard', (data) => this.merge(data));
    this.start();
    this.stops = [
      // Until the connector answers (the supervisor signs in to the softphone), ask again; then hourly.
      every(RETRY_MS, () => {
        if (!this.subscribed || Date.now() - this.subscribedAt >= RESUBSCRIBE_MS) this.start();
      }),
      // Times in state count up between pushes.
      every(1000, () => {
        this.now = Date.now();
      }),
    ];
  }

  disconnectedCallback() {
    this.stops.forEach((stop) => stop());
    this.client.request('wallboard.unsubscribe').catch(() => undefined);
    this.client.close();
  }

  async start() {
    if (this.starting) return;
    this.starting = true;
    try {
      await this.client.request('wallboard.subscribe');
      this.replace(await this.client.request('wallboard.snapshot'));
      this.subscribed = true;
      this.subscribedAt = Date.now();
      this.error = '';
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.starting = false;
    }
  }

  /** A snapshot replaces the board. */
  replace(data) {
    this.board = {
      queues: listOf(data, 'queues'),
      agents: listOf(data, 'agents'),
      calls: listOf(data, 'calls'),
    };
  }

  /** A pushed change: the fresh rows of what changed, merged by id; ended calls removed. */
  merge(data) {
    if (!data || typeof data !== 'object') return;
    const removed = new Set(listOf(data, 'removedCallIds'));
    this.board = {
      queues: mergeById(this.board.queues, listOf(data, 'queues'), 'queueId'),
      agents: mergeById(this.board.agents, listOf(data, 'agents'), 'userId'),
      calls: mergeById(this.board.calls, listOf(data, 'calls'), 'callId').filter(
        (c) => !removed.has(c.callId),
      ),
    };
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
    const calls = new Map(this.board.calls.map((c) => [c.callId, c]));
    return this.board.agents.map((a) => ({
      ...a,
      stateText: a.reason ? `${a.state} (${a.reason})` : a.state,
      inState: formatDuration(secondsSince(a.since, this.now)),
      currentCall: a.callId && calls.has(a.callId) ? otherParty(calls.get(a.callId)) : '—',
    }));
  }

  get calls() {
    const names = new Map(this.board.agents.map((a) => [a.userId, a.name]));
    return this.board.calls.map((c) => {
      const caller = otherParty(c);
      const agentNames = (c.agentIds || []).map((id) => names.get(id) || id).join(', ') || '—';
      return {
        ...c,
        caller,
        agentNames,
        talked: formatDuration(secondsSince(c.connectedAt || c.startedAt, this.now)),
        listenLabel: `Listen in on the call with ${caller}`,
        bargeLabel: `Barge in on the call with ${caller}`,
      };
    });
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
