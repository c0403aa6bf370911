/**
 * The embedded media engine: `MediaEngine` carried out by a worker thread of the service's own
 * process (mediaWorker.ts). If the worker dies, its legs are reported closed, a new worker starts,
 * and the calls go on (without audio until their parties reconnect it).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  MediaError,
  type ClockStats,
  type ConversationSpec,
  type FinishedRecording,
  type MediaCounts,
  type MediaEngine,
  type MediaEvent,
  type RtpAddress,
} from './mediaEngine.ts';
import type { FromWorker, Request, Results, WorkerConfig } from './workerProtocol.ts';

const WORKER = new URL('./mediaWorker.ts', import.meta.url);
/** The worker is TypeScript: its bootstrap registers tsx's loader (Node 20 does not pass it on). */
const TSX_API = pathToFileURL(
  createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs'),
).href;
const BOOTSTRAP = `import(${JSON.stringify(TSX_API)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER.href)}); });`;

export interface EmbeddedOptions {
  spoolDir: string;
  rtpHost?: string;
  webrtcHostAddresses?: string[];
  webrtcConnectTimeoutMs?: number;
  rtpTimeoutMs?: number;
}

export class EmbeddedMediaEngine implements MediaEngine {
  private worker!: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private readonly listeners = new Set<(e: MediaEvent) => void>();
  /** Legs the worker holds, as far as this side knows (reported closed when the worker dies). */
  private readonly legs = new Set<string>();
  private readonly config: WorkerConfig;
  private closed = false;
  /** How many times the worker was restarted after dying. */
  restarts = 0;

  constructor(options: EmbeddedOptions) {
    fs.mkdirSync(options.spoolDir, { recursive: true });
    this.config = {
      spoolDir: options.spoolDir,
      rtpHost: options.rtpHost ?? '127.0.0.1',
      webrtcHostAddresses: options.webrtcHostAddresses ?? ['127.0.0.1'],
      webrtcConnectTimeoutMs: options.webrtcConnectTimeoutMs ?? 15_000,
      rtpTimeoutMs: options.rtpTimeoutMs ?? 30_000,
    };
    this.spawn();
  }

  private spawn(): void {
    const worker = new Worker(BOOTSTRAP, { eval: true, workerData: this.config });
    this.worker = worker;
    worker.on('message', (msg: FromWorker) => {
      if ('event' in msg) {
        if (msg.event.type === 'legClosed') this.legs.delete(msg.event.legId);
        this.publish(msg.event);
        return;
      }
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new MediaError(msg.error.code as MediaError['code'], msg.error.message));
    });
    worker.on('error', (err) => console.error('media worker', err));
    worker.on('exit', () => {
      if (this.worker !== worker) return;
      for (const p of this.pending.values())
        p.reject(new MediaError('MEDIA_UNAVAILABLE', 'the media worker stopped'));
      this.pending.clear();
      const lost = [...this.legs];
      this.legs.clear();
      if (this.closed) return;
      this.restarts++;
      this.spawn();
      for (const legId of lost) this.publish({ type: 'legClosed', legId, reason: 'engine-restart' });
      this.publish({ type: 'restarted' });
    });
  }

  /** The worker thread (to stop it from outside, as a crash would). */
  get thread(): Worker {
    return this.worker;
  }

  private publish(event: MediaEvent): void {
    for (const l of this.listeners) l(event);
  }

  private call<K extends Request['op']>(request: Extract<Request, { op: K }>): Promise<Results[K]> {
    if (this.closed) return Promise.reject(new MediaError('MEDIA_UNAVAILABLE', 'the media plane is stopped'));
    const id = this.nextId++;
    return new Promise<Results[K]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, request });
    });
  }

  async openWebRtcLeg(legId: string, offerSdp: string): Promise<{ answerSdp: string }> {
    const r = await this.call({ op: 'openWebRtc', legId, offerSdp });
    this.legs.add(legId);
    return r;
  }

  async openRtpLeg(legId: string, remote: RtpAddress): Promise<RtpAddress> {
    const r = await this.call({ op: 'openRtp', legId, remote });
    this.legs.add(legId);
    return r;
  }

  async closeLeg(legId: string): Promise<void> {
    this.legs.delete(legId);
    await this.call({ op: 'closeLeg', legId });
  }

  async setConversation(conversationId: string, spec: ConversationSpec): Promise<void> {
    await this.call({ op: 'setConversation', conversationId, spec });
  }

  endConversation(conversationId: string): Promise<FinishedRecording | null> {
    return this.call({ op: 'endConversation', conversationId });
  }

  async sendDigits(legId: string, digits: string): Promise<void> {
    await this.call({ op: 'sendDigits', legId, digits });
  }

  counts(): Promise<MediaCounts> {
    return this.call({ op: 'counts' });
  }

  clockStats(): Promise<ClockStats> {
    return this.call({ op: 'clockStats' });
  }

  subscribe(listener: (event: MediaEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.call({ op: 'stop' }).catch(() => undefined);
    this.closed = true;
    await this.worker.terminate();
  }
}
