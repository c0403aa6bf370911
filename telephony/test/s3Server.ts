/**
 * A local S3-compatible server for the tests (@20minutes/s3rver, docs/media.md): it checks the AWS
 * SDK's real SigV4 signatures (headers and presigned query strings, with its fixed key pair
 * S3RVER/S3RVER) and the expiry of presigned URLs. On 127.0.0.1, a free port, a temporary folder.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import S3rver from '@20minutes/s3rver';
import { S3Client } from '@aws-sdk/client-s3';
import type { S3StoreConfig } from '../src/storage/s3RecordingStore.ts';

export const BUCKET = 'switchboard-recordings';
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface S3Server {
  endpoint: string;
  port: number;
  /** The store's configuration for this server (path style, its credentials). */
  config(overrides?: Partial<S3StoreConfig>): S3StoreConfig;
  /** A client of the bucket for the tests' own checks. */
  client: S3Client;
  close(): Promise<void>;
}

export async function startS3Server(): Promise<S3Server> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: BUCKET }],
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials: CREDENTIALS,
  });
  return {
    endpoint,
    port,
    client,
    config: (overrides = {}) => ({
      bucket: BUCKET,
      region: 'us-east-1',
      endpoint,
      forcePathStyle: true,
      credentials: CREDENTIALS,
      prefix: 'recordings/',
      locationTtlSeconds: 7 * 24 * 3600,
      ...overrides,
    }),
    async close() {
      client.destroy();
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
