/**
 * Where finished recordings live. The local store keeps them in the data folder
 * (DATA_DIR/recordings/<key>.wav) and serves them at `/media/v1/recordings/<key>.wav?sig=…`, a
 * capability URL (HMAC of the name); the signed, expiring link of `getSignedRecordingUrl` redirects
 * there. Object storage (S3/GCS, which Einstein Conversation Insights requires) is another store.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface StoredRecording {
  /** Where the recording is fetched (the call's recording URL). */
  url: string;
}

export interface RecordingStore {
  /** Takes the finished WAV at `file` (the media engine's spool) and stores it as `key`. */
  save(key: string, file: string): Promise<StoredRecording>;
}

export const RECORDING_FILES_PREFIX = '/media/v1/recordings/';

const NAME = /^[A-Za-z0-9_-]{1,100}\.wav$/;

export class LocalRecordingStore implements RecordingStore {
  readonly dir: string;

  private readonly secret: Buffer;

  /**
   * @param dataDir the data folder: recordings go to its `recordings/`, with the secret that signs
   *   their URLs (made once, so that stored URLs outlive restarts)
   * @param baseUrl prefix of the URLs (the service's public URL); relative URLs without it
   */
  constructor(
    dataDir: string,
    private readonly baseUrl = '',
  ) {
    this.dir = path.join(dataDir, 'recordings');
    fs.mkdirSync(this.dir, { recursive: true });
    const secretFile = path.join(this.dir, 'url-secret');
    if (!fs.existsSync(secretFile)) {
      try {
        fs.writeFileSync(secretFile, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
    this.secret = Buffer.from(fs.readFileSync(secretFile, 'utf8').trim(), 'base64');
  }

  private sign(name: string): string {
    return createHmac('sha256', this.secret).update(`recording-file.${name}`).digest('base64url');
  }

  async save(key: string, file: string): Promise<StoredRecording> {
    const name = `${key}.wav`;
    if (!NAME.test(name)) throw new Error(`bad recording key ${key}`);
    await fs.promises.rename(file, path.join(this.dir, name));
    return { url: `${this.baseUrl}${RECORDING_FILES_PREFIX}${name}?sig=${this.sign(name)}` };
  }

  /** The file of a signed name, or null (bad name or signature, or no such file). */
  fileOf(name: string, sig: string): string | null {
    if (!NAME.test(name)) return null;
    const expected = Buffer.from(this.sign(name));
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const file = path.join(this.dir, name);
    return fs.existsSync(file) ? file : null;
  }
}
