import { APPLICATION_SCOPE, publish, subscribe, unsubscribe } from 'lightning/messageService';
import SWITCHBOARD_CHANNEL from '@salesforce/messageChannel/switchboard__SwitchboardMessageChannel__c';

/**
 * The workspace components' request/reply over the Switchboard message channel (docs/workspace.md):
 * a request `{ switchboard: 'workspace', id, op, params }` goes to the connector through the bridge;
 * the connector answers `{ switchboard: 'workspace.reply', id, ok, data | error }` and pushes
 * `{ switchboard: 'workspace.event', topic, data }`. The connector asks the service over the agent's
 * own session, so no credential is in the browser.
 */

/** How long a request waits for its reply before it fails with TIMEOUT. */
export const DEFAULT_TIMEOUT_MS = 12000;

/** A refused or failed request: `code` is the service's error code (or TIMEOUT, CLOSED). */
export class WorkspaceError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'WorkspaceError';
    this.code = code;
  }
}

/**
 * How often each component asks again after an answer (ms): the waiting calls change by the second;
 * the rest also reload on the toolkit's call events. After a failure (the connector drops what it
 * gets before it is signed in) every component asks again after RETRY_MS.
 */
export const REFRESH_MS = { queue: 5000, skills: 5000, callbacks: 30000, history: 60000, stats: 60000 };
export const RETRY_MS = 5000;

/** Calls `fn` every `ms` until the returned stop function is called. */
export function every(ms, fn) {
  // Periodic reloads are the point here.
  // eslint-disable-next-line @lwc/lwc/no-async-operation
  const timer = setInterval(fn, ms);
  return () => clearInterval(timer);
}

/**
 * Runs `load` now, then again `periodMs` after its last success, or RETRY_MS after a failure;
 * `load` resolves true when it got an answer. Answers the stop function.
 */
export function keepFresh(load, periodMs) {
  let lastSuccess = 0;
  let ok = false;
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      ok = Boolean(await load());
      if (ok) lastSuccess = Date.now();
    } finally {
      running = false;
    }
  };
  run();
  return every(RETRY_MS, () => {
    if (!ok || Date.now() - lastSuccess >= periodMs) run();
  });
}

let counter = 0;

/** A request id: a UUID where the browser has one, else unique within this page. */
export function newRequestId() {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  counter += 1;
  return `ws-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 10)}`;
}

/**
 * Opens a client on the channel for one component (`source`: its name, so the bridge and the other
 * components can tell its messages). `request(op, params)` resolves with the reply's data or rejects
 * with a WorkspaceError; `onEvent(topic, handler)` receives the connector's pushes; `close()` ends the
 * subscription and fails what is still waiting.
 */
export function openWorkspaceClient(messageContext, source, options = {}) {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const pending = new Map();
  const handlers = new Map();

  const receive = (message) => {
    const payload = message && message.payload;
    if (!payload || typeof payload !== 'object') return;
    if (payload.switchboard === 'workspace.reply') {
      const waiting = pending.get(payload.id);
      if (!waiting) return;
      pending.delete(payload.id);
      clearTimeout(waiting.timer);
      if (payload.ok) waiting.resolve(payload.data);
      else {
        const error = payload.error || {};
        waiting.reject(new WorkspaceError(error.code || 'ERROR', error.message || 'The request failed.'));
      }
    } else if (payload.switchboard === 'workspace.event') {
      (handlers.get(payload.topic) || []).forEach((handler) => handler(payload.data));
    }
  };

  const subscription = subscribe(messageContext, SWITCHBOARD_CHANNEL, receive, { scope: APPLICATION_SCOPE });

  return {
    request(op, params = {}) {
      const id = newRequestId();
      return new Promise((resolve, reject) => {
        // A reply that never comes (no connector, connector not signed in) fails after the time-out.
        // eslint-disable-next-line @lwc/lwc/no-async-operation
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(
            new WorkspaceError(
              'TIMEOUT',
              'Switchboard did not answer. Check that the softphone is signed in.',
            ),
          );
        }, timeoutMs);
        pending.set(id, { resolve, reject, timer });
        publish(messageContext, SWITCHBOARD_CHANNEL, {
          source,
          payload: { switchboard: 'workspace', id, op, params },
        });
      });
    },
    onEvent(topic, handler) {
      handlers.set(topic, [...(handlers.get(topic) || []), handler]);
    },
    close() {
      unsubscribe(subscription);
      handlers.clear();
      pending.forEach((waiting) => {
        clearTimeout(waiting.timer);
        waiting.reject(new WorkspaceError('CLOSED', 'The component was closed.'));
      });
      pending.clear();
    },
  };
}

/** Seconds as `m:ss`, or `h:mm:ss` from an hour on; empty for no value. */
export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(Number(seconds))) return '';
  const total = Math.max(0, Math.round(Number(seconds)));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** A time of the protocol (ms since the epoch) or an ISO string, as ms; NaN for neither. */
export function toMillis(time) {
  if (typeof time === 'number') return time;
  return typeof time === 'string' ? Date.parse(time) : NaN;
}

/** Seconds from `time` until `now` (never negative; 0 for no time). */
export function secondsSince(time, now = Date.now()) {
  const at = toMillis(time);
  return Number.isNaN(at) ? 0 : Math.max(0, Math.floor((now - at) / 1000));
}

/** A time in the user's locale (date and time); empty for no time. */
export function formatDateTime(time) {
  const at = toMillis(time);
  return Number.isNaN(at) ? '' : new Date(at).toLocaleString();
}

/** What to show for a failed request (the connector's messages start with their code). */
export function errorMessage(error) {
  return (error && error.message) || 'Something went wrong.';
}

/** The list `key` of a reply (`{ calls }`, `{ queues }`…: docs/workspace.md); empty when absent. */
export function listOf(data, key) {
  return (data && Array.isArray(data[key]) && data[key]) || [];
}
