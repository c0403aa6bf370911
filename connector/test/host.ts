/**
 * Plays Salesforce's side (Omni-Channel) for the connector bundle in a jsdom window, as
 * /work/shared/salesforce-host-protocol.md measured it: SETUP_CONNECTOR from a Salesforce origin
 * with a MessageChannel port, then messages over the port; everything the connector posts back is
 * collected here.
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { JSDOM } from 'jsdom';

export const SALESFORCE_ORIGIN = 'https://myorg.lightning.force.com';

export interface HostMessage {
  type: string;
  payload?: Record<string, unknown> & {
    telephonyEventType?: string;
    telephonyEventPayload?: unknown;
  };
}

/** A telephony event the connector dispatched, with its position among all messages. */
export interface Dispatched {
  type: string;
  payload: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- the payloads are as the base library posts them
  index: number;
}

export interface HostOptions {
  /** The connector page's URL (its origin is the default service URL). */
  url: string;
  /** sessionStorage entries the page starts with (a refresh keeps the tab's sessionStorage). */
  storage?: Record<string, string>;
  /** localStorage entries the page starts with (the browser keeps them across pages). */
  local?: Record<string, string>;
}

export class Host {
  readonly messages: HostMessage[] = [];
  readonly dom: JSDOM;
  private port: MessagePort | null = null;
  private waiters: Array<() => void> = [];
  /** Files the connector offered for download (their name and text). */
  readonly downloads: Array<{ name: string; text: Promise<string> }> = [];

  constructor(bundle: string, options: HostOptions) {
    this.dom = new JSDOM(
      '<!doctype html><html><head></head><body><div id="switchboard"></div></body></html>',
      {
        url: options.url,
        runScripts: 'outside-only',
        pretendToBeVisual: true,
      },
    );
    const w = this.dom.window;
    for (const [k, v] of Object.entries(options.storage ?? {})) w.sessionStorage.setItem(k, v);
    for (const [k, v] of Object.entries(options.local ?? {})) w.localStorage.setItem(k, v);
    const blobs = new Map<string, Blob>();
    let n = 0;
    // jsdom has no object URLs; the browser's are stood in for, to read what a download contains.
    w.URL.createObjectURL = (blob: Blob) => {
      const url = `blob:${options.url}#${++n}`;
      blobs.set(url, blob);
      return url;
    };
    w.URL.revokeObjectURL = () => undefined;
    const downloads = this.downloads;
    const wake = () => this.waiters.forEach((waiter) => waiter());
    w.HTMLAnchorElement.prototype.click = function click(this: HTMLAnchorElement) {
      const blob = blobs.get(this.href);
      if (!blob) return;
      const reader = new w.FileReader();
      const text = new Promise<string>((resolve) => (reader.onload = () => resolve(reader.result as string)));
      reader.readAsText(blob);
      downloads.push({ name: this.download, text });
      wake();
    };
    w.eval(bundle);
  }

  get window() {
    return this.dom.window;
  }

  get document() {
    return this.dom.window.document;
  }

  /** Posts SETUP_CONNECTOR with the contact center configuration from `origin`, with a fresh port. */
  setup(connectorConfig: Record<string, unknown>, origin = SALESFORCE_ORIGIN): void {
    const { port1, port2 } = new MessageChannel();
    port1.on('message', (data: HostMessage) => {
      this.messages.push(data);
      for (const w of [...this.waiters]) w();
    });
    this.port?.close();
    this.port = port1;
    const w = this.dom.window;
    w.dispatchEvent(
      new w.MessageEvent('message', {
        data: { type: 'SETUP_CONNECTOR', connectorConfig },
        origin,
        ports: [port2 as unknown as MessagePort & globalThis.MessagePort],
      }),
    );
  }

  /** Sends one host → connector message (`{ type, ...fields }`) over the port. */
  send(type: string, fields: Record<string, unknown> = {}): void {
    if (!this.port) throw new Error('no SETUP_CONNECTOR yet');
    this.port.postMessage({ type, ...fields });
  }

  /** Every TELEPHONY_EVENT_DISPATCHED so far, in order. */
  dispatched(): Dispatched[] {
    return this.messages.flatMap((m, index) =>
      m.type === 'TELEPHONY_EVENT_DISPATCHED' && m.payload
        ? [{ type: m.payload.telephonyEventType as string, payload: m.payload.telephonyEventPayload, index }]
        : [],
    );
  }

  /** The dispatched event types after message `from`. */
  types(from = 0): string[] {
    return this.dispatched()
      .filter((d) => d.index >= from)
      .map((d) => d.type);
  }

  /** A position to wait from: only messages after it count. */
  mark(): number {
    return this.messages.length;
  }

  async until(predicate: () => boolean, what: string, timeoutMs = 8000): Promise<void> {
    if (predicate()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`timed out waiting for ${what}; dispatched: ${this.types().join(', ')}`));
      }, timeoutMs);
      const check = () => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve();
      };
      this.waiters.push(check);
    });
  }

  /** The first TELEPHONY_EVENT_DISPATCHED of `type` after `from` that matches. */
  async waitFor(
    type: string,
    match: (payload: any) => boolean = () => true, // eslint-disable-line @typescript-eslint/no-explicit-any
    from = 0,
    timeoutMs?: number,
  ): Promise<Dispatched> {
    let found: Dispatched | undefined;
    await this.until(
      () =>
        (found = this.dispatched().find((d) => d.index >= from && d.type === type && match(d.payload))) !==
        undefined,
      type,
      timeoutMs,
    );
    return found as Dispatched;
  }

  /** The first message of `type` (CONNECTOR_READY, LOG…) after `from`. */
  async waitForMessage(type: string, from = 0): Promise<HostMessage> {
    let found: HostMessage | undefined;
    await this.until(
      () => (found = this.messages.slice(from).find((m) => m.type === type)) !== undefined,
      type,
    );
    return found as HostMessage;
  }

  /** Sends a message and waits for the event it should produce. */
  async request(
    type: string,
    fields: Record<string, unknown>,
    expect: string,
    match?: (payload: any) => boolean, // eslint-disable-line @typescript-eslint/no-explicit-any
  ): Promise<Dispatched> {
    const from = this.mark();
    this.send(type, fields);
    return this.waitFor(expect, match, from);
  }

  /** Fills in and submits the connector's login form. */
  submitLogin(username: string, password: string): void {
    const form = this.document.querySelector('form.sb-login') as HTMLFormElement | null;
    if (!form) throw new Error('no login form');
    (form.elements.namedItem('username') as HTMLInputElement).value = username;
    (form.elements.namedItem('password') as HTMLInputElement).value = password;
    form.requestSubmit();
  }

  /** The login form's status line, or null when the form is hidden or absent. */
  loginStatus(): string | null {
    const form = this.document.querySelector('form.sb-login') as HTMLFormElement | null;
    if (!form || form.hidden) return null;
    return form.querySelector('.sb-status')?.textContent ?? '';
  }

  sessionEntries(): Record<string, string> {
    const s = this.window.sessionStorage;
    const out: Record<string, string> = {};
    for (let i = 0; i < s.length; i++) {
      const k = s.key(i) as string;
      out[k] = s.getItem(k) as string;
    }
    return out;
  }

  close(): void {
    this.port?.close();
    this.port = null;
    this.dom.window.close();
  }
}
