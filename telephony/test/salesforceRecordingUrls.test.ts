/**
 * The recording URLs Salesforce accepts (storage/salesforceRecordingUrls.ts, the v67 Apex reference's
 * Amazon S3 and Google Cloud Storage patterns), and the S3 store's presigned URLs against them: made by
 * the real AWS SDK presigner (offline) for AWS regions in virtual-hosted and path style, and for
 * Google Cloud Storage's S3-compatible endpoint. Also the store's configuration from the environment.
 */
import { describe, expect, it } from 'vitest';
import { parseS3Config } from '../src/storage/s3Config.ts';
import { S3RecordingStore, type S3StoreConfig } from '../src/storage/s3RecordingStore.ts';
import { isSalesforceRecordingUrl } from '../src/storage/salesforceRecordingUrls.ts';

const SIGNED = '?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=300&X-Amz-Signature=abc';

describe('the URLs Salesforce takes as signed recording URLs', () => {
  it('accepts Amazon S3 audio objects (virtual-hosted and path style, any region) and Google Cloud Storage', () => {
    for (const url of [
      `https://bucket.s3.amazonaws.com/rec/a.wav${SIGNED}`,
      `https://bucket.s3.eu-west-3.amazonaws.com/a.mp3${SIGNED}`,
      `https://bucket.s3-eu-west-1.amazonaws.com/a.flac`,
      `https://my.dotted.bucket.s3.ap-southeast-2.amazonaws.com/x/y/a.m4a`,
      `https://bucket.s3.dualstack.us-east-1.amazonaws.com/a.wav`,
      `https://s3.us-east-2.amazonaws.com/bucket/a.mp4${SIGNED}`,
      `https://s3.amazonaws.com/bucket/CC1/CA1-call.wav`,
      `https://storage.googleapis.com/bucket/a.wav?X-Goog-Signature=abc`,
      `https://bucket.storage.googleapis.com/a.wav`,
    ])
      expect(isSalesforceRecordingUrl(url), url).toBe(true);
  });

  it('refuses other schemes, hosts, ports, credentials and audio types', () => {
    for (const url of [
      'http://bucket.s3.amazonaws.com/a.wav',
      'https://bucket.s3.amazonaws.com/a.ogg',
      'https://bucket.s3.amazonaws.com/a.wav/',
      'https://bucket.s3.amazonaws.com.evil.test/a.wav',
      'https://evil.test/bucket.s3.amazonaws.com/a.wav',
      'https://bucket.nots3.amazonaws.com/a.wav',
      'https://s3.amazonaws.com:8443/bucket/a.wav',
      'https://user:pw@bucket.s3.amazonaws.com/a.wav',
      'https://storage.googleapis.com.evil.test/a.wav',
      'https://storage.googleapis.com/',
      'https://127.0.0.1:9000/bucket/a.wav',
      'https://switchboard.example.com/recordings/v1/CA1?expires=1&sig=x',
      'javascript:alert(1)//s3.amazonaws.com/a.wav',
      'not a url',
    ])
      expect(isSalesforceRecordingUrl(url), url).toBe(false);
  });

  const store = (config: Partial<S3StoreConfig>) =>
    new S3RecordingStore({
      bucket: 'acme-recordings',
      region: 'us-east-1',
      credentials: {
        accessKeyId: 'AKIDEXAMPLE',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      },
      prefix: 'recordings/',
      locationTtlSeconds: 3600,
      ...config,
    });

  it("the S3 store's presigned URLs match them on AWS (regions, both styles) and on Google Cloud Storage", async () => {
    for (const region of ['us-east-1', 'eu-west-3', 'ap-southeast-2']) {
      for (const forcePathStyle of [false, true]) {
        const s3 = store({ region, forcePathStyle });
        const url = new URL(await s3.presign(s3.objectKeyOf('CCabc', 'CAxyz-call'), 300));
        const where = `${region} ${forcePathStyle ? 'path' : 'virtual-hosted'}`;
        expect(isSalesforceRecordingUrl(url.href), where).toBe(true);
        expect(url.hostname, where).toMatch(forcePathStyle ? /^s3\./ : /^acme-recordings\.s3\./);
        expect(url.pathname, where).toMatch(/recordings\/CCabc\/CAxyz-call\.wav$/);
        expect(url.searchParams.get('X-Amz-Expires'), where).toBe('300');
        expect(url.searchParams.get('X-Amz-Credential'), where).toContain(`/${region}/s3/aws4_request`);
        expect(await s3.acceptedBySalesforce(), where).toBe(true);
        s3.close();
      }
    }
    const gcs = store({ region: 'auto', endpoint: 'https://storage.googleapis.com', forcePathStyle: true });
    const url = await gcs.presign(gcs.objectKeyOf('CCabc', 'CAxyz-call'), 300);
    expect(url).toMatch(
      /^https:\/\/storage\.googleapis\.com\/acme-recordings\/recordings\/CCabc\/CAxyz-call\.wav\?/,
    );
    expect(await gcs.acceptedBySalesforce()).toBe(true);
    const minio = store({ endpoint: 'http://127.0.0.1:9000', forcePathStyle: true });
    expect(await minio.acceptedBySalesforce()).toBe(false);
    for (const s of [gcs, minio]) s.close();
  });

  it('caps presigned URLs at a week (SigV4) and keys every object under its contact center', async () => {
    const s3 = store({});
    const url = new URL(await s3.presign(s3.objectKeyOf('CC1', 'CA1-call'), 30 * 24 * 3600));
    expect(url.searchParams.get('X-Amz-Expires')).toBe(String(7 * 24 * 3600));
    expect(s3.ownedBy('recordings/CC1/CA1-call.wav', 'CC1')).toBe(true);
    expect(s3.ownedBy('recordings/CC2/CA1-call.wav', 'CC1')).toBe(false);
    expect(s3.ownedBy('recordings/CC1/../CC2/CA1-call.wav', 'CC1')).toBe(false);
    expect(() => s3.objectKeyOf('CC1/..', 'CA1-call')).toThrow();
    s3.close();
  });
});

describe('the S3 store from the environment (RECORDINGS_S3_*)', () => {
  it('is off without a bucket, complete with one, and refuses bad values with a clear message', () => {
    expect(parseS3Config({})).toBeUndefined();
    expect(parseS3Config({ RECORDINGS_S3_BUCKET: 'acme-recordings', AWS_REGION: 'eu-west-3' })).toEqual({
      bucket: 'acme-recordings',
      region: 'eu-west-3',
      endpoint: undefined,
      forcePathStyle: false,
      credentials: undefined,
      prefix: 'recordings/',
      locationTtlSeconds: 7 * 24 * 3600,
    });
    const base = { RECORDINGS_S3_BUCKET: 'acme-recordings', RECORDINGS_S3_REGION: 'eu-west-3' };
    for (const [env, message] of [
      [{ RECORDINGS_S3_BUCKET: 'Acme_Recordings', AWS_REGION: 'x' }, /not a bucket name/],
      [{ RECORDINGS_S3_BUCKET: 'acme-recordings' }, /RECORDINGS_S3_REGION/],
      [{ ...base, RECORDINGS_S3_ENDPOINT: 'ftp://x' }, /RECORDINGS_S3_ENDPOINT/],
      [{ ...base, RECORDINGS_S3_PREFIX: '../' }, /RECORDINGS_S3_PREFIX/],
      [{ ...base, RECORDINGS_S3_PREFIX: 'recordings' }, /RECORDINGS_S3_PREFIX/],
      [{ ...base, RECORDINGS_S3_ACCESS_KEY_ID: 'AKID' }, /both/],
      [{ ...base, RECORDINGS_LOCATION_TTL_HOURS: '169' }, /1 to 168/],
      [{ ...base, RECORDINGS_LOCATION_TTL_HOURS: '1.5' }, /1 to 168/],
    ] as const)
      expect(() => parseS3Config(env), JSON.stringify(env)).toThrow(message);
  });
});
