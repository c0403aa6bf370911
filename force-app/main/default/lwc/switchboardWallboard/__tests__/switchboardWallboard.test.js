import { createElement } from 'lwc';
import SwitchboardWallboard from 'c/switchboardWallboard';
import {
  answer,
  deliver,
  flushMicrotasks,
  mount,
  requests,
  reset,
  settle,
} from '../../switchboardWorkspaceClient/__tests__/fakeConnector';

const now = Date.now();
const SNAPSHOT = {
  at: now,
  queues: [
    {
      queueId: 'q1',
      name: 'Support',
      waiting: 2,
      longestWaitSeconds: 61,
      answered: 4,
      serviceLevel: 0.8,
      abandoned: 1,
    },
  ],
  agents: [
    { userId: 'u1', name: 'Ada', state: 'Available', reason: null, since: now, callId: null },
    { userId: 'u2', name: 'Bob', state: 'Busy', reason: 'On call', since: now, callId: 'c1' },
  ],
  calls: [
    {
      callId: 'c1',
      state: 'connected',
      direction: 'inbound',
      from: '+15550001',
      to: '+18005550100',
      queueName: 'Support',
      agentIds: ['u2'],
      startedAt: now,
      connectedAt: now,
    },
  ],
};

const text = (el, selector) => el.shadowRoot.querySelector(selector).textContent;
const agentState = (el, id) =>
  el.shadowRoot.querySelector(`tr.agent[data-user-id="${id}"] .state`).textContent;

async function open() {
  const el = mount(createElement, 'c-switchboard-wallboard', SwitchboardWallboard);
  await settle();
  await settle();
  return el;
}

describe('c-switchboard-wallboard', () => {
  afterEach(reset);

  it('subscribes, then shows the snapshot: queues, agents, live calls', async () => {
    answer({ 'wallboard.subscribe': () => ({ subscribed: true }), 'wallboard.snapshot': () => SNAPSHOT });
    const el = await open();
    expect(requests().map((r) => r.op)).toEqual(['wallboard.subscribe', 'wallboard.snapshot']);
    expect(text(el, 'tr.queue .waiting')).toBe('2');
    expect(text(el, 'tr.queue .longest')).toBe('1:01');
    expect(text(el, 'tr.queue .service-level')).toBe('80 %');
    expect(text(el, 'tr.queue .abandoned')).toBe('1');
    expect(agentState(el, 'u1')).toBe('Available');
    expect(agentState(el, 'u2')).toBe('Busy (On call)');
    expect(text(el, 'tr.agent[data-user-id="u2"] .current-call')).toBe('+15550001');
    expect(text(el, 'tr.live-call .caller')).toBe('+15550001');
    expect(text(el, 'tr.live-call .agent-name')).toBe('Bob');
    expect(el.shadowRoot.querySelector('.no-calls')).toBeNull();
  });

  it('merges a pushed change by id and drops ended calls', async () => {
    answer({ 'wallboard.subscribe': () => ({ subscribed: true }), 'wallboard.snapshot': () => SNAPSHOT });
    const el = await open();
    deliver({
      switchboard: 'workspace.event',
      topic: 'wallboard',
      data: {
        at: now + 1,
        queues: [],
        agents: [{ userId: 'u1', name: 'Ada', state: 'Away', reason: null, since: now, callId: null }],
        calls: [],
        removedCallIds: ['c1'],
      },
    });
    await settle();
    expect(agentState(el, 'u1')).toBe('Away');
    expect(agentState(el, 'u2')).toBe('Busy (On call)');
    expect(text(el, 'tr.queue .waiting')).toBe('2');
    expect(el.shadowRoot.querySelector('tr.live-call')).toBeNull();
    expect(el.shadowRoot.querySelector('.no-calls')).not.toBeNull();
  });

  it('listens in and barges in on a live call by its id', async () => {
    answer({
      'wallboard.subscribe': () => ({ subscribed: true }),
      'wallboard.snapshot': () => SNAPSHOT,
      'wallboard.listenIn': () => ({}),
      'wallboard.bargeIn': () => {
        throw { code: 'INVALID_STATE', message: 'INVALID_STATE: not listening to that call' };
      },
    });
    const el = await open();
    const listen = el.shadowRoot.querySelector('button.listen-in');
    expect(listen.getAttribute('aria-label')).toBe('Listen in on the call with +15550001');
    listen.click();
    await settle();
    expect(requests('wallboard.listenIn')[0].params).toEqual({ callId: 'c1' });
    expect(text(el, '.status')).toBe('Listening in.');
    el.shadowRoot.querySelector('button.barge-in').click();
    await settle();
    expect(el.shadowRoot.querySelector('c-switchboard-alert').message).toBe(
      'INVALID_STATE: not listening to that call',
    );
  });

  it('shows a refused subscription (not a supervisor) and unsubscribes when closed', async () => {
    answer({
      'wallboard.subscribe': () => {
        throw { code: 'FORBIDDEN', message: 'FORBIDDEN: supervisors only' };
      },
      'wallboard.unsubscribe': () => ({ subscribed: false }),
    });
    const el = await open();
    expect(el.shadowRoot.querySelector('c-switchboard-alert').message).toBe('FORBIDDEN: supervisors only');
    document.body.removeChild(el);
    expect(requests('wallboard.unsubscribe')).toHaveLength(1);
  });

  it('asks again until the connector answers, then stops asking', async () => {
    jest.useFakeTimers();
    let up = false;
    answer({
      'wallboard.subscribe': () => {
        if (!up)
          throw { code: 'GENERIC_ERROR', message: 'GENERIC_ERROR: the Switchboard service is unreachable' };
        return { subscribed: true };
      },
      'wallboard.snapshot': () => SNAPSHOT,
    });
    const el = mount(createElement, 'c-switchboard-wallboard', SwitchboardWallboard);
    await flushMicrotasks();
    expect(el.shadowRoot.querySelector('c-switchboard-alert')).not.toBeNull();
    up = true;
    jest.advanceTimersByTime(5000);
    await flushMicrotasks();
    expect(requests('wallboard.subscribe')).toHaveLength(2);
    expect(el.shadowRoot.querySelector('c-switchboard-alert')).toBeNull();
    expect(el.shadowRoot.querySelectorAll('tr.agent')).toHaveLength(2);
    jest.advanceTimersByTime(15000);
    await flushMicrotasks();
    expect(requests('wallboard.subscribe')).toHaveLength(2);
    // Hourly, it subscribes again (the service's subscription lasts 12 hours) and takes a new snapshot.
    jest.advanceTimersByTime(60 * 60 * 1000 - 20000);
    await flushMicrotasks();
    expect(requests('wallboard.subscribe')).toHaveLength(2);
    jest.advanceTimersByTime(5000);
    await flushMicrotasks();
    await flushMicrotasks();
    expect(requests('wallboard.subscribe')).toHaveLength(3);
    expect(requests('wallboard.snapshot')).toHaveLength(2);
    jest.useRealTimers();
  });
});
