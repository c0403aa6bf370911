/**
 * The service's SIP user agent (docs/sip.md): takes carriers' INVITEs on trunks and maps each dialog
 * to a call of the engine and a phone-network leg of the media plane; answers BYE, CANCEL, ACK,
 * re-INVITE and OPTIONS; sends BYE when the engine ends the caller's part of the call.
 */
import { randomBytes } from 'node:crypto';
import { NotFoundError, ThrottledError } from '../domain/errors.ts';
import { tryE164 } from '../domain/phoneNumbers.ts';
import type { Admission } from '../engine/admission.ts';
import type { DomainEvent, Engine } from '../engine/index.ts';
import type { MediaPlane } from '../media/mediaPlane.ts';
import { DigestAuthority, parseAuthorization } from './digest.ts';
import { callerHungUp, startInboundCall, type StartedCall } from './inbound.ts';
import { RateLimiter, type RateOptions } from './limits.ts';
import { DeskPhoneCalls } from './deskPhoneCalls.ts';
import { OutboundCalls } from './outbound.ts';
import { register } from './registrar.ts';
import {
  cseqOf,
  displayName,
  header,
  hostPortOf,
  param,
  responseTo,
  uriOf,
  userOf,
  type SipMessage,
  type SipRequest,
  type SipResponse,
} from './message.ts';
import { audioAnswer, parseAudioOffer } from './sdp.ts';
import { TIMEOUT_MS, SipTransport, type Peer, type Retransmission } from './transport.ts';
import { trunkFor } from './trunks.ts';

export interface SipOptions {
  /** The address the UDP socket binds (`SIP_HOST`). */
  host: string;
  /** Its port (`SIP_PORT`; 0 in tests: any free port). */
  port: number;
  /** The address put in Via and Contact (default: `host`). */
  advertisedHost?: string;
  /** The address put in the SDP answer (default: the RTP leg's own address). */
  mediaAddress?: string;
  /** INVITEs (and OPTIONS) per source address. */
  inviteRate?: RateOptions;
  /** REGISTERs per source address. */
  registerRate?: RateOptions;
  /** How long an outbound call rings before it is CANCELled as not answered (default 45 s). */
  noAnswerMs?: number;
  log?: (msg: string, err: unknown) => void;
  /** The node's admission check: an INVITE it refuses is answered 503 with Retry-After. */
  admission?: Admission;
}

export const DEFAULT_INVITE_RATE: RateOptions = { rate: 60, burst: 120 };
export const DEFAULT_REGISTER_RATE: RateOptions = { rate: 5, burst: 20 };

const ALLOW = 'INVITE, ACK, BYE, CANCEL, OPTIONS, REGISTER';

interface Dialog {
  sipCallId: string;
  peer: Peer;
  invite: SipRequest;
  localTag: string;
  /** The remote target of requests in the dialog (the caller's Contact). */
  remoteTarget: string;
  state: 'answering' | 'answered' | 'confirmed' | 'ended';
  call: StartedCall | null;
  sdpSession: string;
  sdpVersion: number;
  local: { address: string; port: number } | null;
  localCseq: number;
  /** The INVITE got its final response (a CANCEL's 487 among them). */
  finalSent: boolean;
}

/** Read through a function: the state changes while an INVITE awaits the engine. */
const ended = (d: Dialog) => d.state === 'ended';

interface ServerTransaction {
  response: SipResponse | null;
}

export class SipService {
  private readonly dialogs = new Map<string, Dialog>();
  private readonly byCall = new Map<string, Dialog>();
  private readonly transactions = new Map<string, ServerTransaction>();
  /** Final INVITE responses resent until their ACK, by `Call-ID CSeq-number`. */
  private readonly awaitingAck = new Map<string, Retransmission>();
  /** Our BYEs resent until answered, by Via branch. */
  private readonly clientRequests = new Map<string, Retransmission>();
  private readonly digest = new DigestAuthority(randomBytes(32), Date.now);
  private readonly invites: RateLimiter;
  private readonly registers: RateLimiter;
  private readonly log: (msg: string, err: unknown) => void;
  private readonly unsubscribe: () => void;
  private transport!: SipTransport;
  private outbound!: OutboundCalls;
  private phones!: DeskPhoneCalls;

  private constructor(
    private readonly engine: Engine,
    private readonly plane: MediaPlane,
    private readonly options: SipOptions,
  ) {
    this.invites = new RateLimiter(options.inviteRate ?? DEFAULT_INVITE_RATE);
    this.registers = new RateLimiter(options.registerRate ?? DEFAULT_REGISTER_RATE);
    this.log = options.log ?? ((msg, err) => console.error(msg, err));
    this.unsubscribe = engine.events.subscribe((batch) => this.onDomainEvents(batch));
  }

  static async start(engine: Engine, plane: MediaPlane, options: SipOptions): Promise<SipService> {
    const service = new SipService(engine, plane, options);
    try {
      service.transport = await SipTransport.open(options.host, options.port, (m, from) =>
        service.onMessage(m, from),
      );
    } catch (err) {
      service.unsubscribe();
      throw err;
    }
    service.outbound = new OutboundCalls(engine, plane, service.transport, {
      noAnswerMs: options.noAnswerMs ?? 45_000,
      localHost: options.advertisedHost ?? options.host,
      mediaAddress: options.mediaAddress,
      log: service.log,
    });
    service.phones = new DeskPhoneCalls(engine, plane, service.transport, {
      localHost: options.advertisedHost ?? options.host,
      mediaAddress: options.mediaAddress,
      log: service.log,
    });
    return service;
  }

  /** Where the SIP socket listens. */
  get address(): Peer {
    return this.transport.local;
  }

  /** Where desk phones register: `sip:host:port` (the advertised host). */
  get registrar(): string {
    return `sip:${this.options.advertisedHost ?? this.options.host}:${this.transport.local.port}`;
  }

  /** Dialogs that are up (answered or being answered): for metrics and tests. */
  get activeDialogs(): number {
    return (
      [...this.dialogs.values()].filter((d) => d.state !== 'ended').length +
      this.outbound.active +
      this.phones.active
    );
  }

  private get contact(): string {
    const { port } = this.transport.local;
    return `<sip:switchboard@${this.options.advertisedHost ?? this.options.host}:${port}>`;
  }

  private onMessage(m: SipMessage, from: Peer): void {
    const sipCallId = header(m, 'call-id') ?? '';
    const owner = this.outbound.owns(sipCallId)
      ? this.outbound
      : this.phones.owns(sipCallId)
        ? this.phones
        : null;
    const work =
      m.kind === 'request'
        ? owner
          ? owner.onRequest(m, from)
          : this.onRequest(m, from)
        : owner
          ? owner.onResponse(m)
          : this.onResponse(m);
    void work.catch((err) => this.log('SIP message', err));
  }

  // ── Requests ───────────────────────────────────────────────────────────────────────────────────

  private async onRequest(req: SipRequest, from: Peer): Promise<void> {
    switch (req.method) {
      case 'ACK':
        return this.onAck(req, from);
      case 'INVITE':
        return this.onInvite(req, from);
      case 'BYE':
        return this.onBye(req, from);
      case 'CANCEL':
        return this.onCancel(req, from);
      case 'OPTIONS':
        return this.onOptions(req, from);
      case 'REGISTER':
        if (!this.registers.take(from.address)) return this.overLimit(req, from);
        return this.transport.send(
          await register(this.engine.db, this.digest, req, from, this.engine.clock.now()),
          from,
        );
      default:
        return this.transport.send(
          responseTo(req, 501, 'Not Implemented', { extra: [['allow', ALLOW]] }),
          from,
        );
    }
  }

  private overLimit(req: SipRequest, from: Peer): void {
    this.transport.send(responseTo(req, 503, 'Service Unavailable', { extra: [['retry-after', '1']] }), from);
  }

  /**
   * Runs an INVITE's server transaction once: a retransmission of a request being handled is dropped,
   * of one answered gets the same answer again.
   */
  private transaction(req: SipRequest, from: Peer): ServerTransaction | null {
    const via = header(req, 'via') ?? '';
    const key = `${param(via, 'branch') ?? ''}|${header(req, 'call-id')}|${cseqOf(req).seq}|${req.method}`;
    const known = this.transactions.get(key);
    if (known) {
      if (known.response && known.response.status < 200) this.transport.send(known.response, from);
      return null;
    }
    const t: ServerTransaction = { response: null };
    this.transactions.set(key, t);
    this.transport.later(TIMEOUT_MS, () => this.transactions.delete(key));
    return t;
  }

  /** A final response to an INVITE: resent until its ACK (or given up after 64·T1). */
  private finalInviteResponse(req: SipRequest, to: Peer, res: SipResponse, onNoAck?: () => void): void {
    const key = `${header(req, 'call-id')} ${cseqOf(req).seq}`;
    this.awaitingAck.get(key)?.stop();
    const retransmission = this.transport.sendReliably(res, to, () => {
      this.awaitingAck.delete(key);
      onNoAck?.();
    });
    this.awaitingAck.set(key, retransmission);
  }

  private refuseInvite(req: SipRequest, from: Peer, t: ServerTransaction, res: SipResponse): void {
    t.response = res;
    this.finalInviteResponse(req, from, res);
  }

  private async onInvite(req: SipRequest, from: Peer): Promise<void> {
    const arrived = performance.now();
    const sipCallId = header(req, 'call-id') ?? '';
    const toTag = param(header(req, 'to') ?? '', 'tag');
    if (toTag) return this.onReInvite(req, from, sipCallId);
    if (!this.invites.take(from.address)) {
      this.transport.send(
        responseTo(req, 503, 'Service Unavailable', { extra: [['retry-after', '1']] }),
        from,
      );
      return;
    }
    const t = this.transaction(req, from);
    if (!t) return;
    const localTag = randomBytes(8).toString('hex');
    const refuse = (status: number, reason: string, extra: Array<[string, string]> = []) =>
      this.refuseInvite(req, from, t, responseTo(req, status, reason, { toTag: localTag, extra }));

    const dialed = tryE164(userOf(req.uri) ?? '', 'US');
    const trunk = await trunkFor(this.engine.db, from.address, dialed);
    if (trunk === 'unknown-source') return refuse(403, 'Forbidden');
    if (trunk === 'not-carried' || !dialed) return refuse(404, 'Not Found');
    if (trunk.auth) {
      const creds = parseAuthorization(header(req, 'authorization'));
      if (!creds) return refuse(401, 'Unauthorized', [['www-authenticate', this.digest.challenge()]]);
      const verdict = this.digest.verify(creds, 'INVITE', trunk.auth);
      if (verdict === 'stale')
        return refuse(401, 'Unauthorized', [['www-authenticate', this.digest.challenge(true)]]);
      if (verdict === 'refused') return refuse(403, 'Forbidden');
    }
    const type = (header(req, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    const offer = type === 'application/sdp' ? parseAudioOffer(req.body) : 'no SDP offer';
    if (typeof offer === 'string')
      return refuse(488, 'Not Acceptable Here', [['warning', `399 - "${offer}"`]]);

    const trying = responseTo(req, 100, 'Trying');
    t.response = trying;
    this.transport.send(trying, from);

    const fromHeader = header(req, 'from') ?? '';
    const asserted = header(req, 'p-asserted-identity');
    const dialog: Dialog = {
      sipCallId,
      peer: from,
      invite: req,
      localTag,
      remoteTarget: uriOf(header(req, 'contact') ?? fromHeader),
      state: 'answering',
      call: null,
      sdpSession: String(Date.now()),
      sdpVersion: 1,
      local: null,
      localCseq: 0,
      finalSent: false,
    };
    this.dialogs.set(sipCallId, dialog);
    try {
      dialog.call = await startInboundCall(
        this.engine,
        {
          to: dialed,
          from: userOf(uriOf(asserted ?? fromHeader)) ?? 'anonymous',
          callerName: displayName(asserted ?? fromHeader),
          waitedMs: performance.now() - arrived,
        },
        this.options.admission,
      );
      this.byCall.set(dialog.call.callId, dialog);
      if (ended(dialog)) {
        await callerHungUp(this.engine, dialog.call.contactCenterId, dialog.call.callId);
        if (!dialog.finalSent) refuse(480, 'Temporarily Unavailable');
        return;
      }
      const answer = await this.plane.openNetworkMedia(dialog.call.callId, dialog.call.callerParticipantId, {
        rtp: offer.rtp,
      });
      if (!('rtp' in answer)) throw new Error('an RTP offer got a WebRTC answer');
      dialog.local = { address: this.options.mediaAddress ?? answer.rtp.address, port: answer.rtp.port };
    } catch (err) {
      this.dialogs.delete(sipCallId);
      if (dialog.call) {
        this.byCall.delete(dialog.call.callId);
        await callerHungUp(this.engine, dialog.call.contactCenterId, dialog.call.callId).catch(
          () => undefined,
        );
      }
      if (dialog.finalSent) return;
      dialog.state = 'ended';
      if (err instanceof NotFoundError) return refuse(404, 'Not Found');
      if (err instanceof ThrottledError)
        return refuse(503, 'Service Unavailable', [['retry-after', String(err.retryAfterSeconds)]]);
      this.log('SIP INVITE', err);
      return refuse(500, 'Server Internal Error');
    }
    if (ended(dialog)) {
      if (!dialog.finalSent) refuse(480, 'Temporarily Unavailable');
      return;
    }
    dialog.finalSent = true;
    const ok = responseTo(req, 200, 'OK', {
      toTag: localTag,
      extra: [
        ['contact', this.contact],
        ['allow', ALLOW],
        ['content-type', 'application/sdp'],
      ],
      body: audioAnswer(dialog.local, dialog.sdpSession, dialog.sdpVersion),
    });
    t.response = ok;
    dialog.state = 'answered';
    this.finalInviteResponse(req, from, ok, () => {
      // No ACK in 64·T1: the dialog never came up (RFC 3261 §13.3.1.4): BYE, and the caller is gone.
      if (dialog.state === 'answered') void this.endFromService(dialog).catch((e) => this.log('SIP', e));
    });
  }

  /** A re-INVITE in a dialog (session refresh, the carrier's hold): answered with our same media. */
  private async onReInvite(req: SipRequest, from: Peer, sipCallId: string): Promise<void> {
    const dialog = this.dialogs.get(sipCallId);
    if (!dialog || dialog.state === 'ended' || !dialog.local || from.address !== dialog.peer.address) {
      this.transport.send(responseTo(req, 481, 'Call/Transaction Does Not Exist'), from);
      return;
    }
    const t = this.transaction(req, from);
    if (!t) return;
    const offer = req.body ? parseAudioOffer(req.body) : null;
    if (typeof offer === 'string')
      return this.refuseInvite(req, from, t, responseTo(req, 488, 'Not Acceptable Here'));
    const mirror = { sendonly: 'recvonly', recvonly: 'sendonly', inactive: 'inactive', sendrecv: 'sendrecv' };
    dialog.sdpVersion += 1;
    const ok = responseTo(req, 200, 'OK', {
      extra: [
        ['contact', this.contact],
        ['content-type', 'application/sdp'],
      ],
      body: audioAnswer(
        dialog.local,
        dialog.sdpSession,
        dialog.sdpVersion,
        offer ? mirror[offer.direction] : 'sendrecv',
      ),
    });
    t.response = ok;
    this.finalInviteResponse(req, from, ok);
  }

  private async onAck(req: SipRequest, from: Peer): Promise<void> {
    const sipCallId = header(req, 'call-id') ?? '';
    const key = `${sipCallId} ${cseqOf(req).seq}`;
    const dialog = this.dialogs.get(sipCallId);
    if (dialog && from.address !== dialog.peer.address) return;
    this.awaitingAck.get(key)?.stop();
    this.awaitingAck.delete(key);
    if (dialog?.state === 'answered') dialog.state = 'confirmed';
  }

  private async onBye(req: SipRequest, from: Peer): Promise<void> {
    const dialog = this.dialogs.get(header(req, 'call-id') ?? '');
    if (!dialog || from.address !== dialog.peer.address || !this.fromRemote(dialog, req)) {
      this.transport.send(responseTo(req, 481, 'Call/Transaction Does Not Exist'), from);
      return;
    }
    this.transport.send(responseTo(req, 200, 'OK'), from);
    await this.endFromCaller(dialog);
  }

  /** Whether a request in the dialog comes from the caller's side (its From tag). */
  private fromRemote(dialog: Dialog, req: SipRequest): boolean {
    return param(header(req, 'from') ?? '', 'tag') === param(header(dialog.invite, 'from') ?? '', 'tag');
  }

  private async onCancel(req: SipRequest, from: Peer): Promise<void> {
    const dialog = this.dialogs.get(header(req, 'call-id') ?? '');
    const branch = (m: SipRequest) => param(header(m, 'via') ?? '', 'branch');
    if (!dialog || from.address !== dialog.peer.address || branch(req) !== branch(dialog.invite)) {
      this.transport.send(responseTo(req, 481, 'Call/Transaction Does Not Exist'), from);
      return;
    }
    this.transport.send(responseTo(req, 200, 'OK'), from);
    if (dialog.state !== 'answering') return;
    dialog.finalSent = true;
    this.finalInviteResponse(
      dialog.invite,
      dialog.peer,
      responseTo(dialog.invite, 487, 'Request Terminated', { toTag: dialog.localTag }),
    );
    await this.endFromCaller(dialog);
  }

  private async onOptions(req: SipRequest, from: Peer): Promise<void> {
    if (!this.invites.take(from.address)) return this.overLimit(req, from);
    const known = (await trunkFor(this.engine.db, from.address, null)) !== 'unknown-source';
    this.transport.send(
      known ? responseTo(req, 200, 'OK', { extra: [['allow', ALLOW]] }) : responseTo(req, 403, 'Forbidden'),
      from,
    );
  }

  // ── Ends of dialogs ────────────────────────────────────────────────────────────────────────────

  /** The caller hung up (BYE, CANCEL): the engine hears it as the simulator's caller hang-up. */
  private async endFromCaller(dialog: Dialog): Promise<void> {
    if (dialog.state === 'ended') return;
    dialog.state = 'ended';
    this.forget(dialog);
    if (dialog.call) await callerHungUp(this.engine, dialog.call.contactCenterId, dialog.call.callId);
  }

  /** The engine ended the caller's part (agent hang-up, transfer, voicemail done…): BYE to the caller. */
  private async endFromService(dialog: Dialog): Promise<void> {
    if (dialog.state === 'ended' || dialog.state === 'answering') {
      dialog.state = 'ended';
      return;
    }
    dialog.state = 'ended';
    const key = `${dialog.sipCallId} ${cseqOf(dialog.invite).seq}`;
    this.awaitingAck.get(key)?.stop();
    this.awaitingAck.delete(key);
    this.forget(dialog);
    this.sendBye(dialog);
    if (dialog.call) await callerHungUp(this.engine, dialog.call.contactCenterId, dialog.call.callId);
  }

  private sendBye(dialog: Dialog): void {
    const branch = `z9hG4bK${randomBytes(10).toString('hex')}`;
    const { port } = this.transport.local;
    const toHeader = header(dialog.invite, 'to') ?? '';
    const target = hostPortOf(dialog.remoteTarget);
    const to =
      target && /^\d{1,3}(\.\d{1,3}){3}$/.test(target.host)
        ? { address: target.host, port: target.port }
        : dialog.peer;
    dialog.localCseq += 1;
    const bye: SipRequest = {
      kind: 'request',
      method: 'BYE',
      uri: dialog.remoteTarget,
      headers: [
        [
          'via',
          `SIP/2.0/UDP ${this.options.advertisedHost ?? this.options.host}:${port};branch=${branch};rport`,
        ],
        ['max-forwards', '70'],
        ['from', param(toHeader, 'tag') ? toHeader : `${toHeader};tag=${dialog.localTag}`],
        ['to', header(dialog.invite, 'from') ?? ''],
        ['call-id', dialog.sipCallId],
        ['cseq', `${dialog.localCseq} BYE`],
      ],
      body: '',
    };
    const retransmission = this.transport.sendReliably(bye, to, () => this.clientRequests.delete(branch));
    this.clientRequests.set(branch, retransmission);
  }

  private forget(dialog: Dialog): void {
    // Kept a while to answer retransmitted BYEs and ACKs, then dropped.
    this.transport.later(TIMEOUT_MS, () => {
      if (this.dialogs.get(dialog.sipCallId) === dialog) this.dialogs.delete(dialog.sipCallId);
      if (dialog.call && this.byCall.get(dialog.call.callId) === dialog)
        this.byCall.delete(dialog.call.callId);
    });
  }

  private async onResponse(res: SipResponse): Promise<void> {
    if (res.status < 200) return;
    const branch = param(header(res, 'via') ?? '', 'branch') ?? '';
    this.clientRequests.get(branch)?.stop();
    this.clientRequests.delete(branch);
  }

  private onDomainEvents(batch: readonly DomainEvent[]): void {
    for (const e of batch) {
      if (e.type === 'ParticipantAdded' && e.state === 'dialing' && e.userId === null)
        void this.outbound
          .dial(e.contactCenterId, e.callId, e.participantId)
          .catch((err) => this.log('SIP outbound INVITE', err));
      if (e.type === 'ParticipantOffered')
        void this.phones
          .offered(e.contactCenterId, e.callId, e.participantId, e.userId)
          .catch((err) => this.log('SIP desk phone INVITE', err));
      if (e.type === 'SecondaryDeviceRinging')
        void this.phones
          .secondaryRinging(e.contactCenterId, e.callId, e.participantId, e.userId)
          .catch((err) => this.log('SIP secondary device INVITE', err));
      if (e.type === 'ParticipantConnected') this.phones.cancelRinging(e.participantId);
      if (e.type === 'OfferWithdrawn') this.phones.ended(e.participantId);
      if (e.type === 'ParticipantLeft') {
        this.outbound.ended(e.participantId);
        this.phones.ended(e.participantId);
      }
      if (e.type === 'CallEnded') {
        for (const p of this.outbound.participantsOf(e.callId)) this.outbound.ended(p);
        for (const p of this.phones.participantsOf(e.callId)) this.phones.ended(p);
      }
      if (e.type !== 'CallEnded' && e.type !== 'ParticipantLeft') continue;
      const dialog = this.byCall.get(e.callId);
      if (!dialog?.call || dialog.state === 'ended') continue;
      if (e.type === 'ParticipantLeft' && e.participantId !== dialog.call.callerParticipantId) continue;
      void this.endFromService(dialog).catch((err) => this.log('SIP BYE', err));
    }
  }

  async close(): Promise<void> {
    this.unsubscribe();
    this.outbound.close();
    this.phones.close();
    for (const r of [...this.awaitingAck.values(), ...this.clientRequests.values()]) r.stop();
    await this.transport.close();
  }
}
