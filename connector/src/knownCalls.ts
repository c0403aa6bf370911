/** The agent's calls as last seen (from events and answers): what the connector acts on and resyncs. */
import type { CallView } from '../../telephony/src/contracts/agentApi.ts';

export class KnownCalls {
  private readonly calls = new Map<string, CallView>();
  /** Called after every change (the softphone follows the calls). */
  onChange: () => void = () => undefined;

  /** Keeps the latest view; a call the agent is no longer on is forgotten. */
  update(view: CallView): void {
    if (view.me !== null && view.state !== 'ended') this.calls.set(view.callId, view);
    else this.calls.delete(view.callId);
    this.onChange();
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
