/**
 * A plain RTP leg over UDP (a phone network party in tests and the bench): symmetric, one socket.
 * A party that sends nothing for `silenceTimeoutMs` (a phone sends a packet every 20 ms, silence
 * included) is gone — its network dropped it without a hang-up — and the leg closes (`rtp-timeout`).
 */
import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import type { RtpAddress } from './mediaEngine.ts';
import { Leg, type LegCallbacks } from './legStream.ts';

export class RtpLeg extends Leg {
  private readonly liveness: NodeJS.Timeout;
  private closing = false;

  private constructor(
    id: string,
    callbacks: LegCallbacks,
    private readonly socket: dgram.Socket,
    private readonly remote: RtpAddress,
    silenceTimeoutMs: number,
  ) {
    super(id, callbacks);
    socket.on('message', (msg, rinfo) => {
      if (rinfo.address === remote.address) this.receive(msg);
    });
    this.liveness = setInterval(
      () => {
        if (performance.now() - this.lastReceivedAt <= silenceTimeoutMs || this.closing) return;
        void this.close().then(() => this.callbacks.closed(this.id, 'rtp-timeout'));
      },
      Math.min(1000, silenceTimeoutMs / 4),
    );
  }

  static async open(
    id: string,
    callbacks: LegCallbacks,
    host: string,
    remote: RtpAddress,
    silenceTimeoutMs: number,
  ): Promise<RtpLeg> {
    const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.on('error', () => undefined);
    return new RtpLeg(id, callbacks, socket, remote, silenceTimeoutMs);
  }

  get local(): RtpAddress {
    const a = this.socket.address();
    return { address: a.address, port: a.port };
  }

  protected transmit(packet: Buffer): void {
    if (!this.closing) this.socket.send(packet, this.remote.port, this.remote.address);
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearInterval(this.liveness);
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}
