/**
 * The window events between the console page (which hosts the connector and plays the contact
 * center's message bridge, `switchboard:AuraBridge`) and the managed package's LWCs (their
 * `lightning/messageService` stand-in). Two bundles share only the page, so they meet on `window`.
 */

/** A message an LWC published (not the connector's): the bridge hands its payload to the connector. */
export const TO_CONNECTOR = 'switchboard-emulator:lms-to-connector';
/** A payload the connector published (`MESSAGE` event): the bridge publishes it with source CONNECTOR. */
export const FROM_CONNECTOR = 'switchboard-emulator:lms-from-connector';
/** A telephony event the console received from the connector (`{ type, payload }`): the toolkit stand-in fires it. */
export const TELEPHONY_EVENT = 'switchboard-emulator:telephony-event';
