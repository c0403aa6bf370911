/**
 * Recordings in an S3-compatible bucket through the AWS SDK v3 (docs/media.md, "Recording storage"):
 * one bucket per service, each contact center under its own key prefix
 * (`<prefix><contactCenterId>/<recordingKey>.wav`). Every URL given out is a presigned GET
 * (SigV4, expiring); the objects are never public.
 */
import fs from 'node:fs';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { FinishedRecording, RecordingStore, StoredObject } from '../media/recordingStore.ts';
import { isSalesforceRecordingUrl } from './salesforceRecordingUrls.ts';

/** SigV4 presigned URLs live at most a week. */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

export interface S3StoreConfig {
  bucket: string;
  region: string;
  /** An S3-compatible endpoint (Google Cloud Storage's `https://storage.googleapis.com`, MinIO…); AWS when absent. */
  endpoint?: string | undefined;
  /** Path-style URLs (`https://host/bucket/key`) instead of virtual-hosted ones (`https://bucket.host/key`). */
  forcePathStyle?: boolean | undefined;
  /** Explicit credentials; else the SDK's default chain (environment, shared files, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
  /** Prepended to every object key ('' or ending in '/'). */
  prefix: string;
  /** Lifetime of the URL stored as the call's recording location (VoiceCall), ≤ a week. */
  locationTtlSeconds: number;
}

const CC_ID = /^[A-Za-z0-9_-]{1,64}$/;
const KEY = /^[A-Za-z0-9_-]{1,100}$/;

export class S3RecordingStore implements RecordingStore {
  readonly kind = 's3' as const;

  private readonly client: S3Client;

  constructor(readonly config: S3StoreConfig) {
    this.client = new S3Client({
      region: config.region,
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      forcePathStyle: config.forcePathStyle ?? false,
      ...(config.credentials ? { credentials: config.credentials } : {}),
      // Checksums only where S3 requires them: S3-compatible servers (GCS, MinIO…) refuse the
      // aws-chunked trailing checksums the SDK otherwise sends.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  /** The object key of a recording: under its contact center's own prefix. */
  objectKeyOf(contactCenterId: string, key: string): string {
    if (!CC_ID.test(contactCenterId) || !KEY.test(key)) throw new Error(`bad recording key ${key}`);
    return `${this.config.prefix}${contactCenterId}/${key}.wav`;
  }

  /** Whether an object key lies under the contact center's prefix. */
  ownedBy(objectKey: string, contactCenterId: string): boolean {
    const own = `${this.config.prefix}${contactCenterId}/`;
    return objectKey.startsWith(own) && KEY.test(objectKey.slice(own.length).replace(/\.wav$/, ''));
  }

  async put(recording: FinishedRecording, file: string): Promise<StoredObject> {
    const objectKey = this.objectKeyOf(recording.contactCenterId, recording.key);
    const body = await fs.promises.readFile(file);
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.config.bucket,
        Key: objectKey,
        Body: body,
        ContentType: 'audio/wav',
        Metadata: { 'call-id': recording.callId, 'contact-center-id': recording.contactCenterId },
      }),
    );
    await fs.promises.rm(file, { force: true });
    return {
      url: await this.presign(objectKey, this.config.locationTtlSeconds),
      objectKey,
      sizeBytes: body.length,
    };
  }

  /** A presigned GET of the object, valid `seconds` (1 s to a week). */
  presign(objectKey: string, seconds: number): Promise<string> {
    const expiresIn = Math.max(1, Math.min(MAX_PRESIGN_SECONDS, Math.floor(seconds)));
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.config.bucket, Key: objectKey }), {
      expiresIn,
    });
  }

  /** Whether this bucket's presigned URLs are of a shape Salesforce takes (salesforceRecordingUrls.ts). */
  async acceptedBySalesforce(): Promise<boolean> {
    return isSalesforceRecordingUrl(await this.presign(this.objectKeyOf('CC', 'probe'), 60));
  }

  async delete(objectKey: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: objectKey }));
  }

  close(): void {
    this.client.destroy();
  }
}
