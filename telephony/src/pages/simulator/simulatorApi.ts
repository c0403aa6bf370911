/** The simulator HTTP API (docs/simulator-api.md) as the page calls it: JSON in, JSON out, typed errors. */

export class SimulatorApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface AgentStatusView {
  state: string;
  reason: string | null;
  since: number;
  salesforceStatusId: string | null;
}

export interface DirectoryAgent {
  id: string;
  username: string;
  displayName: string;
  role: 'agent' | 'supervisor';
  salesforceUserId: string | null;
  loggedIn: boolean;
  status: AgentStatusView;
  config: { phoneType: 'SOFT_PHONE' | 'DESK_PHONE'; deskPhoneNumber: string | null; autoAccept: boolean };
  activeCallId: string | null;
}

export interface ContactCenterView {
  id: string;
  orgId: string;
  apiName: string;
  displayName: string;
  settings: {
    ringTimeoutSeconds?: number;
    wrapUpSeconds?: number;
    recordingDefault?: boolean;
    hiddenCallControls?: Record<string, boolean>;
    removeParticipantVariant?: string;
    customErrorLabels?: Record<string, string>;
  };
  numbers: Array<{ number: string; label: string | null; targetType: string; targetId: string }>;
  queues: Array<{ id: string; name: string }>;
  flows: Array<{ id: string; devName: string }>;
  agents: DirectoryAgent[];
}

export interface ActiveCallParticipant {
  id: string;
  role: 'initial_caller' | 'agent' | 'third_party' | 'supervisor';
  userId: string | null;
  name: string | null;
  phoneNumber: string | null;
  state: string;
  muted: boolean;
  onHold: boolean;
  device: string | null;
}

export interface ActiveCall {
  callId: string;
  contactCenterId: string;
  kind: string;
  origin: string | null;
  state: string;
  from: string;
  to: string;
  callerName: string | null;
  queueId: string | null;
  isDeskPhone: boolean;
  recording: { enabled: boolean; paused: boolean; active: boolean };
  createdAt: number;
  connectedAt: number | null;
  participants: ActiveCallParticipant[];
}

export interface QueueStatsView {
  queueId: string;
  name: string;
  waiting: number;
  longestWaitSeconds: number;
  estimatedWaitSeconds: number;
  availableAgents: number;
  calls: Array<{ callId: string; from: string; queuedAt: number; waitSeconds: number; callType: string }>;
}

export interface RingingDevice {
  userId: string;
  callId: string;
  participantId: string;
  device: string;
  phoneNumber: string | null;
}

export interface AgentMessageView {
  message: unknown;
  at: number;
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
