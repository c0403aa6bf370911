import { LightningElement } from 'lwc';

/** The console page's telephony events (bridgeEvents.ts TELEPHONY_EVENT; plain JS, so repeated here). */
const TELEPHONY_EVENT = 'switchboard-emulator:telephony-event';

/** Omni-Channel's event types → the toolkit's LWC event names (Service Cloud Voice LWC toolkit, "Telephony Events"). */
const TOOLKIT_EVENTS = {
  CALL_STARTED: 'callstarted',
  CALL_CONNECTED: 'callconnected',
  HANGUP: 'callended',
  MUTE_TOGGLE: 'mute',
  HOLD_TOGGLE: 'hold',
};

/**
 * Stand-in for Salesforce's `lightning-service-cloud-voice-toolkit-api` in the emulated console: an
 * element that fires the toolkit's telephony events (`callended`…) with the event's payload as
 * `detail`, for each event the console receives from the connector.
 */
export default class ServiceCloudVoiceToolkitApi extends LightningElement {
  listener = (event) => {
    const name = TOOLKIT_EVENTS[event.detail.type];
    if (name) this.dispatchEvent(new CustomEvent(name, { detail: event.detail.payload }));
  };

  connectedCallback() {
    globalThis.addEventListener(TELEPHONY_EVENT, this.listener);
  }

  disconnectedCallback() {
    globalThis.removeEventListener(TELEPHONY_EVENT, this.listener);
  }
}
