import { createElement } from 'lwc';
import SwitchboardHistory from 'c/switchboardHistory';
import {
  answer,
  mount,
  requests,
  reset,
  settle,
} from '../../switchboardWorkspaceClient/__tests__/fakeConnector';

const call = (id, extra = {}) => ({
  callId: id,
  direction: 'inbound',
  phoneNumber: `+1555000${id}`,
  callerName: null,
  queueName: 'Support',
  startedAt: Date.parse('2026-12-01T10:00:00Z'),
  talkSeconds: 65,
  holdSeconds: 0,
  answered: true,
  ...extra,
});

describe('c-switchboard-history', () => {
  afterEach(reset);

  it('lists my calls and pages with the cursor', async () => {
    answer({
      'history.list': (params) =>
        params.cursor
          ? { items: [call('3')], nextCursor: null }
          : { items: [call('1'), call('2', { direction: 'outbound' })], nextCursor: 'n1' },
    });
    const el = mount(createElement, 'c-switchboard-history', SwitchboardHistory);
    await settle();
    expect(requests('history.list')[0].params).toEqual({ limit: 25 });
    const rows = () => [...el.shadowRoot.querySelectorAll('tr.history-call')];
    expect(rows().map((r) => r.querySelector('.direction').textContent)).toEqual(['Inbound', 'Outbound']);
    expect(rows()[0].querySelector('.duration').textContent).toBe('1:05');
    expect(rows()[0].querySelector('.outcome').textContent).toBe('Answered');
    el.shadowRoot.querySelector('button.more').click();
    await settle();
    expect(requests('history.list')[1].params).toEqual({ limit: 25, cursor: 'n1' });
    expect(rows()).toHaveLength(3);
    expect(el.shadowRoot.querySelector('button.more')).toBeNull();
  });

  it('searches and filters by direction and dates', async () => {
    answer({ 'history.list': () => ({ items: [], nextCursor: null }) });
    const el = mount(createElement, 'c-switchboard-history', SwitchboardHistory);
    await settle();
    expect(el.shadowRoot.querySelector('.empty')).not.toBeNull();
    const search = el.shadowRoot.querySelector('input.search');
    search.value = ' 5550 ';
    search.dispatchEvent(new CustomEvent('input'));
    const direction = el.shadowRoot.querySelector('select.direction');
    direction.value = 'outbound';
    direction.dispatchEvent(new CustomEvent('change'));
    const from = el.shadowRoot.querySelector('input.from');
    from.value = '2026-12-01';
    from.dispatchEvent(new CustomEvent('change'));
    el.shadowRoot
      .querySelector('form.filters')
      .dispatchEvent(new CustomEvent('submit', { cancelable: true }));
    await settle();
    const params = requests('history.list')[1].params;
    expect(params).toMatchObject({ search: '5550', direction: 'outbound', limit: 25 });
    expect(params.from).toBe(new Date('2026-12-01T00:00:00').getTime());
    expect(params.to).toBeUndefined();
  });

  it('calls back in one click, and says so', async () => {
    answer({ 'history.list': () => ({ items: [call('1')] }), 'history.callBack': () => ({}) });
    const el = mount(createElement, 'c-switchboard-history', SwitchboardHistory);
    await settle();
    const button = el.shadowRoot.querySelector('button.call-back');
    expect(button.getAttribute('aria-label')).toBe('Call back +15550001');
    button.click();
    await settle();
    expect(requests('history.callBack')[0].params).toEqual({ callId: '1' });
    expect(el.shadowRoot.querySelector('.status').textContent).toBe('Calling +15550001…');
  });

  it('reloads when the toolkit reports that a call ended', async () => {
    answer({ 'history.list': () => ({ items: [], nextCursor: null }) });
    const el = mount(createElement, 'c-switchboard-history', SwitchboardHistory);
    await settle();
    el.shadowRoot
      .querySelector('lightning-service-cloud-voice-toolkit-api')
      .dispatchEvent(new CustomEvent('callended'));
    await settle();
    expect(requests('history.list')).toHaveLength(2);
  });
});
