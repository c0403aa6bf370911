/** Configuration from the environment, with the defaults a newcomer needs nothing to change. */
import path from 'node:path';
import { parseAllowedHosts } from './salesforce/scrtPolicy.ts';

export interface Config {
  host: string;
  port: number;
  databaseUrl: string | undefined;
  sqlitePath: string;
  sessionTtlMs: number;
  simulatorToken: string | null;
  development: boolean;
  schedulerPollMs: number;
  dataDir: string;
  /** `SWITCHBOARD_MASTER_KEY` (encrypts the Salesforce private keys); see salesforce/masterKey.ts. */
  masterKey: string | undefined;
  /** `SWITCHBOARD_PUBLIC_URL`: where the service is reached from outside (signed recording URLs). */
  publicUrl: string | undefined;
  /** `SCRT_ALLOWED_HOSTS`: telephony API hosts allowed besides Salesforce's (docs/security.md). */
  scrtAllowedHosts: string[];
  /** `SCRT_ALLOW_PRIVATE_ADDRESSES=1`: telephony API hosts may resolve to private addresses. */
  scrtAllowPrivateAddresses: boolean;
  salesforce: {
    providerName: string;
    createTimeoutMs: number;
    createBackoffMs: number;
    requestTimeoutMs: number;
    outboxPollMs: number;
    outboxBackoffMs: number;
    outboxBackoffCapMs: number;
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const development = env.NODE_ENV !== 'production';
  const simulatorToken = env.SIMULATOR_TOKEN || null;
  if (!development && !simulatorToken) {
    throw new Error('SIMULATOR_TOKEN is required when NODE_ENV=production');
  }
  return {
    host: env.HOST ?? '127.0.0.1',
    port: Number(env.PORT ?? 8080),
    databaseUrl: env.DATABASE_URL || undefined,
    sqlitePath: env.SQLITE_PATH ?? path.resolve(env.DATA_DIR ?? 'data', 'switchboard.db'),
    sessionTtlMs: Number(env.SESSION_TTL_HOURS ?? 12) * 3600_000,
    simulatorToken,
    development,
    schedulerPollMs: Number(env.SCHEDULER_POLL_MS ?? 200),
    dataDir: path.resolve(env.DATA_DIR ?? 'data'),
    masterKey: env.SWITCHBOARD_MASTER_KEY || undefined,
    publicUrl: env.SWITCHBOARD_PUBLIC_URL || undefined,
    scrtAllowedHosts: parseAllowedHosts(env.SCRT_ALLOWED_HOSTS),
    scrtAllowPrivateAddresses: env.SCRT_ALLOW_PRIVATE_ADDRESSES === '1',
    salesforce: {
      providerName: env.TELEPHONY_PROVIDER_NAME ?? 'switchboard',
      createTimeoutMs: Number(env.SALESFORCE_CREATE_TIMEOUT_MS ?? 2000),
      createBackoffMs: Number(env.SALESFORCE_CREATE_BACKOFF_MS ?? 200),
      requestTimeoutMs: Number(env.SALESFORCE_REQUEST_TIMEOUT_MS ?? 10_000),
      outboxPollMs: Number(env.SALESFORCE_OUTBOX_POLL_MS ?? 500),
      outboxBackoffMs: Number(env.SALESFORCE_OUTBOX_BACKOFF_MS ?? 1000),
      outboxBackoffCapMs: Number(env.SALESFORCE_OUTBOX_BACKOFF_CAP_MS ?? 60_000),
    },
  };
}
