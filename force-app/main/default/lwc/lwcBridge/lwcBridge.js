import { LightningElement, api, wire } from 'lwc';
import { APPLICATION_SCOPE, MessageContext, publish, subscribe, unsubscribe } from 'lightning/messageService';
import SWITCHBOARD_CHANNEL from '@salesforce/messageChannel/switchboard__SwitchboardMessageChannel__c';

/** The `source` of every message the connector publishes; the bridge never hands these back to it. */
const CONNECTOR_SOURCE = 'CONNECTOR';

/**
 * The Lightning Message Service bridge of the connector (ConversationVendorInfo `bridgeComponent`).
 * No markup. Omni-Channel sets `handleMessage` (the way to the connector) and calls
 * `publishMessage` with what the connector sends.
 */
export default class LwcBridge extends LightningElement {
  /** Set by Omni-Channel: delivers a message to the connector. */
  @api handleMessage;

  @wire(MessageContext) messageContext;

  subscription = null;

  connectedCallback() {
    this.subscription = subscribe(
      this.messageContext,
      SWITCHBOARD_CHANNEL,
      (message) => this.forwardToConnector(message),
      { scope: APPLICATION_SCOPE },
    );
  }

  disconnectedCallback() {
    unsubscribe(this.subscription);
    this.subscription = null;
  }

  /** Publishes a message of the connector on the channel, marked as the connector's. */
  @api
  publishMessage(message) {
    publish(this.messageContext, SWITCHBOARD_CHANNEL, { source: CONNECTOR_SOURCE, payload: message });
  }

  forwardToConnector(message) {
    if (!message || message.source === CONNECTOR_SOURCE || typeof this.handleMessage !== 'function') {
      return;
    }
    this.handleMessage(message.payload);
  }
}
