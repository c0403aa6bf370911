/** What every panel of the simulator page shares: the API, the latest snapshot, the notice line. */
import type {
  ActiveCall,
  ContactCenterView,
  QueueStatsView,
  RingingDevice,
  SimulatorApi,
} from './simulatorApi.ts';
import { SimulatorApiError } from './simulatorApi.ts';
import { BrowserPhones } from './browserPhone.ts';

export interface Snapshot {
  contactCenters: ContactCenterView[];
  calls: ActiveCall[];
  queues: Array<{ contactCenterId: string; queues: QueueStatsView[] }>;
  devices: RingingDevice[];
  at: number;
}

export interface Panel {
  el: HTMLElement;
  render(snapshot: Snapshot, cc: ContactCenterView | undefined): void;
}

export class PageContext {
  snapshot: Snapshot = { contactCenters: [], calls: [], queues: [], devices: [], at: Date.now() };
  ccId = '';
  /** The call the call-action forms act on (chosen in the active calls table, or the last one placed). */
  selectedCallId = '';
  readonly listeners: Array<() => void> = [];
  /** The callers' and third parties' audio in this browser. */
  readonly phones = new BrowserPhones(() => void this.refresh());

  constructor(
    readonly api: SimulatorApi,
    private readonly notice: (text: string, tone: 'success' | 'error') => void,
    readonly refresh: () => Promise<void>,
  ) {}

  cc(): ContactCenterView | undefined {
    return this.snapshot.contactCenters.find((c) => c.id === this.ccId) ?? this.snapshot.contactCenters[0];
  }

  selectCall(callId: string): void {
    this.selectedCallId = callId;
    for (const l of this.listeners) l();
  }

  /** Runs an action, says what happened, then refreshes the snapshot. */
  async run<T>(label: string, action: () => Promise<T>): Promise<T | undefined> {
    try {
      const result = await action();
      this.notice(`${label}: done`, 'success');
      await this.refresh();
      return result;
    } catch (err) {
      const text =
        err instanceof SimulatorApiError
          ? `${label}: ${err.code} — ${err.message}`
          : `${label}: ${err instanceof Error ? err.message : String(err)}`;
      this.notice(text, 'error');
      await this.refresh();
      return undefined;
    }
  }
}

export function agentName(snapshot: Snapshot, userId: string | null): string {
  if (!userId) return '';
  for (const cc of snapshot.contactCenters) {
    const a = cc.agents.find((x) => x.id === userId);
    if (a) return a.displayName;
  }
  return userId;
}
