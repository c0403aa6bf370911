/** Configuration from the environment, with the defaults a newcomer needs nothing to change. */
import path from 'node:path';

export interface Config {
  host: string;
  port: number;
  databaseUrl: string | undefined;
  sqlitePath: string;
  sessionTtlMs: number;
  simulatorToken: string | null;
  development: boolean;
  schedulerPollMs: number;
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
  };
}
