/**
 * Outbound calls through a trunk (docs/sip.md, "Outbound"): a phone-network party the engine dials
 * (an agent's `dial`, a consult or transfer to a number, the progressive dialer) becomes an INVITE to
 * the contact center's trunk, with a delayed offer (no SDP: the carrier's 200 carries the offer, our
 * answer rides the ACK). 2xx → answered; 486/600 → busy, 408/480/no answer → no_answer, anything
 * else → unavailable (`dialFailed`); the carrier's BYE → the party hangs up; the engine ending the
 * party → CANCEL or BYE.
 */
import { lookup } from 'node:dns/promises';
import { randomBytes } from 'node:crypto';
import { InvalidStateError, NotFoundError } from '../domain/errors.ts';
import type { Engine } from '../engine/index.ts';
import * as network from '../engine/network.ts';
import type { MediaPlane } from '../media/mediaPlane.ts';
import {
  cseqOf,
  header,
  hostPortOf,
  responseTo,
  uriOf,
  type SipRequest,
  type SipResponse,
} from './message.ts';
import { audioAnswer, parseAudioOffer } from './sdp.ts';
import type { Peer, Retransmission, SipTransport } from './transport.ts';

export interface OutboundOptions {
  /** The ring time before CANCEL (no answer). */
  noAnswerMs: number;
  /** Via/Contact host. */
  localHost: string;
  mediaAddress?: string | undefined;
  log: (msg: string, err: unknown) => void;
}

interface OutDialog {
  sipCallId: string;
  ccId: string;
  callId: string;
  participantId: string;
  role: string;
  peer: Peer;
  invite: SipRequest;
  localTag: string;
  state: 'calling' | 'ringing' | 'answering' | 'answered' | 'ended';
  retransmission: Retransmission | null;
  noAnswer: NodeJS.Timeout | null;
  /** Why we stopped it ourselves (CANCEL): the failure the 487 stands for, or null (the engine ended it). */
  cancelled: network.DialFailure | null;
  /** The 2xx's To (with the carrier's tag) and Contact once answered. */
  remoteTo: string | null;
  remoteTarget: string | null;
  ack: SipRequest | null;
  cseq: number;
}

const failureOf = (status: number): network.DialFailure =>
  status === 486 || status === 600 ? 'busy' : status === 408 || status === 480 ? 'no_answer' : 'unavailable';

export class OutboundCalls {
  private readonly dialogs = new Map<string, OutDialog>();
  private readonly byParticipant = new Map<string, OutDialog>();

  constructor(
    private readonly engine: Engine,
    private readonly plane: MediaPlane,
    private readonly transport: SipTransport,
    private readonly options: OutboundOptions,
  ) {}

  owns(sipCallId: string): boolean {
    return this.dialogs.has(sipCallId);
  }

  get active(): number {
    return [...this.dialogs.values()].filter((d) => d.state !== 'ended').length;
  }

  private via(branch: string): string {
    const { port } = this.transport.local;
    return `SIP/2.0/UDP ${this.options.localHost}:${port};branch=${branch};rport`;
  }

  private contact(): string {
    return `<sip:switchboard@${this.options.localHost}:${this.transport.local.port}>`;
  }

  /** A party of `callId` is being dialed: INVITE through the contact center's trunk, if it has one. */
  async dial(ccId: string, callId: string, participantId: string): Promise<void> {
    if (this.byParticipant.has(participantId)) return;
    const db = this.engine.db;
    const trunk = await db
      .selectFrom('sip_trunks')
      .select(['host', 'port'])
      .where('contact_center_id', '=', ccId)
      .orderBy('name')
      .orderBy('id')
      .executeTakeFirst();
    if (!trunk) return;
    const p = await db
      .selectFrom('participants')
      .innerJoin('calls', 'calls.id', 'participants.call_id')
      .select(['participants.phone_number', 'participants.role', 'participants.state', 'calls.from_number'])
      .where('participants.id', '=', participantId)
      .executeTakeFirst();
    if (!p || p.state !== 'dialing' || !p.phone_number) return;
    const address = /^\d{1,3}(\.\d{1,3}){3}$/.test(trunk.host)
      ? trunk.host
      : (await lookup(trunk.host, { family: 4 })).address;
    const peer = { address, port: Number(trunk.port) };
    const sipCallId = `${randomBytes(12).toString('hex')}@switchboard`;
    const localTag = randomBytes(8).toString('hex');
    const target = `sip:${p.phone_number}@${trunk.host}:${trunk.port}`;
    const caller = p.from_number || 'anonymous';
    const invite: SipRequest = {
      kind: 'request',
      method: 'INVITE',
      uri: target,
      headers: [
        ['via', this.via(`z9hG4bK${randomBytes(10).toString('hex')}`)],
        ['max-forwards', '70'],
        ['from', `<sip:${caller}@${this.options.localHost}>;tag=${localTag}`],
        ['to', `<${target}>`],
        ['call-id', sipCallId],
        ['cseq', '1 INVITE'],
        ['contact', this.contact()],
        ['allow', 'INVITE, ACK, BYE, CANCEL, OPTIONS'],
      ],
      body: '',
    };
    const dialog: OutDialog = {
      sipCallId,
      ccId,
      callId,
      participantId,
      role: p.role,
      peer,
      invite,
      localTag,
      state: 'calling',
      retransmission: null,
      noAnswer: null,
      cancelled: null,
      remoteTo: null,
      remoteTarget: null,
      ack: null,
      cseq: 1,
    };
    this.dialogs.set(sipCallId, dialog);
    this.byParticipant.set(participantId, dialog);
    dialog.retransmission = this.transport.sendReliably(invite, peer, () => {
      if (dialog.state === 'calling') void this.fail(dialog, 'no_answer');
    });
    dialog.noAnswer = setTimeout(() => this.cancel(dialog, 'no_answer'), this.options.noAnswerMs);
  }

  private cancel(dialog: OutDialog, why: network.DialFailure | null): void {
    if (dialog.state !== 'calling' && dialog.state !== 'ringing') return;
    dialog.cancelled = why;
    const cancel: SipRequest = {
      kind: 'request',
      method: 'CANCEL',
      uri: dialog.invite.uri,
      headers: [
        ['via', header(dialog.invite, 'via')!],
        ['max-forwards', '70'],
        ['from', header(dialog.invite, 'from')!],
        ['to', header(dialog.invite, 'to')!],
        ['call-id', dialog.sipCallId],
        ['cseq', '1 CANCEL'],
      ],
      body: '',
    };
    this.transport.send(cancel, dialog.peer);
  }

  private clearTimers(dialog: OutDialog): void {
    dialog.retransmission?.stop();
    if (dialog.noAnswer) clearTimeout(dialog.noAnswer);
    dialog.noAnswer = null;
  }

  private finish(dialog: OutDialog): void {
    dialog.state = 'ended';
    this.clearTimers(dialog);
    this.byParticipant.delete(dialog.participantId);
    this.transport.later(32_000, () => this.dialogs.delete(dialog.sipCallId));
  }

  async onResponse(res: SipResponse): Promise<void> {
    const dialog = this.dialogs.get(header(res, 'call-id') ?? '');
    if (!dialog) return;
    const { method } = cseqOf(res);
    if (method === 'BYE' && res.status >= 200) return this.onByeResponse(dialog.sipCallId);
    if (method !== 'INVITE') return;
    dialog.retransmission?.stop();
    if (res.status < 200) {
      if (dialog.state === 'calling' && res.status >= 180) dialog.state = 'ringing';
      return;
    }
    if (res.status >= 300) return this.onFailure(dialog, res);
    if (dialog.ack) {
      // A retransmitted 200: our ACK was lost.
      this.transport.send(dialog.ack, dialog.peer);
      return;
    }
    return this.onAnswered(dialog, res);
  }

  private async onFailure(dialog: OutDialog, res: SipResponse): Promise<void> {
    const ack: SipRequest = {
      kind: 'request',
      method: 'ACK',
      uri: dialog.invite.uri,
      headers: [
        ['via', header(dialog.invite, 'via')!],
        ['max-forwards', '70'],
        ['from', header(dialog.invite, 'from')!],
        ['to', header(res, 'to') ?? header(dialog.invite, 'to')!],
        ['call-id', dialog.sipCallId],
        ['cseq', '1 ACK'],
      ],
      body: '',
    };
    this.transport.send(ack, dialog.peer);
    if (dialog.state === 'ended') return;
    const why = res.status === 487 ? dialog.cancelled : failureOf(res.status);
    if (res.status === 487 && dialog.cancelled === null) {
      this.finish(dialog);
      return;
    }
    await this.fail(dialog, why ?? 'unavailable');
  }

  private async fail(dialog: OutDialog, why: network.DialFailure): Promise<void> {
    this.finish(dialog);
    await this.engine
      .command(dialog.ccId, (tx) => network.dialFailed(tx, dialog.callId, dialog.participantId, why))
      .catch((err) => {
        if (!(err instanceof InvalidStateError || err instanceof NotFoundError)) throw err;
      });
  }

  private async onAnswered(dialog: OutDialog, res: SipResponse): Promise<void> {
    const wasEnded = dialog.state === 'ended';
    dialog.remoteTo = header(res, 'to') ?? null;
    dialog.remoteTarget = uriOf(header(res, 'contact') ?? dialog.invite.uri);
    const type = (header(res, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    const offer = type === 'application/sdp' ? parseAudioOffer(res.body) : 'no SDP offer in the 200';
    let body = '';
    if (!wasEnded && typeof offer !== 'string') {
      dialog.state = 'answering';
      try {
        const answer = await this.plane.openNetworkMedia(dialog.callId, dialog.participantId, {
          rtp: offer.rtp,
        });
        if ('rtp' in answer)
          body = audioAnswer(
            { address: this.options.mediaAddress ?? answer.rtp.address, port: answer.rtp.port },
            String(Date.now()),
            1,
          );
      } catch (err) {
        this.options.log('SIP outbound media', err);
      }
    }
    dialog.ack = {
      kind: 'request',
      method: 'ACK',
      uri: dialog.remoteTarget,
      headers: [
        ['via', this.via(`z9hG4bK${randomBytes(10).toString('hex')}`)],
        ['max-forwards', '70'],
        ['from', header(dialog.invite, 'from')!],
        ['to', dialog.remoteTo ?? header(dialog.invite, 'to')!],
        ['call-id', dialog.sipCallId],
        ['cseq', '1 ACK'],
        ...(body ? ([['content-type', 'application/sdp']] as Array<[string, string]>) : []),
      ],
      body,
    };
    this.transport.send(dialog.ack, this.targetPeer(dialog));
    if (wasEnded || !body || (dialog.state as OutDialog['state']) === 'ended') {
      // Answered after the engine gave up on it, or with media we cannot take: hung up at once.
      this.sendBye(dialog);
      this.finish(dialog);
      if (!wasEnded) await this.fail(dialog, 'unavailable');
      return;
    }
    dialog.state = 'answered';
    this.clearTimers(dialog);
    await this.engine
      .command(dialog.ccId, (tx) =>
        dialog.role === 'third_party'
          ? network.thirdPartyAnswers(tx, dialog.callId, dialog.participantId)
          : network.customerAnswers(tx, dialog.callId),
      )
      .catch((err) => {
        if (!(err instanceof InvalidStateError || err instanceof NotFoundError)) throw err;
        this.sendBye(dialog);
        this.finish(dialog);
      });
  }

  private targetPeer(dialog: OutDialog): Peer {
    const t = dialog.remoteTarget ? hostPortOf(dialog.remoteTarget) : undefined;
    return t && /^\d{1,3}(\.\d{1,3}){3}$/.test(t.host) ? { address: t.host, port: t.port } : dialog.peer;
  }

  private sendBye(dialog: OutDialog): void {
    dialog.cseq += 1;
    const bye: SipRequest = {
      kind: 'request',
      method: 'BYE',
      uri: dialog.remoteTarget ?? dialog.invite.uri,
      headers: [
        ['via', this.via(`z9hG4bK${randomBytes(10).toString('hex')}`)],
        ['max-forwards', '70'],
        ['from', header(dialog.invite, 'from')!],
        ['to', dialog.remoteTo ?? header(dialog.invite, 'to')!],
        ['call-id', dialog.sipCallId],
        ['cseq', `${dialog.cseq} BYE`],
      ],
      body: '',
    };
    const r = this.transport.sendReliably(bye, this.targetPeer(dialog));
    this.transport.later(32_000, () => r.stop());
    this.byeRetransmissions.set(dialog.sipCallId, r);
  }

  private readonly byeRetransmissions = new Map<string, Retransmission>();

  private onByeResponse(sipCallId: string): void {
    this.byeRetransmissions.get(sipCallId)?.stop();
    this.byeRetransmissions.delete(sipCallId);
  }

  /** A request in one of our dialogs (the carrier's BYE, a re-INVITE, a retransmitted 200's ACK…). */
  async onRequest(req: SipRequest, from: Peer): Promise<void> {
    const dialog = this.dialogs.get(header(req, 'call-id') ?? '');
    if (!dialog || from.address !== dialog.peer.address) {
      if (req.method !== 'ACK')
        this.transport.send(responseTo(req, 481, 'Call/Transaction Does Not Exist'), from);
      return;
    }
    if (req.method === 'ACK') return;
    if (req.method !== 'BYE') {
      this.transport.send(responseTo(req, 501, 'Not Implemented'), from);
      return;
    }
    this.transport.send(responseTo(req, 200, 'OK'), from);
    if (dialog.state !== 'answered') return;
    this.finish(dialog);
    await this.engine
      .command(dialog.ccId, (tx) =>
        dialog.role === 'third_party'
          ? network.thirdPartyHangsUp(tx, dialog.callId, dialog.participantId)
          : network.callerHangup(tx, dialog.callId),
      )
      .catch((err) => {
        if (!(err instanceof InvalidStateError || err instanceof NotFoundError)) throw err;
      });
  }

  /** The engine ended the party (the agent hung up, the call ended): CANCEL while ringing, else BYE. */
  ended(participantId: string): void {
    const dialog = this.byParticipant.get(participantId);
    if (!dialog || dialog.state === 'ended') return;
    if (dialog.state === 'calling' || dialog.state === 'ringing') this.cancel(dialog, null);
    if (dialog.state === 'answered') this.sendBye(dialog);
    this.finish(dialog);
  }

  /** Participants of `callId` with an outbound dialog. */
  participantsOf(callId: string): string[] {
    return [...this.byParticipant.values()].filter((d) => d.callId === callId).map((d) => d.participantId);
  }

  close(): void {
    for (const d of this.dialogs.values()) this.clearTimers(d);
    for (const r of this.byeRetransmissions.values()) r.stop();
  }
}
