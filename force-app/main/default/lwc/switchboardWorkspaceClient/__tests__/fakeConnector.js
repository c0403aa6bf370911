import { publish, subscribe } from 'lightning/messageService';

/**
 * Plays the connector behind the message channel in jest: answers each workspace request with the
 * handler for its op (its return value is the data; a thrown `{ code, message }` is the error), and
 * pushes events to every subscriber.
 */
export function answer(handlers) {
  publish.mockImplementation((_context, _channel, message) => {
    const request = message.payload;
    const handler = handlers[request.op];
    if (!handler) return;
    Promise.resolve().then(() => {
      let reply;
      try {
        reply = { switchboard: 'workspace.reply', id: request.id, ok: true, data: handler(request.params) };
      } catch (error) {
        reply = { switchboard: 'workspace.reply', id: request.id, ok: false, error };
      }
      deliver(reply);
    });
  });
}

/** A message from the connector to every subscriber of the channel. */
export function deliver(payload) {
  subscribe.mock.calls.forEach((call) => call[2]({ source: 'CONNECTOR', payload }));
}

/** The workspace requests published so far. */
export function requests(op) {
  return publish.mock.calls.map((call) => call[2].payload).filter((p) => !op || p.op === op);
}

/** Lets the replies (microtasks) and the re-render run. */
export function settle() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export function mount(createElement, tag, is) {
  const element = createElement(tag, { is });
  document.body.appendChild(element);
  return element;
}

export function reset() {
  while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
  jest.clearAllMocks();
  publish.mockReset();
}

/** Lets replies and re-renders run under jest's fake timers (microtasks only). */
export async function flushMicrotasks() {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}
