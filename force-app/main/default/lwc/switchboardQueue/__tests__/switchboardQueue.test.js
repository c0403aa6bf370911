import { createElement } from 'lwc';
import SwitchboardQueue from 'c/switchboardQueue';
import {
  answer,
  deliver,
  flushMicrotasks,
  mount,
  requests,
  reset,
  settle,
} from '../../switchboardWorkspaceClient/__tests__/fakeConnector';

const ago = (s) => Date.now() - s * 1000;
const rows = (el) => [...el.shadowRoot.querySelectorAll('tr.queued-call')];
const waiting = (id, caller, seconds, extra = {}) => ({
  callId: id,
  caller,
  callerName: null,
  dialedNumber: '+18005550100',
  queueId: 'q1',
  queueName: 'Sales',
  waitingSince: ago(seconds),
  callType: 'Inbound',
  ...extra,
});

describe('c-switchboard-queue', () => {
  afterEach(reset);

  it('lists the waiting calls longest wait first, with caller, called number and queue', async () => {
    const calls = [
      waiting('c2', '+15550002', 10),
      waiting('c1', '+15550001', 95, {
        callerName: 'Ann Lee',
        dialedNumber: '+18005550199',
        queueName: 'Support',
      }),
    ];
    answer({ 'queue.list': () => ({ calls, canPick: false }) });
    const el = mount(createElement, 'c-switchboard-queue', SwitchboardQueue);
    await settle();
    const shown = rows(el).map((r) => [
      r.querySelector('.caller').textContent,
      r.querySelector('.dialed').textContent,
      r.querySelector('.queue-name').textContent,
    ]);
    expect(shown).toEqual([
      ['Ann Lee (+15550001)', '+18005550199', 'Support'],
      ['+15550002', '+18005550100', 'Sales'],
    ]);
    expect(rows(el)[0].querySelector('.waited').textContent).toMatch(/^1:3[5-6]$/);
    expect(el.shadowRoot.querySelector('.count').textContent).toBe('2 waiting');
    expect(el.shadowRoot.querySelector('button.pick')).toBeNull();
  });

  it('says when no call waits, and reloads on a queue event', async () => {
    let calls = [];
    answer({ 'queue.list': () => ({ calls, canPick: true }) });
    const el = mount(createElement, 'c-switchboard-queue', SwitchboardQueue);
    await settle();
    expect(el.shadowRoot.querySelector('.empty')).not.toBeNull();
    calls = [waiting('c9', '+15550009', 1)];
    deliver({ switchboard: 'workspace.event', topic: 'queue', data: {} });
    await settle();
    expect(rows(el)).toHaveLength(1);
    expect(requests('queue.list')).toHaveLength(2);
  });

  it('picks a call by its id where the contact center allows it, and shows a refusal as an alert', async () => {
    answer({
      'queue.list': () => ({ calls: [waiting('c1', '+1555', 3)], canPick: true }),
      'queue.pick': () => {
        throw { code: 'INVALID_STATE', message: 'INVALID_STATE: the call is no longer waiting' };
      },
    });
    const el = mount(createElement, 'c-switchboard-queue', SwitchboardQueue);
    await settle();
    const pick = el.shadowRoot.querySelector('button.pick');
    expect(pick.getAttribute('aria-label')).toBe('Pick the call from +1555');
    pick.click();
    await settle();
    expect(requests('queue.pick')[0].params).toEqual({ callId: 'c1' });
    expect(el.shadowRoot.querySelector('c-switchboard-alert').message).toBe(
      'INVALID_STATE: the call is no longer waiting',
    );
  });

  it('reloads every 5 seconds', async () => {
    jest.useFakeTimers();
    answer({ 'queue.list': () => ({ calls: [], canPick: false }) });
    mount(createElement, 'c-switchboard-queue', SwitchboardQueue);
    await flushMicrotasks();
    for (let i = 0; i < 2; i++) {
      jest.advanceTimersByTime(5000);
      await flushMicrotasks();
    }
    expect(requests('queue.list')).toHaveLength(3);
    jest.useRealTimers();
  });
});
