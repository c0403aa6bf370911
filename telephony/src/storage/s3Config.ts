/**
 * The S3 recording store's configuration from the environment (docs/install.md, "Recordings in
 * object storage"). Without `RECORDINGS_S3_BUCKET` recordings stay in the data folder.
 */
import { MAX_PRESIGN_SECONDS, type S3StoreConfig } from './s3RecordingStore.ts';

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const PREFIX = /^(?:(?!\.\.?\/)[A-Za-z0-9_.-]+\/)*$/;

export function parseS3Config(env: NodeJS.ProcessEnv): S3StoreConfig | undefined {
  const bucket = env.RECORDINGS_S3_BUCKET;
  if (!bucket) return undefined;
  if (!BUCKET.test(bucket)) throw new Error(`RECORDINGS_S3_BUCKET ${bucket} is not a bucket name`);
  const region = env.RECORDINGS_S3_REGION || env.AWS_REGION;
  if (!region) throw new Error('RECORDINGS_S3_REGION (or AWS_REGION) is required with RECORDINGS_S3_BUCKET');
  const endpoint = env.RECORDINGS_S3_ENDPOINT || undefined;
  if (endpoint && !/^https?:\/\/[^/?#\s]+\/?$/.test(endpoint))
    throw new Error('RECORDINGS_S3_ENDPOINT must be an http(s) origin, e.g. https://storage.googleapis.com');
  const prefix = env.RECORDINGS_S3_PREFIX ?? 'recordings/';
  if (!PREFIX.test(prefix))
    throw new Error('RECORDINGS_S3_PREFIX must be empty or folders ending in /, e.g. recordings/');
  const accessKeyId = env.RECORDINGS_S3_ACCESS_KEY_ID;
  const secretAccessKey = env.RECORDINGS_S3_SECRET_ACCESS_KEY;
  if (Boolean(accessKeyId) !== Boolean(secretAccessKey))
    throw new Error('set both RECORDINGS_S3_ACCESS_KEY_ID and RECORDINGS_S3_SECRET_ACCESS_KEY, or neither');
  const hours = Number(env.RECORDINGS_LOCATION_TTL_HOURS ?? 168);
  if (!Number.isInteger(hours) || hours < 1 || hours * 3600 > MAX_PRESIGN_SECONDS)
    throw new Error('RECORDINGS_LOCATION_TTL_HOURS must be a whole number from 1 to 168');
  return {
    bucket,
    region,
    endpoint,
    forcePathStyle: env.RECORDINGS_S3_FORCE_PATH_STYLE === '1',
    credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
    prefix,
    locationTtlSeconds: hours * 3600,
  };
}
