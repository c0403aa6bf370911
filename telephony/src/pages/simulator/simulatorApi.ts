/**
 * The simulator HTTP API (docs/simulator-api.md) as the page calls it: JSON in, JSON out, typed errors.
 * The shapes are the API's contract (telephony/src/contracts/simulatorApi.ts).
 */
import type {
  ActiveCall,
  AgentMessageView,
  ContactCenterView,
  QueueStatsView,
  RingingDevice,
} from '../../contracts/simulatorApi.ts';

export type {
  ActiveCall,
  ActiveCallParticipant,
  AgentMessageView,
  AgentStatusView,
  ContactCenterView,
  DirectoryAgent,
  QueueStatsView,
  RingingDevice,
} from '../../contracts/simulatorApi.ts';

export class SimulatorApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class SimulatorApi {
  constructor(
    private readonly base = '/sim/v1',
    private readonly fetcher: typeof fetch = (...args) => fetch(...args),
  ) {}

  async call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.fetcher(`${this.base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await res.text();
    const json = text ? (JSON.parse(text) as unknown) : null;
    if (!res.ok) {
      const error = (json as { error?: { code?: string; message?: string } } | null)?.error;
      throw new SimulatorApiError(
        res.status,
        error?.code ?? `HTTP_${res.status}`,
        error?.message ?? res.statusText,
      );
    }
    return json as T;
  }

  contactCenters(): Promise<{ contactCenters: ContactCenterView[] }> {
    return this.call('GET', '/contact-centers');
  }
  activeCalls(): Promise<{ calls: ActiveCall[] }> {
    return this.call('GET', '/calls');
  }
  queues(): Promise<{ contactCenters: Array<{ contactCenterId: string; queues: QueueStatsView[] }> }> {
    return this.call('GET', '/queues');
  }
  devices(): Promise<{ devices: RingingDevice[] }> {
    return this.call('GET', '/devices');
  }
  messages(userId: string): Promise<{ messages: AgentMessageView[] }> {
    return this.call('GET', `/agents/${encodeURIComponent(userId)}/messages`);
  }
  post<T = unknown>(path: string, body: unknown = {}): Promise<T> {
    return this.call('POST', path, body);
  }
}
