import { createElement } from 'lwc';
import SwitchboardCallbacks from 'c/switchboardCallbacks';
import {
  answer,
  mount,
  requests,
  reset,
  settle,
} from '../../switchboardWorkspaceClient/__tests__/fakeConnector';

function type(el, selector, value, eventName = 'input') {
  const input = el.shadowRoot.querySelector(selector);
  input.value = value;
  input.dispatchEvent(new CustomEvent(eventName));
}

describe('c-switchboard-callbacks', () => {
  afterEach(reset);

  it("lists mine, then my queues' when asked", async () => {
    answer({
      'skills.list': () => ({ queues: [] }),
      'callbacks.list': ({ scope }) => ({
        callbacks: [
          {
            callbackId: scope,
            phoneNumber: '+15550001',
            dueAt: Date.parse('2026-12-02T15:00:00Z'),
            state: 'scheduled',
            queueName: scope === 'queues' ? 'Support' : null,
          },
        ],
      }),
    });
    const el = mount(createElement, 'c-switchboard-callbacks', SwitchboardCallbacks);
    await settle();
    expect(requests('callbacks.list')[0].params).toEqual({ scope: 'mine' });
    expect(el.shadowRoot.querySelector('tr.callback .owner').textContent).toBe('Me');
    expect(el.shadowRoot.querySelector('tr.callback .state').textContent).toBe('Scheduled');
    const queues = el.shadowRoot.querySelector('input.scope-queues');
    queues.checked = true;
    queues.dispatchEvent(new CustomEvent('change'));
    await settle();
    expect(requests('callbacks.list')[1].params).toEqual({ scope: 'queues' });
    expect(el.shadowRoot.querySelector('tr.callback .owner').textContent).toBe('Support');
  });

  it('schedules one for me or for a queue, then reloads', async () => {
    answer({
      'skills.list': () => ({ queues: [{ queueId: 'q1', name: 'Support' }] }),
      'callbacks.list': () => ({ callbacks: [] }),
      'callbacks.schedule': () => ({ callbackId: 'cb1' }),
    });
    const el = mount(createElement, 'c-switchboard-callbacks', SwitchboardCallbacks);
    await settle();
    const submit = el.shadowRoot.querySelector('button.submit');
    expect(submit.disabled).toBe(true);
    type(el, 'input.phone', ' +15550042 ');
    type(el, 'input.due-at', '2026-12-02T15:30');
    type(el, 'select.assignee', 'q1', 'change');
    await settle();
    expect(submit.disabled).toBe(false);
    el.shadowRoot
      .querySelector('form.schedule')
      .dispatchEvent(new CustomEvent('submit', { cancelable: true }));
    await settle();
    expect(requests('callbacks.schedule')[0].params).toEqual({
      phoneNumber: '+15550042',
      dueAt: new Date('2026-12-02T15:30').getTime(),
      queueId: 'q1',
    });
    expect(el.shadowRoot.querySelector('.status').textContent).toBe('Callback to +15550042 scheduled.');
    expect(requests('callbacks.list')).toHaveLength(2);

    type(el, 'input.phone', '+15550043');
    type(el, 'input.due-at', '2026-12-02T16:00');
    type(el, 'select.assignee', 'me', 'change');
    el.shadowRoot
      .querySelector('form.schedule')
      .dispatchEvent(new CustomEvent('submit', { cancelable: true }));
    await settle();
    expect(requests('callbacks.schedule')[1].params).toMatchObject({ phoneNumber: '+15550043', forMe: true });
    expect(requests('callbacks.schedule')[1].params.queueId).toBeUndefined();
  });

  it('shows a refused schedule as an alert and keeps the form', async () => {
    answer({
      'skills.list': () => ({ queues: [] }),
      'callbacks.list': () => ({ callbacks: [] }),
      'callbacks.schedule': () => {
        throw { code: 'INVALID_PARAMS', message: 'INVALID_PARAMS: dueAt must be in the future' };
      },
    });
    const el = mount(createElement, 'c-switchboard-callbacks', SwitchboardCallbacks);
    await settle();
    type(el, 'input.phone', '+15550042');
    type(el, 'input.due-at', '2020-01-01T10:00');
    el.shadowRoot
      .querySelector('form.schedule')
      .dispatchEvent(new CustomEvent('submit', { cancelable: true }));
    await settle();
    expect(el.shadowRoot.querySelector('c-switchboard-alert').message).toBe(
      'INVALID_PARAMS: dueAt must be in the future',
    );
    expect(el.shadowRoot.querySelector('input.phone').value).toBe('+15550042');
  });
});
