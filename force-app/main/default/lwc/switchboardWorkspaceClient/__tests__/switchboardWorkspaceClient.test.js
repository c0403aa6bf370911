import { publish, subscribe, unsubscribe } from 'lightning/messageService';
import {
  WorkspaceError,
  errorMessage,
  formatDuration,
  keepFresh,
  listOf,
  openWorkspaceClient,
  secondsSince,
} from 'c/switchboardWorkspaceClient';
import { answer, deliver, flushMicrotasks, reset } from './fakeConnector';

const CHANNEL = 'switchboard__SwitchboardMessageChannel__c';

describe('c/switchboardWorkspaceClient', () => {
  afterEach(() => {
    reset();
    jest.useRealTimers();
  });

  it('publishes a request with a fresh id, the op and the params, under its source', () => {
    const client = openWorkspaceClient('ctx', 'switchboardQueue');
    client.request('queue.pick', { callId: 'c1' }).catch(() => undefined);
    client.request('queue.list').catch(() => undefined);
    expect(subscribe.mock.calls[0][1]).toBe(CHANNEL);
    const [first, second] = publish.mock.calls.map((call) => call[2]);
    expect(first).toEqual({
      source: 'switchboardQueue',
      payload: {
        switchboard: 'workspace',
        id: expect.any(String),
        op: 'queue.pick',
        params: { callId: 'c1' },
      },
    });
    expect(second.payload.params).toEqual({});
    expect(first.payload.id).not.toBe(second.payload.id);
    client.close();
  });

  it('resolves with the data of its own reply and ignores replies to others', async () => {
    answer({ 'skills.list': () => ({ queues: [{ queueId: 'q1' }] }) });
    const client = openWorkspaceClient('ctx', 'a');
    deliver({ switchboard: 'workspace.reply', id: 'someone-else', ok: true, data: 'not mine' });
    await expect(client.request('skills.list')).resolves.toEqual({ queues: [{ queueId: 'q1' }] });
    client.close();
  });

  it('rejects with the error code and message of a refusal', async () => {
    answer({
      'stats.get': () => {
        throw { code: 'FORBIDDEN', message: 'FORBIDDEN: not yours' };
      },
    });
    const client = openWorkspaceClient('ctx', 'a');
    const failure = client.request('stats.get', { period: 'today' });
    await expect(failure).rejects.toBeInstanceOf(WorkspaceError);
    await expect(failure).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'FORBIDDEN: not yours' });
    client.close();
  });

  it('fails with TIMEOUT when nothing answers', async () => {
    jest.useFakeTimers();
    const client = openWorkspaceClient('ctx', 'a', { timeoutMs: 1000 });
    const failure = client.request('queue.list');
    jest.advanceTimersByTime(1000);
    await expect(failure).rejects.toMatchObject({ code: 'TIMEOUT' });
    client.close();
  });

  it('hands events to the handlers of their topic only', () => {
    const client = openWorkspaceClient('ctx', 'a');
    const queue = jest.fn();
    const stats = jest.fn();
    client.onEvent('queue', queue);
    client.onEvent('stats', stats);
    deliver({ switchboard: 'workspace.event', topic: 'queue', data: { changed: true } });
    deliver('plain text from someone');
    expect(queue).toHaveBeenCalledWith({ changed: true });
    expect(stats).not.toHaveBeenCalled();
    client.close();
  });

  it('close unsubscribes and fails what is still waiting', async () => {
    const client = openWorkspaceClient('ctx', 'a');
    const waiting = client.request('queue.list');
    client.close();
    expect(unsubscribe).toHaveBeenCalled();
    await expect(waiting).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('formats durations, elapsed time, lists and errors', () => {
    expect(formatDuration(5)).toBe('0:05');
    expect(formatDuration(125)).toBe('2:05');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(undefined)).toBe('');
    expect(secondsSince('2026-01-01T00:00:00Z', Date.parse('2026-01-01T00:01:30Z'))).toBe(90);
    expect(secondsSince(Date.parse('2026-01-01T00:00:00Z'), Date.parse('2026-01-01T00:00:10Z'))).toBe(10);
    expect(secondsSince('not a date')).toBe(0);
    expect(listOf({ calls: [1] }, 'calls')).toEqual([1]);
    expect(listOf({ calls: 'x' }, 'calls')).toEqual([]);
    expect(listOf(null, 'calls')).toEqual([]);
    expect(errorMessage(new WorkspaceError('NOT_FOUND', 'NOT_FOUND: no such call'))).toBe(
      'NOT_FOUND: no such call',
    );
  });

  it('keepFresh loads now, retries a failure after 5 s, and waits its period after a success', async () => {
    jest.useFakeTimers();
    const results = [false, true, true];
    const load = jest.fn(async () => results.shift());
    const stop = keepFresh(load, 30000);
    await flushMicrotasks();
    expect(load).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(5000);
    await flushMicrotasks();
    expect(load).toHaveBeenCalledTimes(2);
    jest.advanceTimersByTime(25000);
    await flushMicrotasks();
    expect(load).toHaveBeenCalledTimes(2);
    jest.advanceTimersByTime(5000);
    await flushMicrotasks();
    expect(load).toHaveBeenCalledTimes(3);
    stop();
    jest.advanceTimersByTime(60000);
    await flushMicrotasks();
    expect(load).toHaveBeenCalledTimes(3);
  });
});
