/**
 * A minimal SIP desk phone for tests, over the project's own message and SDP modules and a UDP
 * socket: REGISTER with digest (RFC 2617 `qop=auth`, computed here from the password); rung by the
 * service, it answers (200 with its RTP address), declines, hangs up (BYE), and records the ACK's
 * SDP, the service's BYE and CANCEL.
 */
import { createHash, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import {
  header,
  param,
  parseMessage,
  responseTo,
  serialize,
  uriOf,
  type SipMessage,
  type SipRequest,
  type SipResponse,
} from '../src/sip/message.ts';
import { audioAnswer, parseAudioOffer } from '../src/sip/sdp.ts';
import type { Address } from './rtpPhone.ts';

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
      if (m.kind === 'request') return this.onRequest(m);
      if (m.status < 200) return;
      const branch = param(header(m, 'via') ?? '', 'branch') ?? '';
      this.waiting.get(branch)?.(m);
      this.waiting.delete(branch);
    });
  }

  /** Requests the service sent, in order (INVITE, ACK, BYE, CANCEL). */
  readonly received: SipRequest[] = [];
  private invite: SipRequest | null = null;
  private readonly tag = randomBytes(6).toString('hex');
  private dialogCseq = 0;

  private onRequest(req: SipRequest): void {
    this.received.push(req);
    const from = { address: this.registrar.address, port: this.registrar.port };
    if (req.method === 'INVITE') {
      this.invite = req;
      this.reply(responseTo(req, 180, 'Ringing', { toTag: this.tag }), from);
    }
    if (req.method === 'BYE') this.reply(responseTo(req, 200, 'OK'), from);
    if (req.method === 'CANCEL') {
      this.reply(responseTo(req, 200, 'OK'), from);
      if (this.invite)
        this.reply(responseTo(this.invite, 487, 'Request Terminated', { toTag: this.tag }), from);
    }
  }

  private reply(m: SipMessage, to: { address: string; port: number }): void {
    this.socket.send(serialize(m), to.port, to.address);
  }

  /** The first request of `method` received (waits up to `ms`). */
  async request(method: string, ms = 10_000): Promise<SipRequest> {
    const deadline = Date.now() + ms;
    for (;;) {
      const r = this.received.find((m) => m.method === method);
      if (r) return r;
      if (Date.now() > deadline) throw new Error(`no ${method} reached the phone`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Answers the ringing INVITE: 200 with our RTP address; the service's RTP address from its ACK. */
  async answer(rtp: Address): Promise<Address> {
    const invite = await this.request('INVITE');
    this.reply(
      responseTo(invite, 200, 'OK', {
        toTag: this.tag,
        extra: [
          ['contact', `<${this.contactUri}>`],
          ['content-type', 'application/sdp'],
        ],
        body: audioAnswer(rtp, '1', 1),
      }),
      this.registrar,
    );
    const ack = await this.request('ACK');
    const offer = parseAudioOffer(ack.body);
    if (typeof offer === 'string') throw new Error(`the ACK has no usable SDP: ${offer}`);
    return offer.rtp;
  }

  /** Refuses the ringing INVITE with `status` (486 busy, 603 decline). */
  async decline(status: number, reason: string): Promise<void> {
    const invite = await this.request('INVITE');
    this.reply(responseTo(invite, status, reason, { toTag: this.tag }), this.registrar);
    await this.request('ACK');
  }

  /** Hangs up the answered call: BYE in the INVITE's dialog; the final answer. */
  hangUp(): Promise<SipResponse> {
    return this.inDialog('BYE', []);
  }

  /** A re-INVITE in the answered call offering `rtp` with `direction` (hold: `sendonly`); ACKs its 200. */
  async reInvite(rtp: Address, direction: string): Promise<SipResponse> {
    const res = await this.inDialog(
      'INVITE',
      [
        ['contact', `<${this.contactUri}>`],
        ['content-type', 'application/sdp'],
      ],
      audioAnswer(rtp, '1', this.dialogCseq + 2, direction),
    );
    if (res.status === 200) await this.inDialog('ACK', [], '', this.dialogCseq);
    return res;
  }

  /** A request in the INVITE's dialog; its final answer (none awaited for an ACK). */
  private inDialog(
    method: string,
    extra: Array<[string, string]>,
    body = '',
    cseq?: number,
  ): Promise<SipResponse> {
    const invite = this.invite!;
    const branch = `z9hG4bK${randomBytes(8).toString('hex')}`;
    if (cseq === undefined) this.dialogCseq += 1;
    const request: SipRequest = {
      kind: 'request',
      method,
      uri: uriOf(header(invite, 'contact') ?? ''),
      headers: [
        ['via', `SIP/2.0/UDP 127.0.0.1:${this.port};branch=${branch}`],
        ['max-forwards', '70'],
        ['from', `${header(invite, 'to')!};tag=${this.tag}`],
        ['to', header(invite, 'from')!],
        ['call-id', header(invite, 'call-id')!],
        ['cseq', `${cseq ?? this.dialogCseq} ${method}`],
        ...extra,
      ],
      body,
    };
    const answer =
      method === 'ACK'
        ? Promise.resolve({} as SipResponse)
        : new Promise<SipResponse>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`no answer to ${method}`)), 5000);
            this.waiting.set(branch, (r) => {
              clearTimeout(timer);
              resolve(r);
            });
          });
    this.reply(request, this.registrar);
    return answer;
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
