/**
 * The phones of `npm run bench:media`, in a process of their own (so that the benchmark's process
 * measures the media plane alone): pairs of plain RTP endpoints sending G.711 every 20 ms from one
 * timer, counting what they receive. Driven over IPC by bench/media.ts.
 */
import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { encode, FRAME_SAMPLES } from '../telephony/src/media/g711.ts';
import { buildRtp, parseRtp, PT_PCMU } from '../telephony/src/media/rtp.ts';

interface Endpoint {
  socket: dgram.Socket;
  remote: { address: string; port: number } | null;
  seq: number;
  /** Per received packet, its arrival minus its due time by sequence (ms). */
  offsets: number[];
  firstSeq: number | null;
  /** Highest sequence offset seen from the first: the packets expected in the window are that + 1. */
  maxN: number;
  received: number;
  /** Impulse sent (ms) for the latency probe, and latencies seen by its peer. */
  lastImpulseAt: number;
}

export type EndpointCommand =
  | { op: 'open'; count: number }
  | { op: 'start'; remotes: Array<{ address: string; port: number }> }
  | { op: 'reset' }
  | { op: 'stats' }
  | { op: 'close' };

const send = (msg: unknown) => process.send?.(msg);

let endpoints: Endpoint[] = [];
let timer: NodeJS.Timeout | undefined;
let ticks = 0;
let t0 = 0;
let latencies: number[] = [];
let measuring = false;

const quiet = encode(new Int16Array(FRAME_SAMPLES));
const loudPcm = new Int16Array(FRAME_SAMPLES);
for (let i = 0; i < FRAME_SAMPLES; i++)
  loudPcm[i] = Math.round(20000 * Math.sin((2 * Math.PI * 1000 * i) / 8000));
const loud = encode(loudPcm);

function open(count: number): Promise<Array<{ address: string; port: number }>> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const socket = dgram.createSocket('udp4');
      await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
      const ep: Endpoint = {
        socket,
        remote: null,
        seq: 0,
        offsets: [],
        firstSeq: null,
        maxN: -1,
        received: 0,
        lastImpulseAt: 0,
      };
      socket.on('message', (msg) => onPacket(ep, i, msg));
      endpoints[i] = ep;
      const a = socket.address();
      return { address: a.address, port: a.port };
    }),
  );
}

/** Endpoint 2k talks to 2k+1: the latency probe checks impulses sent by the even one. */
function onPacket(ep: Endpoint, index: number, msg: Buffer): void {
  const rtp = parseRtp(msg);
  if (!rtp || rtp.payloadType !== PT_PCMU) return;
  const now = performance.now();
  if (!measuring) return;
  ep.received++;
  if (ep.firstSeq === null) ep.firstSeq = rtp.sequence;
  const n = (rtp.sequence - ep.firstSeq + 0x10000) & 0xffff;
  ep.offsets.push(now - n * 20);
  if (n < 0x8000 && n > ep.maxN) ep.maxN = n;
  if (index % 2 === 1 && rtp.payload[0] !== undefined) {
    let energy = 0;
    for (let i = 0; i < rtp.payload.length; i += 3) energy += (rtp.payload[i]! & 0x7f) < 0x30 ? 1 : 0;
    const peer = endpoints[index - 1];
    if (energy > 10 && peer && peer.lastImpulseAt > 0) {
      latencies.push(now - peer.lastImpulseAt);
      peer.lastImpulseAt = 0;
    }
  }
}

function tick(): void {
  const now = performance.now();
  while (t0 + ticks * 20 <= now) {
    const impulse = ticks % 50 === 0;
    for (const [i, ep] of endpoints.entries()) {
      if (!ep.remote) continue;
      const isImpulse = impulse && i % 2 === 0;
      if (isImpulse) ep.lastImpulseAt = performance.now();
      const pkt = buildRtp(
        {
          payloadType: PT_PCMU,
          marker: false,
          sequence: ep.seq++ & 0xffff,
          timestamp: ep.seq * 160,
          ssrc: i + 1,
        },
        isImpulse ? loud : quiet,
      );
      ep.socket.send(pkt, ep.remote.port, ep.remote.address);
    }
    ticks++;
  }
  timer = setTimeout(tick, Math.max(0, t0 + ticks * 20 - performance.now()));
}

/** Per endpoint: expected packets over the window vs received, and packets later than 60 ms. */
function stats(windowMs: number) {
  let expected = 0;
  let received = 0;
  let late = 0;
  for (const ep of endpoints) {
    expected += Math.max(ep.maxN + 1, Math.floor(windowMs / 20) - 5);
    received += ep.received;
    if (ep.offsets.length === 0) continue;
    const sorted = [...ep.offsets].sort((a, b) => a - b);
    const base = sorted[Math.floor(sorted.length * 0.01)]!;
    for (const o of ep.offsets) if (o - base > 60) late++;
  }
  const lat = [...latencies].sort((a, b) => a - b);
  const q = (p: number) => (lat.length ? lat[Math.min(lat.length - 1, Math.floor(lat.length * p))]! : null);
  const cpu = process.cpuUsage(cpuFrom);
  return {
    expected,
    received,
    late,
    cpuPct: ((cpu.user + cpu.system) / 1000 / windowMs) * 100,
    latencyMs: { p50: q(0.5), p99: q(0.99), samples: lat.length },
  };
}

let measuredFrom = 0;
let cpuFrom = process.cpuUsage();
process.on('message', (cmd: EndpointCommand) => {
  void (async () => {
    switch (cmd.op) {
      case 'open':
        send({ addresses: await open(cmd.count) });
        return;
      case 'start':
        cmd.remotes.forEach((r, i) => (endpoints[i]!.remote = r));
        t0 = performance.now();
        ticks = 0;
        tick();
        send({ ok: true });
        return;
      case 'reset':
        for (const ep of endpoints) {
          ep.offsets = [];
          ep.received = 0;
          ep.firstSeq = null;
          ep.maxN = -1;
        }
        latencies = [];
        measuring = true;
        measuredFrom = performance.now();
        cpuFrom = process.cpuUsage();
        send({ ok: true });
        return;
      case 'stats':
        send(stats(performance.now() - measuredFrom));
        return;
      case 'close':
        clearTimeout(timer);
        measuring = false;
        await Promise.all(endpoints.map((ep) => new Promise<void>((r) => ep.socket.close(() => r()))));
        endpoints = [];
        send({ ok: true });
        return;
    }
  })();
});
