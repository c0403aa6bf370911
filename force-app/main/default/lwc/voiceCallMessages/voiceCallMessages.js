import { LightningElement, api, wire } from 'lwc';
import { APPLICATION_SCOPE, MessageContext, publish, subscribe, unsubscribe } from 'lightning/messageService';
import SWITCHBOARD_CHANNEL from '@salesforce/messageChannel/switchboard__SwitchboardMessageChannel__c';

/** This component's `source`: its own messages come back on the channel and are not listed twice. */
const SOURCE = 'voiceCallMessages';
/** How many messages the card keeps (newest first). */
const MAX_MESSAGES = 20;

/**
 * Sample for the Voice Call record page: lists the messages on the Switchboard channel (from the
 * connector through the bridge) and sends a text message to the connector.
 */
export default class VoiceCallMessages extends LightningElement {
  @api recordId;

  @wire(MessageContext) messageContext;

  messages = [];
  draft = '';
  subscription = null;
  nextKey = 1;

  get hasMessages() {
    return this.messages.length > 0;
  }

  get sendDisabled() {
    return this.draft.trim() === '';
  }

  connectedCallback() {
    this.subscription = subscribe(
      this.messageContext,
      SWITCHBOARD_CHANNEL,
      (message) => this.receive(message),
      { scope: APPLICATION_SCOPE },
    );
  }

  disconnectedCallback() {
    unsubscribe(this.subscription);
    this.subscription = null;
  }

  receive(message) {
    if (!message || message.source === SOURCE) return;
    const entry = {
      key: String(this.nextKey++),
      source: message.source || 'unknown',
      text: typeof message.payload === 'string' ? message.payload : JSON.stringify(message.payload),
    };
    this.messages = [entry, ...this.messages].slice(0, MAX_MESSAGES);
  }

  handleDraftChange(event) {
    this.draft = event.detail.value || '';
  }

  handleSend() {
    const text = this.draft.trim();
    if (!text) return;
    publish(this.messageContext, SWITCHBOARD_CHANNEL, {
      source: SOURCE,
      payload: { type: 'TEXT', text, voiceCallId: this.recordId },
    });
    this.draft = '';
  }
}
