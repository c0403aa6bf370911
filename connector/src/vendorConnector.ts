/**
 * The VendorConnector: configuration, login and session, presence, the Lightning message relay,
 * logs. It owns the connection to the service; the telephony methods are in telephonyConnector.ts.
 */
import {
  AgentVendorStatusInfo,
  ContactsResult,
  GenericResult,
  InitResult,
  LogoutResult,
  publishEvent,
  SharedCapabilitiesResult,
  VendorConnector,
  type AgentWork,
  type TelephonyConnector,
} from 'scv-connector-base';
import type { AgentSettings, ParamsOf } from '../../telephony/src/contracts/agentApi.ts';
import { parseConnectorConfig, type ConnectorSettings } from './contactCenterConfig.ts';
import { postJson } from './http.ts';
import { KnownCalls } from './knownCalls.ts';
import { LoginForm } from './loginForm.ts';
import {
  backoffDelay,
  ServiceClient,
  SessionEnded,
  type Answer,
  type EchoSpec,
  type RequestMethod,
  type SessionEndReason,
  type Welcome,
} from './serviceClient.ts';
import { EventPublisher } from './serviceEvents.ts';
import { ServiceError, unreachable } from './serviceError.ts';
import {
  readDeviceToken,
  saveDeviceToken,
  SessionStore,
  tabStorage,
  type StoredSession,
} from './sessionStore.ts';
import { SoftphoneControl } from './softphoneControl.ts';
import { defaultSettings, SettingsStore } from './softphoneSettings.ts';
import { SwitchboardTelephony, type ConnectorRuntime } from './telephonyConnector.ts';
import { VendorLog } from './vendorLog.ts';

const UNREACHABLE_TEXT = 'The Switchboard service is unreachable. Retrying…';

/** Lightning messages larger than this (as JSON) are not relayed: the socket's frames are bounded. */
const MAX_MESSAGE_CHARS = 16_000;

const ENDED_TEXT: Record<SessionEndReason, string> = {
  expired: 'Your Switchboard session expired. Log in again.',
  takenOver: 'You logged in to Switchboard somewhere else.',
  loggedOut: 'You were logged out of Switchboard.',
  invalid: 'Your Switchboard session is no longer valid. Log in again.',
};

export class SwitchboardConnector extends VendorConnector implements ConnectorRuntime {
  readonly log = new VendorLog();
  readonly calls = new KnownCalls();
  readonly mapping = {
    settings: null as AgentSettings | null,
    dialedCallbacks: new Set<string>(),
    deskPhone: false,
  };
  readonly events = new EventPublisher(() => this.mapping, this.calls, this.log);
  private readonly telephony = new SwitchboardTelephony(this);
  softphone: SoftphoneControl | null = null;
  private config: ConnectorSettings | null = null;
  private store = new SessionStore(null, '');
  private form: LoginForm | null = null;
  private client: ServiceClient | null = null;
  private session: StoredSession | null = null;
  private loggingOut = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  serviceUrl(): string {
    return this.config?.serviceUrl ?? window.location.origin;
  }

  private get loginFrameHeight(): number {
    return this.config?.loginFrameHeight ?? 350;
  }

  request<M extends RequestMethod>(method: M, params: ParamsOf<M>, echo?: EchoSpec): Promise<Answer<M>> {
    if (!this.client) return Promise.reject(unreachable());
    return this.client.request(method, params, echo).then((answer) => {
      const call = (answer.result as { call?: Parameters<KnownCalls['update']>[0] } | null)?.call;
      if (call) this.calls.update(call);
      return answer;
    });
  }

  override async init(connectorConfig: Record<string, unknown>): Promise<InitResult> {
    const config = parseConnectorConfig(connectorConfig, window.location.origin);
    this.config = config;
    this.store = new SessionStore(
      tabStorage(),
      `switchboard.session.${config.orgId}.${config.contactCenter}.${config.salesforceUserId}`,
    );
    this.form = new LoginForm(document, (username, password) => this.login(username, password));
    const key = `${config.orgId}.${config.contactCenter}.${config.salesforceUserId}`;
    // `/reqSwitchboard/reqIntegratedSoftphone` false: the audio is on another softphone (seed 000).
    if (String(connectorConfig['/reqSwitchboard/reqIntegratedSoftphone']) !== 'false')
      this.softphone = new SoftphoneControl(
        {
          calls: this.calls,
          events: this.events,
          log: this.log,
          serviceUrl: () => this.serviceUrl(),
          token: () => this.session?.token ?? null,
          deskPhone: () => this.mapping.deskPhone,
        },
        new SettingsStore(`switchboard.softphone.${key}`, defaultSettings(connectorConfig)),
      );
    this.calls.onChange = () => this.softphone?.sync();
    const saved = this.store.load(Date.now());
    if (saved) {
      try {
        await this.connect(saved);
        return new InitResult({});
      } catch (err) {
        if (!(err instanceof SessionEnded)) {
          this.form.show(UNREACHABLE_TEXT);
          this.retry(saved, 0);
          return new InitResult({ showLogin: true, loginFrameHeight: this.loginFrameHeight });
        }
        this.store.clear();
      }
    }
    this.form.show();
    return new InitResult({ showLogin: true, loginFrameHeight: this.loginFrameHeight });
  }

  /** Opens the agent's socket with a session; applies the configuration's presence statuses. */
  private async connect(session: StoredSession): Promise<Welcome> {
    const config = this.config as ConnectorSettings;
    const client: ServiceClient = new ServiceClient({
      wsUrl: config.wsUrl,
      token: session.token,
      labelNamespace: config.errorLabelNamespace,
      onEvent: (event) => this.events.accept(event),
      onReconnected: (welcome) => this.reconnected(welcome),
      onSessionEnded: (reason) => {
        if (this.client === client) this.sessionEnded(reason);
      },
      log: (level, message, payload) => this.log.add(level, message, payload),
    });
    this.events.holdUntilReady();
    const welcome = await client.open();
    const previous = this.client;
    this.client = client;
    this.session = session;
    previous?.stop();
    const statuses = config.presenceStatuses.slice(0, 200);
    if (statuses.length > 0) {
      await this.request('setPresenceStatuses', { statuses }).catch((err: unknown) =>
        this.log.add('ERROR', 'presence statuses not stored', String(err)),
      );
    }
    await this.request('getSettings', {})
      .then(({ result }) => (this.mapping.settings = result))
      .catch((err: unknown) => this.log.add('ERROR', 'contact center settings not loaded', String(err)));
    return welcome;
  }

  /** The service was unreachable at start: retries with backoff while the login form says so. */
  private retry(saved: StoredSession, attempt: number): void {
    this.retryTimer = setTimeout(async () => {
      if (this.client) return;
      try {
        await this.connect(saved);
      } catch (err) {
        if (err instanceof SessionEnded) {
          this.store.clear();
          this.form?.show(ENDED_TEXT[err.reason]);
        } else this.retry(saved, attempt + 1);
        return;
      }
      this.form?.hide();
      await this.loginResult(true);
    }, backoffDelay(attempt));
  }

  softphoneReady(): void {
    setTimeout(() => {
      if (this.session) this.softphone?.start();
    }, 0);
  }

  private loginResult(success: boolean): Promise<void> {
    return publishEvent({ eventType: 'LOGIN_RESULT', payload: new GenericResult({ success }) });
  }

  private async login(username: string, password: string): Promise<string | null> {
    const config = this.config as ConnectorSettings;
    // The device token of this user's last sign-in here (docs/agent-api.md): a known device is
    // checked first under a flood and passes a lock that someone guessing the password caused.
    const deviceKey = `sb-device:${config.orgId}:${config.contactCenter}:${username}`;
    const deviceToken = readDeviceToken(deviceKey);
    const body = {
      orgId: config.orgId,
      contactCenter: config.contactCenter,
      username,
      password,
      deviceToken,
    };
    let error: string | null = null;
    try {
      const answer = await postJson(`${config.serviceUrl}/agent/v1/login`, body);
      if (answer.status === 200) {
        const session = answer.body as StoredSession & { deviceToken?: string };
        saveDeviceToken(deviceKey, session.deviceToken);
        clearTimeout(this.retryTimer);
        await this.connect(session);
        this.store.save(session);
      } else {
        const message = (answer.body as { error?: { message?: string } } | null)?.error?.message;
        error =
          answer.status === 401
            ? 'Wrong username or password.'
            : `Login refused: ${message ?? answer.status}`;
      }
    } catch (err) {
      error =
        err instanceof SessionEnded ? ENDED_TEXT[err.reason] : 'The Switchboard service is unreachable.';
    }
    if (!error) this.form?.hide();
    await this.loginResult(error === null);
    return error;
  }

  /** Back after a lost connection; if the missed events are gone, the calls are compared afresh. */
  private reconnected(welcome: Welcome): void {
    this.log.add('INFO', `reconnected (resumed: ${welcome.resumed})`);
    if (welcome.resumed) return;
    this.request('getActiveCalls', {})
      .then(({ result }) => this.events.resync(result.calls))
      .catch((err: unknown) => this.log.add('ERROR', 'resync failed', String(err)));
  }

  /** The service ended the session (expired, taken over elsewhere): the login form comes back. */
  private sessionEnded(reason: SessionEndReason): void {
    if (this.loggingOut) return;
    this.forgetSession();
    this.form?.show(ENDED_TEXT[reason]);
    void publishEvent({
      eventType: 'LOGOUT_RESULT',
      payload: new LogoutResult({ success: true, loginFrameHeight: this.loginFrameHeight }),
    });
  }

  private forgetSession(): void {
    this.softphone?.stop();
    this.client?.stop();
    this.client = null;
    this.session = null;
    this.store.clear();
    this.calls.clear();
  }

  override async logout(): Promise<LogoutResult> {
    const session = this.session;
    if (session) {
      this.loggingOut = true;
      try {
        const answer = await postJson(`${this.serviceUrl()}/agent/v1/logout`, undefined, session.token);
        if (answer.status !== 200 && answer.status !== 401)
          throw new ServiceError('GENERIC_ERROR', `logout refused: ${answer.status}`);
      } finally {
        this.loggingOut = false;
      }
    }
    this.forgetSession();
    this.form?.show();
    return new LogoutResult({ success: true, loginFrameHeight: this.loginFrameHeight });
  }

  override async getTelephonyConnector(): Promise<TelephonyConnector> {
    return this.telephony;
  }

  override async getSharedCapabilities(): Promise<SharedCapabilitiesResult> {
    return new SharedCapabilitiesResult({
      debugEnabled: true,
      hasContactSearch: true,
      hasAgentAvailability: true,
      hasQueueWaitTime: true,
      hasTransferToOmniFlow: true,
      hasPendingStatusChange: true,
      hasSFDCPendingState: false,
      hasAutoAcceptEnabled: this.telephony.autoAccept,
    });
  }

  /** Omni-Channel's status (`statusInfo.statusId`; `Offline` without one is status `0`). */
  override async setAgentStatus(
    agentStatus: string,
    statusInfo: unknown,
    enqueueNextState?: boolean,
  ): Promise<GenericResult> {
    const info = (statusInfo ?? {}) as { statusId?: string; statusName?: string };
    const statusId = info.statusId || (agentStatus === 'Offline' ? '0' : undefined);
    if (!statusId) throw new ServiceError('INVALID_AGENT_STATUS', `no status id for ${agentStatus}`);
    await this.request('setAgentStatus', {
      statusId,
      ...(info.statusName ? { statusName: info.statusName } : {}),
      ...(enqueueNextState ? { enqueueNextState: true } : {}),
    });
    return new GenericResult({ success: true });
  }

  override async getAgentStatus(): Promise<AgentVendorStatusInfo> {
    const { result } = await this.request('getAgentStatus', {});
    return new AgentVendorStatusInfo({
      statusId: result.salesforceStatusId ?? undefined,
      statusType: result.state,
      statusName: result.reason ?? result.state,
    });
  }

  /**
   * A message from the Lightning message bridge: relayed to the service, or asked as a workspace
   * request when it is one (`switchboard: 'workspace'`). A callback transfer
   * request (`{ type: 'TRANSFER_CALLBACK_REQUEST', payload }`) also opens Omni-Channel's transfer view.
   */
  override handleMessage(message: unknown): void {
    this.log.add('INFO', 'message from the Lightning bridge', message);
    const m = message as { type?: unknown; payload?: unknown } | null;
    if (m?.type === 'TRANSFER_CALLBACK_REQUEST')
      void publishEvent({ eventType: 'SHOW_TRANSFER_VIEW', payload: m.payload ?? {} });
    if ((JSON.stringify(message) ?? '').length > MAX_MESSAGE_CHARS) {
      this.log.add('ERROR', `message not relayed: larger than ${MAX_MESSAGE_CHARS} characters`);
      return;
    }
    // A workspace component's request (docs/workspace.md): asked on the agent's socket, answered as MESSAGE.
    const w = message as { switchboard?: unknown; id?: unknown; op: string; params?: unknown };
    if (w.switchboard === 'workspace') {
      const reply = (r: object) =>
        publishEvent({ eventType: 'MESSAGE', payload: { switchboard: 'workspace.reply', id: w.id, ...r } });
      this.request('workspace', { op: w.op, params: w.params }).then(
        (a) => reply({ ok: true, data: a.result }),
        (e: ServiceError) => reply({ ok: false, error: { code: e.type, message: e.message } }),
      );
      return;
    }
    this.request('sendMessage', { message }).catch((err: unknown) =>
      this.log.add('ERROR', 'message not relayed', String(err)),
    );
  }

  override onAgentWorkEvent(agentWork: AgentWork): void {
    this.log.add('INFO', 'agent work event', agentWork);
  }

  override async getContacts(filter: unknown): Promise<ContactsResult> {
    return new ContactsResult({ contacts: await this.telephony.contacts(filter) });
  }

  override downloadLogs(logs: string[]): void {
    this.log.download(logs);
  }

  override logMessageToVendor(logLevel: string, message: string, payload?: unknown): void {
    this.log.add(logLevel, message, payload);
  }
}
