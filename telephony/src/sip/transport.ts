/**
 * SIP over one UDP socket: datagrams in as parsed messages (malformed ones dropped, as UDP allows),
 * messages out, and the retransmission of RFC 3261 §17 over an unreliable transport: from T1 doubling
 * up to T2, given up after 64·T1.
 */
import dgram from 'node:dgram';
import { parseMessage, serialize, SipParseError, type SipMessage } from './message.ts';

export const T1_MS = 500;
export const T2_MS = 4000;
export const TIMEOUT_MS = 64 * T1_MS;

export interface Peer {
  address: string;
  port: number;
}

export interface Retransmission {
  stop(): void;
}

export class SipTransport {
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly socket: dgram.Socket,
    onMessage: (m: SipMessage, from: Peer) => void,
  ) {
    socket.on('message', (data, rinfo) => {
      let message: SipMessage;
      try {
        message = parseMessage(data);
      } catch (err) {
        if (err instanceof SipParseError) return;
        throw err;
      }
      onMessage(message, { address: rinfo.address, port: rinfo.port });
    });
    socket.on('error', () => undefined);
  }

  static async open(
    host: string,
    port: number,
    onMessage: (m: SipMessage, from: Peer) => void,
  ): Promise<SipTransport> {
    const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new SipTransport(socket, onMessage);
  }

  get local(): Peer {
    const a = this.socket.address();
    return { address: a.address, port: a.port };
  }

  send(m: SipMessage, to: Peer): void {
    this.socket.send(serialize(m), to.port, to.address);
  }

  /** Sends `m` now and again until stopped; `onTimeout` after 64·T1 without a stop. */
  sendReliably(m: SipMessage, to: Peer, onTimeout: () => void = () => undefined): Retransmission {
    const data = serialize(m);
    const started = Date.now();
    let interval = T1_MS;
    let timer: NodeJS.Timeout | undefined;
    const stop = () => {
      if (timer) {
        clearTimeout(timer);
        this.timers.delete(timer);
      }
      timer = undefined;
    };
    const fire = () => {
      this.socket.send(data, to.port, to.address);
      if (timer) this.timers.delete(timer);
      if (Date.now() - started + interval > TIMEOUT_MS) {
        timer = setTimeout(
          () => {
            stop();
            onTimeout();
          },
          TIMEOUT_MS - (Date.now() - started),
        );
      } else {
        timer = setTimeout(fire, interval);
        interval = Math.min(interval * 2, T2_MS);
      }
      this.timers.add(timer);
    };
    fire();
    return { stop };
  }

  /** Runs `fn` after `ms` unless the transport closes first. */
  later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}
