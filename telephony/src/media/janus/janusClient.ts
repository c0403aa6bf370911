/**
 * A small client of Janus's HTTP API (https://janus.conf.meetecho.com/docs/rest.html): one session,
 * plugin handles, synchronous and asynchronous plugin requests, and the session's events by long
 * poll. `fetch` only (docs/media.md says why no npm client).
 */
import { randomBytes } from 'node:crypto';

export interface Jsep {
  type: 'offer' | 'answer';
  sdp: string;
}

/** An event Janus sent about a handle (a plugin event, `webrtcup`, `hangup`, `media`, …). */
export interface HandleEvent {
  janus: string;
  sender?: number;
  transaction?: string;
  plugindata?: { plugin: string; data: Record<string, unknown> };
  jsep?: Jsep;
  reason?: string;
  receiving?: boolean;
  type?: string;
}

export class JanusError extends Error {
  constructor(
    message: string,
    /** Janus's or the plugin's error code; 0 when the node could not be reached. */
    readonly code: number,
  ) {
    super(message);
  }
}

const ASYNC_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 10_000;

export class JanusSession {
  private readonly waiting = new Map<
    string,
    { resolve(e: HandleEvent): void; reject(e: Error): void; timer: NodeJS.Timeout }
  >();
  private readonly handlers = new Map<number, (e: HandleEvent) => void>();
  private polling = true;
  private poll: AbortController | null = null;

  private constructor(
    private readonly url: string,
    private readonly sessionId: number,
    private readonly apiSecret: string | undefined,
    /** The session is gone (the node died, or dropped it): called once. */
    private readonly onLost: (err: Error) => void,
  ) {}

  static async create(
    url: string,
    options: { apiSecret?: string | undefined; onLost(err: Error): void },
  ): Promise<JanusSession> {
    const base = url.replace(/\/$/, '');
    const r = await post(base, { janus: 'create' }, options.apiSecret);
    const s = new JanusSession(base, (r.data as { id: number }).id, options.apiSecret, options.onLost);
    void s.longPoll();
    return s;
  }

  /** Attaches a plugin handle; `onEvent` gets the events that are not answers to a request. */
  async attach(plugin: string, onEvent: (e: HandleEvent) => void): Promise<number> {
    const r = await this.post('', { janus: 'attach', plugin });
    const id = (r.data as { id: number }).id;
    this.handlers.set(id, onEvent);
    return id;
  }

  async detach(handleId: number): Promise<void> {
    try {
      await this.post(`/${handleId}`, { janus: 'detach' });
    } finally {
      this.handlers.delete(handleId);
    }
  }

  /** A synchronous plugin request (create, destroy, play_file, …): the plugin's answer. */
  async request(handleId: number, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const r = await this.post(`/${handleId}`, { janus: 'message', body });
    return pluginData(r as HandleEvent);
  }

  /**
   * An asynchronous plugin request (join, configure, changeroom, …): waits for the event that
   * answers it; a plugin error is thrown.
   */
  async send(
    handleId: number,
    body: Record<string, unknown>,
    jsep?: Jsep,
  ): Promise<{ data: Record<string, unknown>; jsep?: Jsep }> {
    const transaction = randomBytes(9).toString('base64url');
    const answer = new Promise<HandleEvent>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(transaction);
        reject(new JanusError(`janus: no answer to ${String(body.request)}`, 0));
      }, ASYNC_TIMEOUT_MS);
      this.waiting.set(transaction, { resolve, reject, timer });
    });
    answer.catch(() => undefined);
    try {
      await this.post(`/${handleId}`, { janus: 'message', body, ...(jsep ? { jsep } : {}) }, transaction);
    } catch (err) {
      const w = this.waiting.get(transaction);
      if (w) clearTimeout(w.timer);
      this.waiting.delete(transaction);
      throw err;
    }
    const event = await answer;
    return { data: pluginData(event), ...(event.jsep ? { jsep: event.jsep } : {}) };
  }

  private async post(path: string, body: Record<string, unknown>, transaction?: string) {
    return post(`${this.url}/${this.sessionId}${path}`, body, this.apiSecret, transaction);
  }

  private async longPoll(): Promise<void> {
    while (this.polling) {
      this.poll = new AbortController();
      let events: HandleEvent[];
      try {
        const secret = this.apiSecret ? `&apisecret=${encodeURIComponent(this.apiSecret)}` : '';
        const res = await fetch(`${this.url}/${this.sessionId}?maxev=20${secret}`, {
          signal: this.poll.signal,
        });
        const body = (await res.json()) as HandleEvent | HandleEvent[];
        events = Array.isArray(body) ? body : [body];
      } catch (err) {
        if (this.polling) this.lose(err as Error);
        return;
      }
      for (const e of events) {
        if (e.janus === 'error') {
          this.lose(new JanusError(`janus session ${this.sessionId} is gone`, 458));
          return;
        }
        this.dispatch(e);
      }
    }
  }

  private dispatch(e: HandleEvent): void {
    if (e.janus === 'keepalive') return;
    const w = e.transaction ? this.waiting.get(e.transaction) : undefined;
    if (w && e.janus === 'event') {
      this.waiting.delete(e.transaction as string);
      clearTimeout(w.timer);
      w.resolve(e);
      return;
    }
    if (e.sender !== undefined) this.handlers.get(e.sender)?.(e);
  }

  private lose(err: Error): void {
    this.polling = false;
    for (const w of this.waiting.values()) {
      clearTimeout(w.timer);
      w.reject(new JanusError(`janus: ${err.message}`, 0));
    }
    this.waiting.clear();
    this.onLost(err);
  }

  /** Destroys the session (Janus releases its handles, rooms stay). */
  async destroy(): Promise<void> {
    this.polling = false;
    this.poll?.abort();
    await this.post('', { janus: 'destroy' }).catch(() => undefined);
  }
}

function pluginData(e: HandleEvent): Record<string, unknown> {
  const data = e.plugindata?.data ?? {};
  if (typeof data.error_code === 'number')
    throw new JanusError(`janus: ${String(data.error)}`, data.error_code);
  return data;
}

async function post(
  url: string,
  body: Record<string, unknown>,
  apiSecret: string | undefined,
  transaction = randomBytes(9).toString('base64url'),
): Promise<{ janus: string; data?: unknown; plugindata?: HandleEvent['plugindata'] }> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, transaction, ...(apiSecret ? { apisecret: apiSecret } : {}) }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (err) {
    throw new JanusError(`janus unreachable at ${url}: ${(err as Error).message}`, 0);
  }
  const r = (await res.json()) as {
    janus: string;
    data?: unknown;
    plugindata?: HandleEvent['plugindata'];
    error?: { code: number; reason: string };
  };
  if (r.janus === 'error') throw new JanusError(`janus: ${r.error?.reason}`, r.error?.code ?? 0);
  return r;
}
