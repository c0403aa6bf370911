import { createElement } from 'lwc';
import { APPLICATION_SCOPE, publish, subscribe, unsubscribe } from 'lightning/messageService';
import LwcBridge from 'c/lwcBridge';

const CHANNEL = 'switchboard__SwitchboardMessageChannel__c';

function mount(handleMessage) {
  const element = createElement('c-lwc-bridge', { is: LwcBridge });
  element.handleMessage = handleMessage;
  document.body.appendChild(element);
  return element;
}

/** The callback the bridge gave to `subscribe`. */
function channelListener() {
  expect(subscribe).toHaveBeenCalledTimes(1);
  return subscribe.mock.calls[0][2];
}

describe('c-lwc-bridge', () => {
  afterEach(() => {
    while (document.body.firstChild) {
      document.body.removeChild(document.body.firstChild);
    }
    jest.clearAllMocks();
  });

  it('subscribes to the Switchboard channel in application scope and renders nothing', () => {
    const element = mount(jest.fn());
    expect(subscribe).toHaveBeenCalledWith(undefined, CHANNEL, expect.any(Function), {
      scope: APPLICATION_SCOPE,
    });
    expect(element.shadowRoot.childNodes).toHaveLength(0);
  });

  it('publishes what the connector sends, marked with source CONNECTOR', () => {
    const element = mount(jest.fn());
    element.publishMessage({ type: 'CALL_STARTED', callId: 'CA1' });
    expect(publish).toHaveBeenCalledWith(undefined, CHANNEL, {
      source: 'CONNECTOR',
      payload: { type: 'CALL_STARTED', callId: 'CA1' },
    });
  });

  it("hands other components' messages to the connector: the payload only", () => {
    const handleMessage = jest.fn();
    mount(handleMessage);
    channelListener()({ source: 'voiceCallMessages', payload: { text: 'hello' } });
    expect(handleMessage).toHaveBeenCalledWith({ text: 'hello' });
  });

  it("drops the connector's own messages (no echo)", () => {
    const handleMessage = jest.fn();
    mount(handleMessage);
    channelListener()({ source: 'CONNECTOR', payload: { text: 'mine' } });
    expect(handleMessage).not.toHaveBeenCalled();
  });

  it('ignores messages until Omni-Channel has set handleMessage', () => {
    mount(undefined);
    expect(() => channelListener()({ source: 'other', payload: 1 })).not.toThrow();
  });

  it('unsubscribes when removed from the page', () => {
    const element = mount(jest.fn());
    const subscription = subscribe.mock.results[0].value;
    document.body.removeChild(element);
    expect(unsubscribe).toHaveBeenCalledWith(subscription);
  });
});
