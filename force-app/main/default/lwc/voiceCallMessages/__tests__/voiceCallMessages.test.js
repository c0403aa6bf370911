import { createElement } from 'lwc';
import { publish, subscribe, unsubscribe } from 'lightning/messageService';
import VoiceCallMessages from 'c/voiceCallMessages';

const CHANNEL = 'switchboard__SwitchboardMessageChannel__c';

function mount() {
  const element = createElement('c-voice-call-messages', { is: VoiceCallMessages });
  element.recordId = '0LQ5g000000AbCdGAK';
  document.body.appendChild(element);
  return element;
}

function deliver(message) {
  subscribe.mock.calls[0][2](message);
}

const listed = (element) =>
  [...element.shadowRoot.querySelectorAll('li.message p')].map((p) => p.textContent);

describe('c-voice-call-messages', () => {
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
    jest.clearAllMocks();
  });

  it('shows that nothing arrived yet', () => {
    const element = mount();
    expect(element.shadowRoot.querySelector('.empty')).not.toBeNull();
    expect(subscribe.mock.calls[0][1]).toBe(CHANNEL);
  });

  it('lists the messages of the channel, newest first, objects as JSON', async () => {
    const element = mount();
    deliver({ source: 'CONNECTOR', payload: { type: 'CALL_CONNECTED' } });
    deliver({ source: 'CONNECTOR', payload: 'plain text' });
    await Promise.resolve();
    expect(listed(element)).toEqual(['plain text', '{"type":"CALL_CONNECTED"}']);
    expect(element.shadowRoot.querySelector('.empty')).toBeNull();
  });

  it('keeps the last 20 messages only', async () => {
    const element = mount();
    for (let i = 1; i <= 25; i++) deliver({ source: 'CONNECTOR', payload: `m${i}` });
    await Promise.resolve();
    const shown = listed(element);
    expect(shown).toHaveLength(20);
    expect(shown[0]).toBe('m25');
    expect(shown[19]).toBe('m6');
  });

  it('does not list its own messages coming back', async () => {
    const element = mount();
    deliver({ source: 'voiceCallMessages', payload: { text: 'echo' } });
    await Promise.resolve();
    expect(listed(element)).toEqual([]);
  });

  it('sends the typed text with the record id, then clears the draft', async () => {
    const element = mount();
    const input = element.shadowRoot.querySelector('lightning-input.draft');
    const button = element.shadowRoot.querySelector('lightning-button.send');
    expect(button.disabled).toBe(true);
    input.dispatchEvent(new CustomEvent('change', { detail: { value: '  callback at 5  ' } }));
    await Promise.resolve();
    expect(button.disabled).toBe(false);
    button.click();
    await Promise.resolve();
    expect(publish).toHaveBeenCalledWith(undefined, CHANNEL, {
      source: 'voiceCallMessages',
      payload: { type: 'TEXT', text: 'callback at 5', voiceCallId: '0LQ5g000000AbCdGAK' },
    });
    expect(input.value).toBe('');
    expect(button.disabled).toBe(true);
  });

  it('sends nothing for a blank draft', () => {
    const element = mount();
    element.shadowRoot
      .querySelector('lightning-input.draft')
      .dispatchEvent(new CustomEvent('change', { detail: { value: '   ' } }));
    element.shadowRoot.querySelector('lightning-button.send').click();
    expect(publish).not.toHaveBeenCalled();
  });

  it('unsubscribes when removed', () => {
    const element = mount();
    const subscription = subscribe.mock.results[0].value;
    document.body.removeChild(element);
    expect(unsubscribe).toHaveBeenCalledWith(subscription);
  });
});
