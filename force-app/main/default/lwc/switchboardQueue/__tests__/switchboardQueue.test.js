import { createElement } from 'lwc';
import SwitchboardQueue from 'c/switchboardQueue';
import {
  answer,
  deliver,
  mount,
  requests,
  reset,
  settle,
} from '../../switchboardWorkspaceClient/__tests__/fakeConnector';

const ago = (s) => new Date(Date.now() - s * 1000).toISOString();
const rows = (el) => [...el.shadowRoot.querySelectorAll('tr.queued-call')];

describe('c-switchboard-queue', () => {
  afterEach(reset);

  it('lists the waiting calls longest wait first, with caller, called number and queue', async () => {
    const items = [
      {
        callId: 'c2',
        caller: '+15550002',
        dialedNumber: '+18005550100',
        queueName: 'Sales',
        waitingSince: ago(10),
      },
      {
        callId: 'c1',
        caller: '+15550001',
        dialedNumber: '+18005550199',
        queueName: 'Support',
        waitingSince: ago(95),
      },
    ];
    answer({ 'queue.list': () => ({ items }) });
    const el = mount(createElement, 'c-switchboard-queue', SwitchboardQueue);
    await settle();
    const shown = rows(el).map((r) => [
      r.querySelector('.caller').textContent,
      r.querySelector('.dialed').textContent,
      r.querySelector('.queue-name').textContent,
    ]);
    expect(shown).toEqual([
      ['+15550001', '+18005550199', 'Support'],
      ['+15550002', '+18005550100', 'Sales'],
    ]);
    expect(rows(el)[0].querySelector('.waited').textContent).toMatch(/^1:3[5-6]$/);
    expect(el.shadowRoot.querySelector('.count').textContent).toBe('2 waiting');
  });

  it('says when no call waits, and reloads on a queue event', async () => {
    let items = [];
    answer({ 'queue.list': () => ({ items }) });
    const el = mount(createElement, 'c-switchboard-queue', SwitchboardQueue);
    await settle();
    expect(el.shadowRoot.querySelector('.empty')).not.toBeNull();
    items = [
      { callId: 'c9', caller: '+15550009', dialedNumber: '+1800', queueName: 'Sales', waitingSince: ago(1) },
    ];
    deliver({ switchboard: 'workspace.event', topic: 'queue', data: {} });
    await settle();
    expect(rows(el)).toHaveLength(1);
    expect(requests('queue.list')).toHaveLength(2);
  });

  it('picks a call by its id, and shows a refusal as an alert', async () => {
    answer({
      'queue.list': () => ({
        items: [
          { callId: 'c1', caller: '+1555', dialedNumber: '+1800', queueName: 'Q', waitingSince: ago(3) },
        ],
      }),
      'queue.pick': () => {
        throw { code: 'FORBIDDEN', message: 'Agents may not pick calls here.' };
      },
    });
    const el = mount(createElement, 'c-switchboard-queue', SwitchboardQueue);
    await settle();
    const pick = el.shadowRoot.querySelector('button.pick');
    expect(pick.getAttribute('aria-label')).toBe('Pick the call from +1555');
    pick.click();
    await settle();
    expect(requests('queue.pick')[0].params).toEqual({ callId: 'c1' });
    const alert = el.shadowRoot.querySelector('c-switchboard-alert');
    expect(alert.message).toBe('Agents may not pick calls here. (FORBIDDEN)');
  });
});
