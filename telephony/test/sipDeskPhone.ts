/**
 * A minimal SIP desk phone for tests, over the project's own message module and a UDP socket:
 * REGISTER with digest (RFC 2617 `qop=auth`, computed here from the password), answers collected.
 */
import { createHash, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import {
  header,
  param,
  parseMessage,
  serialize,
  type SipMessage,
  type SipResponse,
} from '../src/sip/message.ts';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

export interface PhoneCredentials {
  username: string;
  password: string;
}

export class SipDeskPhone {
  private readonly waiting = new Map<string, (r: SipResponse) => void>();
  private cseq = 0;
  readonly callId = `${randomBytes(8).toString('hex')}@phone`;

  private constructor(
    private readonly socket: dgram.Socket,
    readonly registrar: { address: string; port: number },
  ) {
    socket.on('message', (data) => {
      let m: SipMessage;
      try {
        m = parseMessage(data);
      } catch {
        return;
      }
      if (m.kind !== 'response' || m.status < 200) return;
      const branch = param(header(m, 'via') ?? '', 'branch') ?? '';
      this.waiting.get(branch)?.(m);
      this.waiting.delete(branch);
    });
  }

  static async open(registrar: { address: string; port: number }): Promise<SipDeskPhone> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    return new SipDeskPhone(socket, registrar);
  }

  get port(): number {
    return this.socket.address().port;
  }

  get contactUri(): string {
    return `sip:phone@127.0.0.1:${this.port}`;
  }

  /** Sends one REGISTER (with `authorization` if given) and waits for its final answer. */
  send(
    aor: string,
    options: { authorization?: string; expires?: number; contact?: string | null } = {},
  ): Promise<SipResponse> {
    const branch = `z9hG4bK${randomBytes(8).toString('hex')}`;
    this.cseq += 1;
    const uri = `sip:${this.registrar.address}:${this.registrar.port}`;
    const headers: Array<[string, string]> = [
      ['via', `SIP/2.0/UDP 127.0.0.1:${this.port};branch=${branch};rport`],
      ['max-forwards', '70'],
      ['from', `<sip:${aor}@${this.registrar.address}>;tag=ph${this.cseq}`],
      ['to', `<sip:${aor}@${this.registrar.address}>`],
      ['call-id', this.callId],
      ['cseq', `${this.cseq} REGISTER`],
    ];
    const contact = options.contact === undefined ? `<${this.contactUri}>` : options.contact;
    if (contact !== null) headers.push(['contact', contact]);
    if (options.expires !== undefined) headers.push(['expires', String(options.expires)]);
    if (options.authorization) headers.push(['authorization', options.authorization]);
    const answer = new Promise<SipResponse>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer to REGISTER')), 5000);
      this.waiting.set(branch, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
    });
    this.socket.send(
      serialize({ kind: 'request', method: 'REGISTER', uri, headers, body: '' }),
      this.registrar.port,
      this.registrar.address,
    );
    return answer;
  }

  /** REGISTER, answer the digest challenge with `creds`, REGISTER again: the final answer. */
  async register(
    creds: PhoneCredentials,
    options: { expires?: number; contact?: string | null; aor?: string } = {},
  ): Promise<SipResponse> {
    const aor = options.aor ?? creds.username;
    const first = await this.send(aor, options);
    if (first.status !== 401) return first;
    const challenge = header(first, 'www-authenticate') ?? '';
    const params = `x;${challenge.replace(/^Digest\s+/i, '').replace(/,\s*/g, ';')}`;
    const realm = param(params, 'realm') ?? '';
    const nonce = param(params, 'nonce') ?? '';
    const uri = `sip:${this.registrar.address}:${this.registrar.port}`;
    const cnonce = randomBytes(4).toString('hex');
    const ha1 = md5(`${creds.username}:${realm}:${creds.password}`);
    const response = md5(`${ha1}:${nonce}:00000001:${cnonce}:auth:${md5(`REGISTER:${uri}`)}`);
    const authorization = `Digest username="${creds.username}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="${cnonce}"`;
    return this.send(aor, { ...options, authorization });
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}
