/**
 * Audio quality from RTCPeerConnection.getStats(): one StatsInfo per direction per interval, and the
 * MOS estimate the base library computes from them (docs/connector.md, "Audio stats and MOS").
 * Input channel = the agent's microphone (what the service receives), output channel = what the agent
 * hears.
 */
export interface StreamStats {
  packetsCount: number;
  packetsLost: number;
  jitterBufferMillis: number;
  roundTripTimeMillis: number;
}

/** Cumulative counters of the last sample, to report per interval. */
export interface Counters {
  sent: number;
  lostRemote: number;
  received: number;
  lost: number;
}

interface RtpStat {
  type: string;
  kind?: string;
  packetsSent?: number;
  packetsReceived?: number;
  packetsLost?: number;
  jitter?: number;
  roundTripTime?: number;
}

/** The interval's stats of both directions from a getStats() report, and the new counters. */
export function sampleStats(
  report: Iterable<RtpStat>,
  last: Counters,
): { input: StreamStats; output: StreamStats; counters: Counters } {
  const by: Record<string, RtpStat> = {};
  for (const s of report) if (s.kind !== 'video') by[s.type] = s;
  const none: RtpStat = { type: '' };
  const out = by['outbound-rtp'] ?? none;
  const remote = by['remote-inbound-rtp'] ?? none;
  const inb = by['inbound-rtp'] ?? none;
  const rtt = Math.round((remote.roundTripTime ?? 0) * 1000);
  const counters: Counters = {
    sent: out.packetsSent ?? 0,
    lostRemote: Math.max(0, remote.packetsLost ?? 0),
    received: inb.packetsReceived ?? 0,
    lost: Math.max(0, inb.packetsLost ?? 0),
  };
  const delta = (k: keyof Counters) => Math.max(0, counters[k] - last[k]);
  return {
    input: {
      packetsCount: delta('sent'),
      packetsLost: delta('lostRemote'),
      jitterBufferMillis: Math.round((remote.jitter ?? 0) * 1000),
      roundTripTimeMillis: rtt,
    },
    output: {
      packetsCount: delta('received') + delta('lost'),
      packetsLost: delta('lost'),
      jitterBufferMillis: Math.round((inb.jitter ?? 0) * 1000),
      roundTripTimeMillis: rtt,
    },
    counters,
  };
}

/**
 * The simplified E-model (ITU-T G.107) the base library applies: effective latency
 * Le = RTT + 2·jitter + 10 ms; R = 93.2 − Le/40 (Le < 160 ms) or 93.2 − (Le − 120)/10;
 * R −= 2.5 × packetsLost/packetsCount; MOS = 1 + 0.035·R + 7·10⁻⁶·R·(R − 60)·(100 − R).
 */
export function mos(s: StreamStats): number {
  const latency = s.roundTripTimeMillis + s.jitterBufferMillis * 2 + 10;
  let r = latency < 160 ? 93.2 - latency / 40 : 93.2 - (latency - 120) / 10;
  r -= (s.packetsLost / s.packetsCount) * 2.5;
  return 1 + 0.035 * r + 0.000007 * r * (r - 60) * (100 - r);
}
