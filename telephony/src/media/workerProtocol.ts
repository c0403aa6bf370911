/** Messages between the service's main thread (embeddedEngine.ts) and the media worker (mediaWorker.ts). */
import type {
  ClockStats,
  ConversationSpec,
  FinishedRecording,
  MediaCounts,
  MediaEvent,
  RtpAddress,
} from './mediaEngine.ts';

export interface WorkerConfig {
  /** Where recordings are written while they grow. */
  spoolDir: string;
  /** The address plain RTP legs bind to. */
  rtpHost: string;
  /** Extra host addresses for WebRTC candidates (loopback for local use and tests). */
  webrtcHostAddresses: string[];
  webrtcConnectTimeoutMs: number;
  /** A plain RTP leg that receives nothing for this long is closed (`rtp-timeout`). */
  rtpTimeoutMs: number;
}

export type Request =
  | { op: 'openWebRtc'; legId: string; offerSdp: string }
  | { op: 'openRtp'; legId: string; remote: RtpAddress }
  | { op: 'closeLeg'; legId: string }
  | { op: 'setConversation'; conversationId: string; spec: ConversationSpec }
  | { op: 'endConversation'; conversationId: string }
  | { op: 'sendDigits'; legId: string; digits: string }
  | { op: 'counts' }
  | { op: 'clockStats' }
  | { op: 'stop' };

export interface Results {
  openWebRtc: { answerSdp: string };
  openRtp: RtpAddress;
  closeLeg: null;
  setConversation: null;
  endConversation: FinishedRecording | null;
  sendDigits: null;
  counts: MediaCounts;
  clockStats: ClockStats;
  stop: null;
}

export type ToWorker = { id: number; request: Request };

export type FromWorker =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { code: string; message: string } }
  | { event: MediaEvent };
