/**
 * Where finished recordings live (docs/media.md, "Recording storage"). Two stores: the local one keeps
 * them in the data folder (DATA_DIR/recordings/<key>.wav) and serves them at
 * `/media/v1/recordings/<key>.wav?sig=…`, a capability URL (HMAC of the name); the S3 one
 * (storage/s3RecordingStore.ts) keeps them in a bucket under the contact center's prefix. The media
 * plane hands its finished recordings to a `RecordingSink` (storage/recordingArchive.ts), which
 * stores them in the configured store and catalogs them.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** A finished recording of the media plane: its key, its call and the contact center that owns it. */
export interface FinishedRecording {
  /** `<callId>-call` or `<callId>-voicemail` (mediaPlane.ts `recordingKey`). */
  key: string;
  callId: string;
  contactCenterId: string;
}

export interface StoredRecording {
  /** Where the recording is fetched (the call's recording URL, the VoiceCall's recording location). */
  url: string;
}

/** What the media plane stores its recordings through. */
export interface RecordingSink {
  /** Takes the finished WAV at `file` (the media engine's spool) and stores it. */
  save(recording: FinishedRecording, file: string): Promise<StoredRecording>;
}

/** A stored object: its key in the store, its size, and the URL given out for it at first. */
export interface StoredObject extends StoredRecording {
  objectKey: string;
  sizeBytes: number;
}

/** One kind of storage. */
export interface RecordingStore {
  readonly kind: 'local' | 's3';
  /** Moves the WAV at `file` into the store; the spool file is gone afterwards. */
  put(recording: FinishedRecording, file: string): Promise<StoredObject>;
  /** Deletes an object (no error when it is already gone). */
  delete(objectKey: string): Promise<void>;
}

export const RECORDING_FILES_PREFIX = '/media/v1/recordings/';

const NAME = /^[A-Za-z0-9_-]{1,100}\.wav$/;

export class LocalRecordingStore implements RecordingStore {
  readonly kind = 'local' as const;

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

  async put(recording: FinishedRecording, file: string): Promise<StoredObject> {
    const name = `${recording.key}.wav`;
    if (!NAME.test(name)) throw new Error(`bad recording key ${recording.key}`);
    const target = path.join(this.dir, name);
    await fs.promises.rename(file, target);
    const { size } = await fs.promises.stat(target);
    return {
      url: `${this.baseUrl}${RECORDING_FILES_PREFIX}${name}?sig=${this.sign(name)}`,
      objectKey: name,
      sizeBytes: size,
    };
  }

  async delete(objectKey: string): Promise<void> {
    if (!NAME.test(objectKey)) throw new Error(`bad recording object ${objectKey}`);
    await fs.promises.rm(path.join(this.dir, objectKey), { force: true });
  }

  /** The file of a stored object, or null (a bad name, or no such file). */
  fileOfObject(objectKey: string): string | null {
    if (!NAME.test(objectKey)) return null;
    const file = path.join(this.dir, objectKey);
    return fs.existsSync(file) ? file : null;
  }

  /** The file of a signed name, or null (bad name or signature, or no such file). */
  fileOf(name: string, sig: string): string | null {
    if (!NAME.test(name)) return null;
    const expected = Buffer.from(this.sign(name));
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    return this.fileOfObject(name);
  }
}
