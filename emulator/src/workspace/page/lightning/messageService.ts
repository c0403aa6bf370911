/**
 * Stand-in for Salesforce's `lightning/messageService` in the emulated console: one page-wide message
 * bus for every channel, with the functions and the `MessageContext` wire adapter the managed
 * package's LWCs import. The contact center's bridge is the console page (bridgeEvents.ts): what a
 * component publishes with a source other than CONNECTOR reaches the connector, and the connector's
 * messages come back with `source: 'CONNECTOR'`, as the package's AuraBridge does in Salesforce.
 */
import { FROM_CONNECTOR, TO_CONNECTOR } from './bridgeEvents.ts';

export const APPLICATION_SCOPE = Symbol('APPLICATION_SCOPE');

interface Subscription {
  channel: string;
  listener: (message: unknown) => void;
}

const subscriptions = new Set<Subscription>();

function deliver(channel: string, message: unknown): void {
  for (const s of [...subscriptions]) if (s.channel === channel) s.listener(message);
}

/** The one channel the package defines: the bridge relays it (its name without a namespace). */
let bridgedChannel: string | null = null;

window.addEventListener(FROM_CONNECTOR, (event) => {
  if (bridgedChannel)
    deliver(bridgedChannel, { source: 'CONNECTOR', payload: (event as CustomEvent).detail });
});

/** A message context: the emulator has one page, so any object does. */
type Context = { readonly page: true };
const CONTEXT: Context = { page: true };

/** The `@wire(MessageContext)` adapter: hands the component a context when it connects. */
export class MessageContext {
  constructor(private readonly dataCallback: (value: Context) => void) {}
  connect(): void {
    this.dataCallback(CONTEXT);
  }
  update(): void {}
  disconnect(): void {}
}

export function createMessageContext(): Context {
  return CONTEXT;
}

export function releaseMessageContext(): void {}

export function publish(
  _context: unknown,
  channel: string,
  message: { source?: string; payload?: unknown },
): void {
  bridgedChannel ??= channel;
  deliver(channel, message);
  if (message?.source !== 'CONNECTOR')
    window.dispatchEvent(new CustomEvent(TO_CONNECTOR, { detail: message?.payload }));
}

export function subscribe(
  _context: unknown,
  channel: string,
  listener: (message: unknown) => void,
  _options?: { scope?: symbol },
): Subscription {
  bridgedChannel ??= channel;
  const subscription = { channel, listener };
  subscriptions.add(subscription);
  return subscription;
}

export function unsubscribe(subscription: Subscription | null): void {
  if (subscription) subscriptions.delete(subscription);
}
