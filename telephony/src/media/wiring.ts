/**
 * Builds the media plane for the service: the media engine (the embedded worker thread by default,
 * Janus media nodes when some are given), the recording archive it stores its recordings through,
 * and the engine commands the media plane calls.
 */
import path from 'node:path';
import {
  dropNetworkParty,
  leaveVoicemailRecording,
  publishCallRecording,
  sendAgentDigits,
  sendCallerDigits,
  type Engine,
} from '../engine/index.ts';
import { EmbeddedMediaEngine } from './embeddedEngine.ts';
import { janusMediaEngine } from './janus/janusPool.ts';
import type { JanusNodeOptions } from './janus/janusEngine.ts';
import type { MediaEngine } from './mediaEngine.ts';
import { MediaPlane, type MediaCommands } from './mediaPlane.ts';
import type { RecordingArchive } from '../storage/recordingArchive.ts';
import type { LocalRecordingStore } from './recordingStore.ts';

export interface MediaOptions {
  /** The data folder: the media engine's spool, and the local store's `recordings/`. */
  dataDir: string;
  /** The service's public URL, prefixed to the local store's recording URLs (relative without it). */
  publicUrl?: string | undefined;
  /** Address plain RTP legs bind to (default 127.0.0.1). */
  rtpHost?: string;
  /** Extra WebRTC host candidates (default loopback, which werift skips otherwise). */
  webrtcHostAddresses?: string[];
  /** A WebRTC leg that does not connect by then is released (default 15 s). */
  webrtcConnectTimeoutMs?: number;
  /** A plain RTP party that sends nothing for this long is dropped like a hang-up (default 30 s). */
  rtpTimeoutMs?: number;
  /** Janus media nodes (docs/media.md): when given, they carry the media instead of the worker thread. */
  janusNodes?: JanusNodeOptions[];
  /** How often every call with media is reconciled as a safety net (default 2 s; 0: never). */
  sweepMs?: number;
}

export function engineCommands(engine: Engine): MediaCommands {
  return {
    publishRecording: (ccId, callId, url, durationSeconds) =>
      publishCallRecording(engine, ccId, callId, { url, durationSeconds }),
    leaveVoicemail: (ccId, callId, url, durationSeconds) =>
      leaveVoicemailRecording(engine, ccId, callId, { url, durationSeconds }),
    agentDigits: (ccId, userId, callId, digits) => sendAgentDigits(engine, ccId, userId, callId, digits),
    callerDigits: (ccId, callId, participantId, digits) =>
      sendCallerDigits(engine, ccId, callId, participantId, digits),
    partyLost: (ccId, callId, participantId) => dropNetworkParty(engine, ccId, callId, participantId),
  };
}

export function startMediaPlane(
  engine: Engine,
  options: MediaOptions,
  recordings: RecordingArchive,
): { plane: MediaPlane; store: LocalRecordingStore } {
  const store = recordings.local;
  const spoolDir = path.join(store.dir, 'spool');
  const timeout = options.webrtcConnectTimeoutMs
    ? { webrtcConnectTimeoutMs: options.webrtcConnectTimeoutMs }
    : {};
  const media: MediaEngine = options.janusNodes?.length
    ? janusMediaEngine(options.janusNodes, { spoolDir, ...timeout })
    : new EmbeddedMediaEngine({
        spoolDir,
        ...(options.rtpHost ? { rtpHost: options.rtpHost } : {}),
        ...(options.webrtcHostAddresses ? { webrtcHostAddresses: options.webrtcHostAddresses } : {}),
        ...(options.rtpTimeoutMs ? { rtpTimeoutMs: options.rtpTimeoutMs } : {}),
        ...timeout,
      });
  const plane = new MediaPlane({
    engine: media,
    db: engine.db,
    store: recordings,
    commands: engineCommands(engine),
  });
  const sweepMs = options.sweepMs ?? 2000;
  if (sweepMs > 0) plane.startSweep(sweepMs);
  return { plane, store };
}
