/**
 * The agent's calls as last seen (from events and answers): what the connector acts on and resyncs,
 * and the vendor call keys Salesforce names them by.
 */
import type { CallView } from '../../telephony/src/contracts/agentApi.ts';

/** How many vendor call keys are remembered after their call ends (wrap-up names a call that ended). */
const KEYS_KEPT = 100;

export class KnownCalls {
  private readonly calls = new Map<string, CallView>();
  /** Vendor call key (the `callId` Salesforce knows) → the service's call id. */
  private readonly keys = new Map<string, string>();
  /** Called after every change (the softphone follows the calls). */
  onChange: () => void = () => undefined;

  /** Keeps the latest view; a call the agent is no longer on is forgotten. */
  update(view: CallView): void {
    this.remember(view.vendorCallKey, view.callId);
    if (view.me !== null && view.state !== 'ended') this.calls.set(view.callId, view);
    else this.calls.delete(view.callId);
    this.onChange();
  }

  /** Remembers the service's call id of a vendor call key, the most recent last. */
  remember(vendorCallKey: string, callId: string): void {
    this.keys.delete(vendorCallKey);
    this.keys.set(vendorCallKey, callId);
    if (this.keys.size > KEYS_KEPT) this.keys.delete(this.keys.keys().next().value as string);
  }

  /** The service's call id of the `callId` Salesforce hands back (a vendor call key); unknown ones as they are. */
  serviceCallId(vendorCallKey: string): string {
    return this.keys.get(vendorCallKey) ?? vendorCallKey;
  }

  forget(callId: string): void {
    if (this.calls.delete(callId)) this.onChange();
  }

  get(callId: string | undefined): CallView | undefined {
    return callId ? this.calls.get(callId) : undefined;
  }

  all(): CallView[] {
    return [...this.calls.values()];
  }

  /** The call the agent talks on (connected first), for requests that name no call. */
  current(): CallView | undefined {
    const all = this.all();
    return all.find((c) => c.state === 'connected') ?? all[0];
  }

  clear(): void {
    this.calls.clear();
    this.onChange();
  }
}
