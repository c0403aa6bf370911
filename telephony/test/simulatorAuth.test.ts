/**
 * The simulator API, its page and /metrics in production (docs/security.md, "Simulator and
 * metrics"): off unless enabled, a token of at least 32 characters compared in constant time,
 * guesses throttled per source, the page and /metrics behind a credential.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { ManualClock, startService, testDatabase, type DatabaseHandle, type Running } from './harness.ts';

const TOKEN = randomBytes(32).toString('hex');
const METRICS = randomBytes(32).toString('hex');
let dbh: DatabaseHandle;
let run: Running;
afterEach(async () => {
  await run?.stop();
  await dbh?.destroy();
});

const get = (path: string, authorization?: string) =>
  fetch(`${run.baseUrl}${path}`, authorization ? { headers: { authorization } } : {});

describe('configuration at start', () => {
  it('keeps the simulator off in production unless enabled, and refuses a short token', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).simulatorEnabled).toBe(false);
    expect(loadConfig({}).simulatorEnabled).toBe(true);
    expect(() => loadConfig({ NODE_ENV: 'production', SIMULATOR_ENABLED: '1' })).toThrow(
      /SIMULATOR_TOKEN is required/,
    );
    expect(() =>
      loadConfig({ NODE_ENV: 'production', SIMULATOR_ENABLED: '1', SIMULATOR_TOKEN: 'x' }),
    ).toThrow(/at least 32 characters/);
    expect(() => loadConfig({ NODE_ENV: 'production', METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
    expect(
      loadConfig({ NODE_ENV: 'production', SIMULATOR_ENABLED: '1', SIMULATOR_TOKEN: TOKEN }).simulatorEnabled,
    ).toBe(true);
  });
});

describe('in production', () => {
  const start = async (options: { simulatorEnabled?: boolean; metricsToken?: string } = {}) => {
    dbh = testDatabase();
    const clock = new ManualClock();
    run = await startService(dbh.db, {
      clock,
      production: true,
      simulatorToken: TOKEN,
      salesforce: { masterKey: randomBytes(32), startWorker: false, log: () => undefined },
      ...options,
    });
    return clock;
  };

  it('asks the token of the API and the page, throttles wrong guesses per source', async () => {
    const clock = await start({ metricsToken: METRICS });
    expect((await get('/sim/v1/calls')).status).toBe(401);
    expect((await get('/sim/v1/calls', `Bearer ${TOKEN}`)).status).toBe(200);
    const page = await get('/simulator/');
    expect(page.status).toBe(401);
    expect(page.headers.get('www-authenticate')).toBe('Basic realm="switchboard-simulator"');
    const basic = `Basic ${Buffer.from(`operator:${TOKEN}`).toString('base64')}`;
    expect((await get('/simulator/', basic)).status).toBe(200);

    expect((await get('/metrics')).status).toBe(401);
    expect((await get('/metrics', `Bearer ${TOKEN}`)).status).toBe(401);
    expect((await get('/metrics', `Bearer ${METRICS}`)).status).toBe(200);

    // The success just now cleared the source's failures: five wrong tokens, then the source waits.
    for (let i = 0; i < 5; i++)
      expect((await get('/sim/v1/calls', `Bearer ${TOKEN.slice(1)}x`)).status).toBe(401);
    const limited = await get('/sim/v1/calls', `Bearer ${TOKEN}`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    clock.advance(1000);
    expect((await get('/sim/v1/calls', `Bearer ${TOKEN}`)).status).toBe(200);
  });

  it('serves no simulator and no metrics unless configured', async () => {
    await start({ simulatorEnabled: false });
    for (const path of ['/sim/v1/calls', '/simulator/', '/metrics'])
      expect((await get(path, `Bearer ${TOKEN}`)).status, path).toBe(404);
  });
});
