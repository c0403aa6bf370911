/**
 * The service's recordings (docs/media.md, "Recording storage"): stored in the configured store (S3
 * when configured, the data folder otherwise) and cataloged in `recordings` with the contact center
 * that owns them. Links and signed URLs are made from the catalog row of a call — the object its own
 * contact center owns — never from a stored URL. Retention (`recordingRetentionDays` of the contact
 * center) and the admin API's deletion remove the object and mark the row.
 */
import type { Db } from '../db/database.ts';
import type { RecordingTable } from '../db/schema.ts';
import { parseSettings } from '../domain/settings.ts';
import type { Clock } from '../engine/engine.ts';
import {
  LocalRecordingStore,
  type FinishedRecording,
  type RecordingSink,
  type RecordingStore,
  type StoredObject,
  type StoredRecording,
} from '../media/recordingStore.ts';
import { S3RecordingStore, type S3StoreConfig } from './s3RecordingStore.ts';

export interface RecordingStorageOptions {
  /** The data folder: the local store's `recordings/`. */
  dataDir: string;
  /** The service's public URL, prefixed to the local store's URLs (relative without it). */
  publicUrl?: string | undefined;
  /** The S3-compatible bucket new recordings go to; the data folder when absent. */
  s3?: S3StoreConfig | undefined;
  /** How often expired recordings are deleted (default hourly; 0: only when `sweep()` is called). */
  sweepMs?: number;
  /** Where a recording kept in the data folder for want of the bucket is reported (default: stderr). */
  log?: (message: string) => void;
}

/** Where a link leads: a file of the local store, or a presigned URL of the bucket. */
export type RecordingTarget = { file: string } | { url: string };

export const DEFAULT_SWEEP_MS = 3600_000;
const DAY_MS = 86_400_000;
const SWEEP_BATCH = 500;

export class StorageUnavailableError extends Error {}

export class RecordingArchive implements RecordingSink {
  readonly local: LocalRecordingStore;

  readonly s3: S3RecordingStore | null;

  private timer: NodeJS.Timeout | null = null;

  private sweeping: Promise<number> | null = null;

  private readonly log: (message: string) => void;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    options: RecordingStorageOptions,
  ) {
    this.local = new LocalRecordingStore(options.dataDir, options.publicUrl?.replace(/\/$/, '') ?? '');
    this.s3 = options.s3 ? new S3RecordingStore(options.s3) : null;
    this.log = options.log ?? ((message) => console.error(message));
    const sweepMs = options.sweepMs ?? DEFAULT_SWEEP_MS;
    if (sweepMs > 0) {
      this.timer = setInterval(() => void this.sweep().catch(() => undefined), sweepMs);
      this.timer.unref();
    }
  }

  private storeOf(kind: RecordingTable['store']): RecordingStore | null {
    return kind === 's3' ? this.s3 : this.local;
  }

  /**
   * Stores a finished recording in the bucket, or in the data folder without one — or when the
   * bucket refuses it (unreachable, denied): a recording is never lost for want of object storage.
   */
  async save(recording: FinishedRecording, file: string): Promise<StoredRecording> {
    let store: RecordingStore = this.s3 ?? this.local;
    let stored: StoredObject;
    try {
      stored = await store.put(recording, file);
    } catch (err) {
      if (store === this.local) throw err;
      this.log(
        `recording ${recording.key} kept in the data folder: the bucket refused it (${(err as Error).message})`,
      );
      store = this.local;
      stored = await store.put(recording, file);
    }
    const row = {
      store: store.kind,
      object_key: stored.objectKey,
      size_bytes: stored.sizeBytes,
      created_at: this.clock.now(),
      deleted_at: null,
    };
    await this.db
      .insertInto('recordings')
      .values({
        id: recording.key,
        call_id: recording.callId,
        contact_center_id: recording.contactCenterId,
        ...row,
      })
      .onConflict((oc) => oc.column('id').doUpdateSet(row))
      .execute();
    return { url: stored.url };
  }

  /** Whether a catalog row's object lies in storage its contact center owns. */
  private owned(row: RecordingTable): boolean {
    if (!row.id.startsWith(`${row.call_id}-`)) return false;
    if (row.store === 'local') return row.object_key === `${row.id}.wav`;
    return this.s3?.ownedBy(row.object_key, row.contact_center_id) ?? false;
  }

  /** The kept recording of a call, stored for the call's own contact center; undefined when none. */
  async current(callId: string): Promise<RecordingTable | undefined> {
    const rows = await this.db
      .selectFrom('recordings')
      .innerJoin('calls', (join) =>
        join
          .onRef('calls.id', '=', 'recordings.call_id')
          .onRef('calls.contact_center_id', '=', 'recordings.contact_center_id'),
      )
      .selectAll('recordings')
      .where('recordings.call_id', '=', callId)
      .where('recordings.deleted_at', 'is', null)
      .orderBy('recordings.created_at', 'desc')
      .execute();
    return rows.find((row) => this.owned(row));
  }

  /** Whether a recording of the call was stored and then deleted (retention or the admin API). */
  async wasDeleted(callId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('recordings')
      .select('id')
      .where('call_id', '=', callId)
      .where('deleted_at', 'is not', null)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Where a link to the recording leads for the next `seconds`; null when its store is gone. */
  async target(row: RecordingTable, seconds: number): Promise<RecordingTarget | null> {
    if (row.store === 's3') return this.s3 ? { url: await this.s3.presign(row.object_key, seconds) } : null;
    const file = this.local.fileOfObject(row.object_key);
    return file ? { file } : null;
  }

  /** Deletes a recording: its object, then its row is marked and its call's URLs cleared. */
  async remove(row: RecordingTable): Promise<void> {
    const store = this.storeOf(row.store);
    if (!store) throw new StorageUnavailableError(`the ${row.store} store is not configured`);
    try {
      await store.delete(row.object_key);
    } catch (err) {
      throw new StorageUnavailableError(
        `the ${row.store} store refused the deletion: ${(err as Error).message}`,
      );
    }
    await this.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('recordings')
        .set({ deleted_at: this.clock.now() })
        .where('id', '=', row.id)
        .execute();
      await tx
        .updateTable('calls')
        .set({ recording_url: null, voicemail_url: null })
        .where('id', '=', row.call_id)
        .execute();
    });
  }

  /** Deletes the recordings older than their contact center's retention; how many were deleted. */
  sweep(): Promise<number> {
    this.sweeping ??= this.sweepOnce().finally(() => {
      this.sweeping = null;
    });
    return this.sweeping;
  }

  private async sweepOnce(): Promise<number> {
    const now = this.clock.now();
    const centers = await this.db
      .selectFrom('contact_centers')
      .select(['id', 'settings_json'])
      .where('id', 'in', (q) =>
        q.selectFrom('recordings').select('contact_center_id').where('deleted_at', 'is', null),
      )
      .execute();
    let deleted = 0;
    for (const cc of centers) {
      const days = parseSettings(cc.settings_json).recordingRetentionDays;
      if (days === 0) continue;
      const expired = await this.db
        .selectFrom('recordings')
        .selectAll()
        .where('contact_center_id', '=', cc.id)
        .where('deleted_at', 'is', null)
        .where('created_at', '<=', now - days * DAY_MS)
        .limit(SWEEP_BATCH)
        .execute();
      for (const row of expired) {
        try {
          await this.remove(row);
          deleted++;
        } catch (err) {
          if (!(err instanceof StorageUnavailableError)) throw err;
        }
      }
    }
    return deleted;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.sweeping?.catch(() => undefined);
    this.s3?.close();
  }
}
