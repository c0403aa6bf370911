/** Configuration from the environment, with the defaults a newcomer needs nothing to change. */
import path from 'node:path';
import { MIN_TOKEN_LENGTH } from './api/simulatorRoutes.ts';
import { parseAllowedHosts } from './salesforce/scrtPolicy.ts';
import { parseS3Config } from './storage/s3Config.ts';
import type { S3StoreConfig } from './storage/s3RecordingStore.ts';

export interface Config {
  host: string;
  port: number;
  databaseUrl: string | undefined;
  sqlitePath: string;
  sessionTtlMs: number;
  simulatorToken: string | null;
  /** `SIMULATOR_ENABLED`: on in development unless `0`; off in production unless `1`. */
  simulatorEnabled: boolean;
  /** `METRICS_TOKEN`: the bearer token of `/metrics` (required for it in production). */
  metricsToken: string | null;
  development: boolean;
  schedulerPollMs: number;
  dataDir: string;
  /** `MEDIA_RTP_TIMEOUT_SECONDS` (default 30): a plain RTP party silent this long is dropped (docs/media.md). */
  mediaRtpTimeoutMs: number;
  /** `SWITCHBOARD_MASTER_KEY` (encrypts the Salesforce private keys); see salesforce/masterKey.ts. */
  masterKey: string | undefined;
  /** `SWITCHBOARD_PUBLIC_URL`: where the service is reached from outside (signed recording URLs). */
  publicUrl: string | undefined;
  /** `SWITCHBOARD_RECORDING_URL_SECRET`: signs recording links; the same on every node (docs/scaling.md). */
  recordingUrlSecret: string | undefined;
  /** `TRUST_PROXY`: `true`, or the proxies' addresses/CIDRs (comma-separated) whose X-Forwarded-For is believed. */
  trustProxy: boolean | string;
  /** `SCRT_ALLOWED_HOSTS`: telephony API hosts allowed besides Salesforce's (docs/security.md). */
  scrtAllowedHosts: string[];
  /** `SCRT_ALLOW_PRIVATE_ADDRESSES=1`: telephony API hosts may resolve to private addresses. */
  scrtAllowPrivateAddresses: boolean;
  /** `RECORDINGS_S3_*`: the bucket recordings go to (storage/s3Config.ts); the data folder when absent. */
  recordingsS3: S3StoreConfig | undefined;
  /** `RECORDINGS_SWEEP_MINUTES`: how often expired recordings are deleted (default 60). */
  recordingSweepMs: number;
  /** `SIP_HOST`, `SIP_PORT`, `SIP_ADVERTISED_HOST`, `SIP_MEDIA_ADDRESS` (docs/sip.md); off without `SIP_HOST`. */
  sip: { host: string; port: number; advertisedHost?: string; mediaAddress?: string } | null;
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

function sweepMinutes(value: string | undefined): number {
  const minutes = Number(value ?? 60);
  if (!Number.isInteger(minutes) || minutes < 0 || minutes > 10_080)
    throw new Error('RECORDINGS_SWEEP_MINUTES must be a whole number from 0 (never) to 10080');
  return minutes;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const development = env.NODE_ENV !== 'production';
  const simulatorToken = env.SIMULATOR_TOKEN || null;
  const metricsToken = env.METRICS_TOKEN || null;
  const simulatorEnabled = development ? env.SIMULATOR_ENABLED !== '0' : env.SIMULATOR_ENABLED === '1';
  if (!development && simulatorEnabled && !simulatorToken)
    throw new Error('SIMULATOR_TOKEN is required when NODE_ENV=production and SIMULATOR_ENABLED=1');
  for (const [name, token] of [
    ['SIMULATOR_TOKEN', simulatorToken],
    ['METRICS_TOKEN', metricsToken],
  ] as const) {
    if (!development && token !== null && token.length < MIN_TOKEN_LENGTH)
      throw new Error(
        `${name} must have at least ${MIN_TOKEN_LENGTH} characters (e.g. openssl rand -hex 32)`,
      );
  }
  return {
    host: env.HOST ?? '127.0.0.1',
    port: Number(env.PORT ?? 8080),
    databaseUrl: env.DATABASE_URL || undefined,
    sqlitePath: env.SQLITE_PATH ?? path.resolve(env.DATA_DIR ?? 'data', 'switchboard.db'),
    sessionTtlMs: Number(env.SESSION_TTL_HOURS ?? 12) * 3600_000,
    simulatorToken,
    simulatorEnabled,
    metricsToken,
    development,
    schedulerPollMs: Number(env.SCHEDULER_POLL_MS ?? 200),
    dataDir: path.resolve(env.DATA_DIR ?? 'data'),
    mediaRtpTimeoutMs: Number(env.MEDIA_RTP_TIMEOUT_SECONDS ?? 30) * 1000,
    masterKey: env.SWITCHBOARD_MASTER_KEY || undefined,
    publicUrl: env.SWITCHBOARD_PUBLIC_URL || undefined,
    recordingUrlSecret: env.SWITCHBOARD_RECORDING_URL_SECRET || undefined,
    scrtAllowedHosts: parseAllowedHosts(env.SCRT_ALLOWED_HOSTS),
    trustProxy: env.TRUST_PROXY === 'true' ? true : env.TRUST_PROXY || false,
    scrtAllowPrivateAddresses: env.SCRT_ALLOW_PRIVATE_ADDRESSES === '1',
    recordingsS3: parseS3Config(env),
    recordingSweepMs: sweepMinutes(env.RECORDINGS_SWEEP_MINUTES) * 60_000,
    sip: env.SIP_HOST
      ? {
          host: env.SIP_HOST,
          port: Number(env.SIP_PORT ?? 5060),
          ...(env.SIP_ADVERTISED_HOST ? { advertisedHost: env.SIP_ADVERTISED_HOST } : {}),
          ...(env.SIP_MEDIA_ADDRESS ? { mediaAddress: env.SIP_MEDIA_ADDRESS } : {}),
        }
      : null,
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
