/** A plain RTP leg over UDP (a phone network party in tests and the bench): symmetric, one socket. */
import dgram from 'node:dgram';
import type { RtpAddress } from './mediaEngine.ts';
import { Leg, type LegCallbacks } from './legStream.ts';

export class RtpLeg extends Leg {
  private constructor(
    id: string,
    callbacks: LegCallbacks,
    private readonly socket: dgram.Socket,
    private readonly remote: RtpAddress,
  ) {
    super(id, callbacks);
    socket.on('message', (msg, rinfo) => {
      if (rinfo.address === remote.address) this.receive(msg);
    });
  }

  static async open(id: string, callbacks: LegCallbacks, host: string, remote: RtpAddress): Promise<RtpLeg> {
    const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.on('error', () => undefined);
    return new RtpLeg(id, callbacks, socket, remote);
  }

  get local(): RtpAddress {
    const a = this.socket.address();
    return { address: a.address, port: a.port };
  }

  protected transmit(packet: Buffer): void {
    this.socket.send(packet, this.remote.port, this.remote.address);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}
