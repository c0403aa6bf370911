import { createElement } from 'lwc';
import SwitchboardWallboard from 'c/switchboardWallboard';
import {
  answer,
  deliver,
  mount,
  requests,
  reset,
  settle,
} from '../../switchboardWorkspaceClient/__tests__/fakeConnector';

const SNAPSHOT = {
  queues: [
    { queueId: 'q1', name: 'Support', waiting: 2, longestWaitSeconds: 61, serviceLevel: 0.8, abandoned: 1 },
  ],
  agents: [
    {
      agentId: 'a1',
      name: 'Ada',
      state: 'Available',
      stateSince: new Date().toISOString(),
      currentCall: null,
    },
  ],
  calls: [
    {
      callId: 'c1',
      caller: '+15550001',
      agentName: 'Ada',
      queueName: 'Support',
      startedAt: new Date().toISOString(),
    },
  ],
};

const text = (el, selector) => el.shadowRoot.querySelector(selector).textContent;

describe('c-switchboard-wallboard', () => {
  afterEach(reset);

  it('subscribes, then shows the snapshot: queues, agents, live calls', async () => {
    answer({ 'wallboard.subscribe': () => ({}), 'wallboard.snapshot': () => SNAPSHOT });
    const el = mount(createElement, 'c-switchboard-wallboard', SwitchboardWallboard);
    await settle();
    await settle();
    expect(requests().map((r) => r.op)).toEqual(['wallboard.subscribe', 'wallboard.snapshot']);
    expect(text(el, 'tr.queue .waiting')).toBe('2');
    expect(text(el, 'tr.queue .longest')).toBe('1:01');
    expect(text(el, 'tr.queue .service-level')).toBe('80 %');
    expect(text(el, 'tr.queue .abandoned')).toBe('1');
    expect(text(el, 'tr.agent .state')).toBe('Available');
    expect(text(el, 'tr.agent .current-call')).toBe('—');
    expect(text(el, 'tr.live-call .caller')).toBe('+15550001');
    expect(el.shadowRoot.querySelector('.no-calls')).toBeNull();
  });

  it('applies a pushed change to the sections it carries', async () => {
    answer({ 'wallboard.subscribe': () => ({}), 'wallboard.snapshot': () => SNAPSHOT });
    const el = mount(createElement, 'c-switchboard-wallboard', SwitchboardWallboard);
    await settle();
    await settle();
    deliver({
      switchboard: 'workspace.event',
      topic: 'wallboard',
      data: {
        agents: [
          {
            agentId: 'a1',
            name: 'Ada',
            state: 'On call',
            stateSince: new Date().toISOString(),
            currentCall: '+15550001',
          },
        ],
        calls: [],
      },
    });
    await settle();
    expect(text(el, 'tr.agent .state')).toBe('On call');
    expect(text(el, 'tr.agent .current-call')).toBe('+15550001');
    expect(text(el, 'tr.queue .waiting')).toBe('2');
    expect(el.shadowRoot.querySelector('tr.live-call')).toBeNull();
    expect(el.shadowRoot.querySelector('.no-calls')).not.toBeNull();
  });

  it('listens in and barges in on a live call by its id', async () => {
    answer({
      'wallboard.subscribe': () => ({}),
      'wallboard.snapshot': () => SNAPSHOT,
      'wallboard.listenIn': () => ({}),
      'wallboard.bargeIn': () => {
        throw { code: 'CONFLICT', message: 'Not listening to that call.' };
      },
    });
    const el = mount(createElement, 'c-switchboard-wallboard', SwitchboardWallboard);
    await settle();
    await settle();
    const listen = el.shadowRoot.querySelector('button.listen-in');
    expect(listen.getAttribute('aria-label')).toBe("Listen in on Ada's call with +15550001");
    listen.click();
    await settle();
    expect(requests('wallboard.listenIn')[0].params).toEqual({ callId: 'c1' });
    expect(text(el, '.status')).toBe('Listening in.');
    el.shadowRoot.querySelector('button.barge-in').click();
    await settle();
    expect(el.shadowRoot.querySelector('c-switchboard-alert').message).toBe(
      'Not listening to that call. (CONFLICT)',
    );
  });

  it('shows a refused subscription (not a supervisor) and unsubscribes when closed', async () => {
    answer({
      'wallboard.subscribe': () => {
        throw { code: 'FORBIDDEN', message: 'Supervisors only.' };
      },
      'wallboard.unsubscribe': () => ({}),
    });
    const el = mount(createElement, 'c-switchboard-wallboard', SwitchboardWallboard);
    await settle();
    expect(el.shadowRoot.querySelector('c-switchboard-alert').message).toBe('Supervisors only. (FORBIDDEN)');
    document.body.removeChild(el);
    expect(requests('wallboard.unsubscribe')).toHaveLength(1);
  });
});
