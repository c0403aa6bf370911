/**
 * The media worker thread: the mixer's 20 ms clock, the RTP sockets and the WebRTC peers, away from
 * the service's event loop (docs/media.md, timing model). Controlled by messages (workerProtocol.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { FRAME_MS } from './g711.ts';
import { MediaError, type ClockStats, type MediaEvent } from './mediaEngine.ts';
import type { LegCallbacks } from './legStream.ts';
import { Mixer } from './mixer.ts';
import { RtpLeg } from './rtpLeg.ts';
import { checkOffer } from './sdp.ts';
import { WebRtcLeg } from './webrtcLeg.ts';
import type { FromWorker, Request, ToWorker, WorkerConfig } from './workerProtocol.ts';

const port = parentPort;
if (!port) throw new Error('mediaWorker runs in a worker thread');
const config = workerData as WorkerConfig;

const send = (msg: FromWorker) => port.postMessage(msg);
const emit = (event: MediaEvent) => send({ event });

const mixer = new Mixer(config.spoolDir, (legId, prompt) => emit({ type: 'promptFinished', legId, prompt }));
/** Legs being opened: a close that arrives meanwhile releases them as soon as they exist. */
const opening = new Set<string>();
const cancelled = new Set<string>();

const callbacks: LegCallbacks = {
  digit: (legId, digit) => emit({ type: 'digit', legId, digit }),
  closed: (legId, reason) => {
    if (mixer.removeLeg(legId)) emit({ type: 'legClosed', legId, reason });
  },
};

const clock: ClockStats = { ticks: 0, lateTicks: 0, maxLateMs: 0, maxTickMs: 0 };
let running = true;
const start = performance.now();

/** Drift-free: tick n is due at start + n·20 ms; a late loop runs the ticks it owes. */
function loop(): void {
  if (!running) return;
  const now = performance.now();
  while (start + clock.ticks * FRAME_MS <= now) {
    const late = now - (start + clock.ticks * FRAME_MS);
    if (late > FRAME_MS) clock.lateTicks++;
    if (late > clock.maxLateMs) clock.maxLateMs = late;
    const began = performance.now();
    mixer.tick();
    const took = performance.now() - began;
    if (took > clock.maxTickMs) clock.maxTickMs = took;
    clock.ticks++;
  }
  setTimeout(loop, Math.max(0, start + clock.ticks * FRAME_MS - performance.now()));
}
loop();

async function openLeg<T>(legId: string, open: () => Promise<T & { leg: { id: string } }>): Promise<T> {
  if (mixer.hasLeg(legId) || opening.has(legId))
    throw new MediaError('INVALID_PARAMS', `leg ${legId} exists`);
  opening.add(legId);
  try {
    return await open();
  } finally {
    opening.delete(legId);
  }
}

async function handle(req: Request): Promise<unknown> {
  switch (req.op) {
    case 'openWebRtc': {
      checkOffer(req.offerSdp);
      const { answerSdp, leg } = await openLeg(req.legId, async () => {
        const r = await WebRtcLeg.answer(req.legId, callbacks, req.offerSdp, {
          connectTimeoutMs: config.webrtcConnectTimeoutMs,
          hostAddresses: config.webrtcHostAddresses,
        });
        return { ...r, leg: r.leg };
      });
      return admit(leg, { answerSdp });
    }
    case 'openRtp': {
      const { leg } = await openLeg(req.legId, async () => ({
        leg: await RtpLeg.open(req.legId, callbacks, config.rtpHost, req.remote, config.rtpTimeoutMs),
      }));
      return admit(leg, leg.local);
    }
    case 'closeLeg': {
      if (opening.has(req.legId)) cancelled.add(req.legId);
      await mixer.removeLeg(req.legId)?.close();
      return null;
    }
    case 'setConversation':
      mixer.setConversation(req.conversationId, req.spec);
      return null;
    case 'endConversation':
      return mixer.endConversation(req.conversationId);
    case 'sendDigits': {
      const leg = mixer.leg(req.legId);
      if (!leg) throw new MediaError('UNKNOWN_LEG', `no leg ${req.legId}`);
      leg.queueDigits(req.digits);
      return null;
    }
    case 'counts':
      return mixer.counts();
    case 'clockStats':
      return { ...clock };
    case 'stop':
      running = false;
      mixer.closeAll();
      for (const legId of mixer.legIds()) await mixer.removeLeg(legId)?.close();
      return null;
  }
}

/** A leg whose open finished: into the mixer, unless it was closed while opening. */
async function admit<T>(leg: WebRtcLeg | RtpLeg, result: T): Promise<T> {
  if (cancelled.delete(leg.id)) {
    await leg.close();
    throw new MediaError('UNKNOWN_LEG', `leg ${leg.id} was released while it was opening`);
  }
  mixer.addLeg(leg);
  return result;
}

port.on('message', (msg: ToWorker) => {
  handle(msg.request).then(
    (result) => send({ id: msg.id, ok: true, result }),
    (err: unknown) => {
      const e =
        err instanceof MediaError
          ? err
          : new MediaError('INVALID_PARAMS', String((err as Error)?.message ?? err));
      send({ id: msg.id, ok: false, error: { code: e.code, message: e.message } });
    },
  );
});
