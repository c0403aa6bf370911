/**
 * The agent's WebSocket: hello (token, last sequence) → welcome + replay of missed events, then
 * requests with typed replies and sequenced events. See docs/agent-api.md.
 */
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ConnectorError } from '../domain/errors.ts';
import { Hello, RequestFrame, type ServerFrame } from '../contracts/agentApi.ts';
import { eventsSince, OrderedDelivery, type AgentEvent, type EventHub } from '../engine/events.ts';
import { publicUser, type SessionEndReason, type Sessions } from '../engine/sessions.ts';
import { runMethod, type AgentApiDeps } from './agentMethods.ts';
import { errorBody } from './errors.ts';
import { DEFAULT_MAX_JSON_DEPTH, jsonDeeperThan } from './jsonLimits.ts';

/** Requests a client may send behind its hello, before the welcome; one more closes the socket (1008). */
const MAX_EARLY_FRAMES = 100;
const MAX_TIMER_MS = 2 ** 31 - 1;
const helloCheck = TypeCompiler.Compile(Hello);
const requestCheck = TypeCompiler.Compile(RequestFrame);

export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_TAKEN_OVER = 4409;
/** The socket's stream had a gap it could not fill (pruned): reconnect and resume. */
export const CLOSE_RESYNC = 1012;
/** Over a connection cap (RFC 6455 "try again later"). */
export const CLOSE_TRY_AGAIN_LATER = 1013;
/** More requests before the welcome than the early-frame cap (RFC 6455 "policy violation"). */
export const CLOSE_POLICY_VIOLATION = 1008;

/** The agent socket's limits (docs/security.md, "Connections"). */
export interface SocketLimits {
  /** Open sockets per node. */
  maxConnections: number;
  /** Open sockets per client address. */
  maxPerSource: number;
  /** Sockets without a welcome yet (before or during hello), per node. */
  maxUnauthenticated: number;
  /** How long a socket may stay without a valid hello. */
  helloTimeoutMs: number;
  /** Bytes the server may hold unsent for one socket; past it the socket is dropped (the client resumes). */
  maxBufferedBytes: number;
  /** Ping interval; a socket that did not answer the previous ping is dropped. */
  heartbeatMs: number;
  /** Nesting depth of a frame's JSON. */
  maxJsonDepth: number;
}

export const DEFAULT_SOCKET_LIMITS: SocketLimits = {
  maxConnections: 10_000,
  maxPerSource: 200,
  maxUnauthenticated: 1000,
  helloTimeoutMs: 10_000,
  maxBufferedBytes: 4 * 1024 * 1024,
  heartbeatMs: 30_000,
  maxJsonDepth: DEFAULT_MAX_JSON_DEPTH,
};

export function registerAgentSocket(
  app: FastifyInstance,
  deps: AgentApiDeps & { streams: EventHub },
  sessions: Sessions,
  limits: SocketLimits = DEFAULT_SOCKET_LIMITS,
): void {
  const { engine, streams } = deps;
  const bySession = new Map<string, Set<WebSocket>>();
  const open = new Set<WebSocket>();
  const bySource = new Map<string, number>();
  let unauthenticated = 0;

  /** Sends a frame, or drops a socket whose unsent bytes are over the limit (it resumes when it reconnects). */
  const send = (socket: WebSocket, frame: ServerFrame | AgentEvent): void => {
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > limits.maxBufferedBytes) {
      socket.terminate();
      return;
    }
    socket.send(JSON.stringify(frame));
  };

  /** Sends a frame; when the socket's buffer is over the limit, waits until the frame is written out. */
  const sendWhenRoom = async (socket: WebSocket, frame: AgentEvent): Promise<void> => {
    if (socket.readyState !== socket.OPEN) return;
    const written = new Promise<void>((resolve) => socket.send(JSON.stringify(frame), () => resolve()));
    if (socket.bufferedAmount > limits.maxBufferedBytes) await written;
  };

  // Heartbeat: every socket is pinged; one that did not pong since the last ping is half-open: dropped.
  const alive = new WeakSet<WebSocket>();
  const heartbeat = setInterval(() => {
    for (const socket of open) {
      if (!alive.has(socket)) {
        socket.terminate();
        continue;
      }
      alive.delete(socket);
      socket.ping();
    }
  }, limits.heartbeatMs);
  heartbeat.unref();
  app.addHook('onClose', async () => clearInterval(heartbeat));

  const endSocket = (socket: WebSocket, reason: SessionEndReason | 'invalid') => {
    send(socket, { type: 'sessionEnded', reason });
    socket.close(reason === 'takenOver' ? CLOSE_TAKEN_OVER : CLOSE_UNAUTHORIZED, reason);
  };

  sessions.onEnded((sessionId, reason) => {
    for (const socket of bySession.get(sessionId) ?? []) endSocket(socket, reason);
  });

  app.get('/agent/v1/socket', { websocket: true }, (socket, req) => {
    const source = req.ip;
    const fromSource = bySource.get(source) ?? 0;
    const over =
      open.size >= limits.maxConnections
        ? 'too many connections to this node'
        : fromSource >= limits.maxPerSource
          ? 'too many connections from this address'
          : unauthenticated >= limits.maxUnauthenticated
            ? 'too many connections waiting for their hello'
            : null;
    if (over) {
      socket.close(CLOSE_TRY_AGAIN_LATER, over);
      return;
    }
    open.add(socket);
    alive.add(socket);
    bySource.set(source, fromSource + 1);
    unauthenticated++;
    let welcomed = false;
    socket.on('pong', () => alive.add(socket));

    let caller: { userId: string; contactCenterId: string } | null = null;
    let cleanup: Array<() => void> = [];
    const helloTimer = setTimeout(() => {
      if (!caller) endSocket(socket, 'invalid');
    }, limits.helloTimeoutMs);

    socket.on('close', () => {
      clearTimeout(helloTimer);
      open.delete(socket);
      const left = (bySource.get(source) ?? 1) - 1;
      if (left > 0) bySource.set(source, left);
      else bySource.delete(source);
      if (!welcomed) unauthenticated--;
      welcomed = true;
      for (const c of cleanup) c();
      cleanup = [];
    });

    const refuseFrame = (message: string) =>
      send(socket, { type: 'response', id: null, ok: false, error: { code: 'INVALID_PARAMS', message } });

    let opening: Promise<void> | null = null;
    let early: unknown[] = [];
    socket.on('message', (raw, isBinary) => {
      if (isBinary) return refuseFrame('binary frames are not accepted: send JSON in text frames');
      const text = String(raw);
      if (jsonDeeperThan(text, limits.maxJsonDepth))
        return refuseFrame(`the frame is nested deeper than ${limits.maxJsonDepth} levels`);
      let frame: unknown;
      try {
        frame = JSON.parse(text);
      } catch {
        return refuseFrame('frame is not JSON');
      }
      // Frames that arrive while the hello is being handled wait for its welcome and replay.
      if (opening) {
        if (early.length < MAX_EARLY_FRAMES) early.push(frame);
        else
          socket.close(CLOSE_POLICY_VIOLATION, `more than ${MAX_EARLY_FRAMES} requests before the welcome`);
        return;
      }
      if (!caller) {
        opening = hello(frame)
          .catch((err: unknown) => {
            // The database went away under the hello (shutdown): the client reconnects elsewhere or later.
            app.log.error({ err }, 'agent socket: hello failed');
            if (socket.readyState === socket.OPEN) socket.close(1011, 'could not open the session');
          })
          .finally(() => {
            opening = null;
            const queued = early;
            early = [];
            if (caller) for (const f of queued) void request(f, caller);
          });
        return;
      }
      void request(frame, caller);
    });

    async function hello(frame: unknown): Promise<void> {
      if (!helloCheck.Check(frame)) {
        endSocket(socket, 'invalid');
        return;
      }
      const auth = await sessions.authenticate(frame.token);
      if ('ended' in auth) {
        endSocket(socket, auth.ended);
        return;
      }
      clearTimeout(helloTimer);
      if (!welcomed) unauthenticated--;
      welcomed = true;
      const user = auth.user;
      caller = { userId: user.id, contactCenterId: user.contact_center_id };
      let set = bySession.get(auth.sessionId);
      if (!set) bySession.set(auth.sessionId, (set = new Set()));
      set.add(socket);
      // setTimeout waits at most ~24.8 days; a longer session re-arms its timer until it is due.
      let expiry: NodeJS.Timeout;
      const armExpiry = (leftMs: number) => {
        expiry = setTimeout(
          () => (leftMs > MAX_TIMER_MS ? armExpiry(leftMs - MAX_TIMER_MS) : endSocket(socket, 'expired')),
          Math.min(leftMs, MAX_TIMER_MS),
        );
      };
      cleanup.push(() => {
        clearTimeout(expiry);
        set.delete(socket);
        if (set.size === 0) bySession.delete(auth.sessionId);
      });

      // Live events are held back until the replay is out, then sent once each, in order.
      let lastSent = frame.lastSeq ?? 0;
      let buffer: AgentEvent[] | null = [];
      let live: OrderedDelivery | null = null;
      cleanup.push(
        streams.subscribe(user.id, {
          send: (event) => {
            if (live) live.offer(event);
            else buffer?.push(event);
          },
        }),
      );
      const replay =
        frame.lastSeq === undefined ? null : await eventsSince(engine.db, user.id, frame.lastSeq);
      const seqRow = await engine.db
        .selectFrom('agent_streams')
        .select('event_seq')
        .where('user_id', '=', user.id)
        .executeTakeFirstOrThrow();
      send(socket, {
        type: 'welcome',
        user: publicUser(user),
        seq: seqRow.event_seq,
        resumed: replay !== null,
      });
      if (!replay) lastSent = seqRow.event_seq;
      // The replay may be larger than the send buffer: it waits for room instead of dropping the socket.
      for (const event of replay ?? []) {
        if (event.seq > lastSent) {
          lastSent = event.seq;
          await sendWhenRoom(socket, event);
        }
      }
      live = new OrderedDelivery(engine.db, user.id, lastSent, {
        send: (event) => send(socket, event),
        // The missing range was pruned or unreadable: the client reconnects and is told resumed: false.
        lost: () => socket.close(CLOSE_RESYNC, 'events lost; reconnect'),
      });
      for (const event of buffer) live.offer(event);
      buffer = null;
      // Armed once the welcome is out, so that a session about to expire still gets its welcome first.
      if (socket.readyState === socket.OPEN) armExpiry(Math.max(0, auth.expiresAt - engine.clock.now()));
    }

    async function request(frame: unknown, who: { userId: string; contactCenterId: string }): Promise<void> {
      const id =
        typeof frame === 'object' && frame !== null && typeof (frame as { id?: unknown }).id === 'string'
          ? (frame as { id: string }).id
          : null;
      if (!requestCheck.Check(frame)) {
        const error = new ConnectorError(
          'INVALID_PARAMS',
          'expected { type: "request", id, method, params }',
        );
        send(socket, { type: 'response', id, ok: false, error: error.toJSON() });
        return;
      }
      try {
        const result = await runMethod(deps, who, frame.method, frame.params);
        send(socket, { type: 'response', id: frame.id, ok: true, result });
      } catch (err) {
        send(socket, { type: 'response', id: frame.id, ok: false, error: errorBody(err).body });
      }
    }
  });
}
