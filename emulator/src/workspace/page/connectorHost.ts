/**
 * Omni-Channel's side of the scv-connector-base protocol (/work/shared/salesforce-host-protocol.md):
 * frames the connector, posts SETUP_CONNECTOR with the contact center configuration and a
 * MessageChannel port, then talks over the port. Replies carry no request id: the console matches
 * them by event type and payload.
 */

export interface HostLogEntry {
  at: number;
  direction: 'to connector' | 'from connector';
  type: string;
  payload: unknown;
}

export type ConnectorMessage =
  | {
      type: 'TELEPHONY_EVENT_DISPATCHED';
      payload: { telephonyEventType: string; telephonyEventPayload: unknown };
    }
  | { type: 'CONNECTOR_READY'; payload: Record<string, unknown> }
  | { type: 'LOG'; payload: { eventType: string; payload: unknown; isError: boolean } };

export class ConnectorHost {
  readonly frame: HTMLIFrameElement;
  readonly log: HostLogEntry[] = [];
  private port: MessagePort | null = null;

  constructor(
    private readonly connectorUrl: string,
    private readonly onEvent: (type: string, payload: unknown) => void,
    private readonly onReady: (payload: Record<string, unknown>) => void,
    private readonly onLog: () => void,
  ) {
    this.frame = document.createElement('iframe');
    this.frame.title = 'Telephony connector';
    this.frame.dataset.testid = 'connector-frame';
    this.frame.setAttribute('allow', 'microphone; autoplay');
  }

  /** Loads the connector page and, once loaded, sets it up with `config`. */
  start(config: Record<string, unknown>): void {
    this.frame.addEventListener('load', () => this.setup(config), { once: true });
    this.frame.src = this.connectorUrl;
  }

  private setup(config: Record<string, unknown>): void {
    const channel = new MessageChannel();
    this.port = channel.port1;
    this.port.onmessage = (ev: MessageEvent<ConnectorMessage>) => this.receive(ev.data);
    this.record('to connector', 'SETUP_CONNECTOR', { keys: Object.keys(config).length });
    this.frame.contentWindow?.postMessage(
      { type: 'SETUP_CONNECTOR', connectorConfig: config },
      new URL(this.connectorUrl).origin,
      [channel.port2],
    );
  }

  send(type: string, fields: Record<string, unknown> = {}): void {
    if (!this.port) throw new Error('the connector is not set up yet');
    this.record('to connector', type, fields);
    this.port.postMessage({ type, ...fields });
  }

  private receive(message: ConnectorMessage): void {
    switch (message.type) {
      case 'TELEPHONY_EVENT_DISPATCHED':
        this.record(
          'from connector',
          message.payload.telephonyEventType,
          message.payload.telephonyEventPayload,
        );
        this.onEvent(message.payload.telephonyEventType, message.payload.telephonyEventPayload);
        return;
      case 'CONNECTOR_READY':
        this.record('from connector', 'CONNECTOR_READY', message.payload);
        this.onReady(message.payload ?? {});
        return;
      case 'LOG':
        this.record('from connector', `LOG ${message.payload?.eventType ?? ''}`, message.payload?.payload);
        return;
    }
  }

  private record(direction: HostLogEntry['direction'], type: string, payload: unknown): void {
    this.log.push({ at: Date.now(), direction, type, payload });
    if (this.log.length > 500) this.log.splice(0, this.log.length - 500);
    this.onLog();
  }
}
