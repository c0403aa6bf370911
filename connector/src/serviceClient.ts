/**
 * The connector's client of the agent API (docs/agent-api.md): one WebSocket, hello with the last
 * applied event sequence, requests with ids and a timeout, events applied once and in order.
 * While disconnected every request fails at once with the documented error; a lost connection is
 * re-opened with capped exponential backoff and jitter and resumes from the last sequence; a
 * session that ends (expired, taken over, logged out) is reported and never retried.
 */
import type {
  EventData,
  Method,
  MethodResults,
  ParamsOf,
  PublicUser,
  ServerFrame,
} from '../../telephony/src/contracts/agentApi.ts';
import { errorFromBody, ServiceError, unreachable } from './serviceError.ts';

export type EventName = keyof EventData;

export interface ServiceEvent<E extends EventName = EventName> {
  seq: number;
  event: E;
  data: EventData[E];
  at: number;
}

export type SessionEndReason = 'takenOver' | 'expired' | 'loggedOut' | 'invalid';

export class SessionEnded extends Error {
  constructor(readonly reason: SessionEndReason) {
    super(`session ended: ${reason}`);
  }
}

export interface Welcome {
  user: PublicUser;
  seq: number;
  resumed: boolean;
}

/**
 * Events a request causes on the agent's own stream that the base connector reports by itself
 * from the method's result: they are handed back with the result instead of being published.
 */
export interface EchoSpec {
  callId: string | null;
  events: EventName[];
}

export type RequestMethod = Method & keyof MethodResults;

export interface Answer<M extends RequestMethod> {
  result: MethodResults[M];
  echoes: ServiceEvent[];
  /** The last event sequence received before the answer: what the answer already reflects. */
  seq: number;
}

interface Pending {
  resolve(answer: Answer<RequestMethod>): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
  echo: EchoSpec | undefined;
  echoes: ServiceEvent[];
}

export interface ServiceClientOptions {
  wsUrl: string;
  token: string;
  labelNamespace: string;
  requestTimeoutMs?: number;
  connectTimeoutMs?: number;
  onEvent(event: ServiceEvent): void;
  onReconnected(welcome: Welcome): void;
  onSessionEnded(reason: SessionEndReason): void;
  log(level: 'INFO' | 'ERROR', message: string, payload?: unknown): void;
}

export const REQUEST_TIMEOUT_MS = 10_000;
export const BACKOFF_INITIAL_MS = 500;
export const BACKOFF_MAX_MS = 10_000;

/** Delay before reconnection attempt `attempt` (0, 1, …): exponential, capped, with 50–100 % jitter. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  return Math.round(Math.min(BACKOFF_MAX_MS, BACKOFF_INITIAL_MS * 2 ** attempt) * (0.5 + random() / 2));
}

/** The call an event is about, if any. */
export function callIdOf(event: ServiceEvent): string | null {
  const data = event.data as { call?: { callId: string }; callId?: string };
  return data.call?.callId ?? data.callId ?? null;
}

export class ServiceClient {
  private socket: WebSocket | null = null;
  private state: 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed' = 'idle';
  private established = false;
  private lastSeq: number | undefined;
  private readonly pending = new Map<string, Pending>();
  private nextId = 0;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly o: ServiceClientOptions) {}

  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** The first connection: the welcome, or SessionEnded, or the unreachable error. */
  open(): Promise<Welcome> {
    return new Promise((resolve, reject) => this.dial({ resolve, reject }));
  }

  /** Sends a request; fails at once while disconnected, and after the timeout without an answer. */
  request<M extends RequestMethod>(method: M, params: ParamsOf<M>, echo?: EchoSpec): Promise<Answer<M>> {
    const socket = this.socket;
    if (this.state !== 'open' || !socket) return Promise.reject(unreachable());
    const id = `r${++this.nextId}`;
    return new Promise<Answer<M>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ServiceError('GENERIC_ERROR', `${method}: no answer from the Switchboard service`));
        // A connection that answers nothing is treated as lost: it is re-opened.
        if (this.socket === socket) socket.close();
      }, this.o.requestTimeoutMs ?? REQUEST_TIMEOUT_MS);
      this.pending.set(id, {
        resolve: resolve as Pending['resolve'],
        reject,
        timer,
        echo,
        echoes: [],
      });
      socket.send(JSON.stringify({ type: 'request', id, method, params }));
    });
  }

  /** Closes for good (logout, session ended): no reconnection. */
  stop(): void {
    this.state = 'closed';
    clearTimeout(this.retryTimer);
    const socket = this.socket;
    this.socket = null;
    socket?.close();
    this.failPending(unreachable());
  }

  private dial(first?: { resolve(w: Welcome): void; reject(e: Error): void }): void {
    this.state = this.established ? 'reconnecting' : 'connecting';
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.o.wsUrl);
    } catch {
      this.lost(null, first);
      return;
    }
    this.socket = ws;
    const connectTimer = setTimeout(() => ws.close(), this.o.connectTimeoutMs ?? REQUEST_TIMEOUT_MS);
    ws.onopen = () => {
      const hello = {
        type: 'hello',
        token: this.o.token,
        ...(this.lastSeq !== undefined ? { lastSeq: this.lastSeq } : {}),
      };
      ws.send(JSON.stringify(hello));
    };
    ws.onmessage = (message: MessageEvent) => {
      let frame: ServerFrame;
      try {
        frame = JSON.parse(String(message.data)) as ServerFrame;
      } catch {
        this.o.log('ERROR', 'frame is not JSON');
        return;
      }
      if (frame.type === 'welcome') clearTimeout(connectTimer);
      this.frame(frame, first);
    };
    ws.onclose = () => {
      clearTimeout(connectTimer);
      if (this.socket === ws) this.lost(ws, first);
    };
  }

  private frame(frame: ServerFrame, first?: { resolve(w: Welcome): void; reject(e: Error): void }): void {
    if (this.state === 'closed') return;
    switch (frame.type) {
      case 'welcome': {
        const welcome: Welcome = { user: frame.user as PublicUser, seq: frame.seq, resumed: frame.resumed };
        if (!frame.resumed) this.lastSeq = frame.seq;
        const reconnected = this.established;
        this.state = 'open';
        this.established = true;
        this.attempt = 0;
        if (reconnected) this.o.onReconnected(welcome);
        else first?.resolve(welcome);
        return;
      }
      case 'event': {
        if (this.lastSeq !== undefined && frame.seq <= this.lastSeq) return;
        this.lastSeq = frame.seq;
        const event = frame as unknown as ServiceEvent;
        for (const p of this.pending.values()) {
          if (p.echo && p.echo.events.includes(event.event)) {
            const callId = callIdOf(event);
            if (p.echo.callId === null || callId === p.echo.callId) {
              p.echoes.push(event);
              return;
            }
          }
        }
        this.o.onEvent(event);
        return;
      }
      case 'response': {
        const p = frame.id ? this.pending.get(frame.id) : undefined;
        if (!p || !frame.id) return;
        this.pending.delete(frame.id);
        clearTimeout(p.timer);
        if (frame.ok) p.resolve({ result: frame.result as never, echoes: p.echoes, seq: this.lastSeq ?? 0 });
        else p.reject(errorFromBody(frame.error, this.o.labelNamespace));
        return;
      }
      case 'sessionEnded': {
        const established = this.established;
        this.stop();
        if (established) this.o.onSessionEnded(frame.reason);
        else first?.reject(new SessionEnded(frame.reason));
        return;
      }
    }
  }

  private lost(ws: WebSocket | null, first?: { reject(e: Error): void }): void {
    if (ws) this.socket = null;
    this.failPending(unreachable());
    if (this.state === 'closed') return;
    if (!this.established) {
      this.state = 'idle';
      first?.reject(unreachable());
      return;
    }
    this.state = 'reconnecting';
    const delay = backoffDelay(this.attempt++);
    this.o.log('INFO', `connection lost; reconnecting in ${delay} ms`);
    this.retryTimer = setTimeout(() => this.dial(), delay);
  }

  private failPending(error: Error): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(error);
    }
    this.pending.clear();
  }
}
