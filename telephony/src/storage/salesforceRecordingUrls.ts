/**
 * The recording URLs Salesforce accepts from `RecordingMediaProvider` (docs/media.md, "Recording
 * storage"): the v67 Apex reference takes signed URLs of Amazon S3,
 * `https://…s3….amazonaws.com/….wav|mp3|flac|mp4|m4a`, or of Google Cloud Storage,
 * `https://storage.googleapis.com/…`. The managed package applies the same rule
 * (`SwitchboardRecordings.isObjectStorageUrl`).
 */

/** Amazon S3 hosts: virtual-hosted (`bucket.s3[.region|-region].amazonaws.com`) or path style (`s3[.region].amazonaws.com`). */
const S3_HOST = /^(?:[a-z0-9][a-z0-9.-]*\.)?s3(?:[.-][a-z0-9-]+)*\.amazonaws\.com$/;
const AUDIO_PATH = /\.(?:wav|mp3|flac|mp4|m4a)$/;
const GCS_HOST = /^(?:[a-z0-9][a-z0-9._-]*\.)?storage\.googleapis\.com$/;

/** Whether Salesforce takes `url` as a signed recording URL. */
export function isSalesforceRecordingUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' || parsed.port !== '' || parsed.username || parsed.password) return false;
  if (GCS_HOST.test(parsed.hostname)) return parsed.pathname.length > 1;
  return S3_HOST.test(parsed.hostname) && AUDIO_PATH.test(parsed.pathname);
}
