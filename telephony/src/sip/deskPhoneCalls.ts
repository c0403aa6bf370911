/**
 * Calls rung on agents' SIP desk phones and secondary ring devices (docs/sip.md, "Ringing the desk
 * phone", "The secondary ring device"): an offer to a `DESK_PHONE` agent with a registered phone
 * becomes an INVITE to the phone's contact; the engine's `SecondaryDeviceRinging` (after the agent's
 * delay) an INVITE through the contact center's trunk to the agent's secondary number. Delayed offer:
 * the device's 200 carries its SDP, our answer rides the ACK. The first 200 → the agent's audio is a
 * plain RTP station of the media plane, the engine hears the desk phone's `answer`, and the other
 * branch is CANCELled; the desk phone's 486/603 → the agent declines; a BYE → the desk phone's
 * `hangup`; the engine ending the agent's part → CANCEL while ringing, BYE once answered.
 */
import { lookup } from 'node:dns/promises';
import { randomBytes } from 'node:crypto';
import { InvalidStateError, NotFoundError } from '../domain/errors.ts';
import type { Engine } from '../engine/index.ts';
import { declineCall } from '../engine/calls.ts';
import { deskPhone } from '../engine/network.ts';
import type { RtpAddress } from '../media/mediaEngine.ts';
import type { MediaPlane } from '../media/mediaPlane.ts';
import { cseqOf, header, responseTo, uriOf, type SipRequest, type SipResponse } from './message.ts';
import { bindingOf } from './phones.ts';
import { audioAnswer, parseAudioOffer } from './sdp.ts';
import type { Peer, Retransmission, SipTransport } from './transport.ts';

export interface DeskPhoneOptions {
  /** Via/Contact host. */
  localHost: string;
  mediaAddress?: string | undefined;
  log: (msg: string, err: unknown) => void;
}

type Branch = 'desk' | 'secondary';

interface PhoneDialog {
  branch: Branch;
  sipCallId: string;
  ccId: string;
  callId: string;
  /** The agent's participant (its offered leg). */
  participantId: string;
  userId: string;
  peer: Peer;
  invite: SipRequest;
  state: 'calling' | 'ringing' | 'answering' | 'answered' | 'ended';
  retransmission: Retransmission | null;
  remoteTo: string | null;
  remoteTarget: string | null;
  ack: SipRequest | null;
  stationId: string | null;
  /** Our RTP address in the SDP answer (re-INVITEs are answered with it). */
  local: RtpAddress | null;
  sdpSession: string;
  sdpVersion: number;
  /** The phone holds the call (its last offer was `sendonly` or `inactive`). */
  held: boolean;
  /** The 200 to the phone's re-INVITE, resent until its ACK. */
  reInviteOk: Retransmission | null;
  cseq: number;
}

/** Engine refusals that only mean the call moved on meanwhile (the offer expired, the caller left). */
function ignoreMovedOn(err: unknown): void {
  if (!(err instanceof InvalidStateError || err instanceof NotFoundError)) throw err;
}

export class DeskPhoneCalls {
  private readonly dialogs = new Map<string, PhoneDialog>();
  /** The ringing or answered branches of each offered agent participant. */
  private readonly byParticipant = new Map<string, PhoneDialog[]>();
  private readonly byes = new Map<string, Retransmission>();

  constructor(
    private readonly engine: Engine,
    private readonly plane: MediaPlane,
    private readonly transport: SipTransport,
    private readonly options: DeskPhoneOptions,
  ) {}

  owns(sipCallId: string): boolean {
    return this.dialogs.has(sipCallId);
  }

  get active(): number {
    return [...this.dialogs.values()].filter((d) => d.state !== 'ended').length;
  }

  private via(): string {
    const branch = `z9hG4bK${randomBytes(10).toString('hex')}`;
    return `SIP/2.0/UDP ${this.options.localHost}:${this.transport.local.port};branch=${branch};rport`;
  }

  /** The agent `userId` is offered the call: INVITE to the agent's registered desk phone, if any. */
  async offered(ccId: string, callId: string, participantId: string, userId: string): Promise<void> {
    if (this.branchOf(participantId, 'desk')) return;
    const db = this.engine.db;
    const user = await db
      .selectFrom('users')
      .select(['phone_type'])
      .where('id', '=', userId)
      .executeTakeFirst();
    if (user?.phone_type !== 'DESK_PHONE') return;
    const binding = await bindingOf(db, userId, this.engine.clock.now());
    if (!binding) return;
    this.ring(
      'desk',
      { ccId, callId, participantId, userId },
      binding.contact_uri,
      { address: binding.source_address, port: binding.source_port },
      await this.callerOf(callId),
    );
  }

  /** The agent's secondary device rings (after the delay): INVITE to its number through the trunk. */
  async secondaryRinging(ccId: string, callId: string, participantId: string, userId: string): Promise<void> {
    if (this.branchOf(participantId, 'secondary')) return;
    const db = this.engine.db;
    const user = await db
      .selectFrom('users')
      .select('secondary_number')
      .where('id', '=', userId)
      .executeTakeFirst();
    const trunk = await db
      .selectFrom('sip_trunks')
      .select(['host', 'port'])
      .where('contact_center_id', '=', ccId)
      .orderBy('name')
      .orderBy('id')
      .executeTakeFirst();
    if (!user?.secondary_number || !trunk) return;
    const address = /^\d{1,3}(\.\d{1,3}){3}$/.test(trunk.host)
      ? trunk.host
      : (await lookup(trunk.host, { family: 4 })).address;
    this.ring(
      'secondary',
      { ccId, callId, participantId, userId },
      `sip:${user.secondary_number}@${trunk.host}:${trunk.port}`,
      { address, port: Number(trunk.port) },
      await this.callerOf(callId),
    );
  }

  private async callerOf(callId: string): Promise<string> {
    const call = await this.engine.db
      .selectFrom('calls')
      .select('from_number')
      .where('id', '=', callId)
      .executeTakeFirst();
    return /^\+?[0-9A-Za-z._-]{1,32}$/.test(call?.from_number ?? '') ? call!.from_number : 'anonymous';
  }

  private branchOf(participantId: string, branch: Branch): PhoneDialog | undefined {
    return this.byParticipant.get(participantId)?.find((d) => d.branch === branch);
  }

  private ring(
    branch: Branch,
    offer: { ccId: string; callId: string; participantId: string; userId: string },
    target: string,
    peer: Peer,
    caller: string,
  ): void {
    if (this.branchOf(offer.participantId, branch)) return;
    const sipCallId = `${randomBytes(12).toString('hex')}@switchboard`;
    const invite: SipRequest = {
      kind: 'request',
      method: 'INVITE',
      uri: target,
      headers: [
        ['via', this.via()],
        ['max-forwards', '70'],
        ['from', `<sip:${caller}@${this.options.localHost}>;tag=${randomBytes(8).toString('hex')}`],
        ['to', `<${target}>`],
        ['call-id', sipCallId],
        ['cseq', '1 INVITE'],
        ['contact', `<sip:switchboard@${this.options.localHost}:${this.transport.local.port}>`],
        ['allow', 'INVITE, ACK, BYE, CANCEL, OPTIONS'],
      ],
      body: '',
    };
    const dialog: PhoneDialog = {
      branch,
      sipCallId,
      ...offer,
      peer,
      invite,
      state: 'calling',
      retransmission: null,
      remoteTo: null,
      remoteTarget: null,
      ack: null,
      stationId: null,
      local: null,
      sdpSession: String(Date.now()),
      sdpVersion: 1,
      held: false,
      reInviteOk: null,
      cseq: 1,
    };
    this.dialogs.set(sipCallId, dialog);
    this.byParticipant.set(offer.participantId, [
      ...(this.byParticipant.get(offer.participantId) ?? []),
      dialog,
    ]);
    // No answer at all: the engine's offer timeout ends the offer, which CANCELs (ended()).
    dialog.retransmission = this.transport.sendReliably(invite, dialog.peer);
  }

  async onResponse(res: SipResponse): Promise<void> {
    const dialog = this.dialogs.get(header(res, 'call-id') ?? '');
    if (!dialog) return;
    const { method } = cseqOf(res);
    if (method === 'BYE' && res.status >= 200) {
      this.byes.get(dialog.sipCallId)?.stop();
      this.byes.delete(dialog.sipCallId);
      return;
    }
    if (method !== 'INVITE') return;
    dialog.retransmission?.stop();
    if (res.status < 200) {
      if (dialog.state === 'calling' && res.status >= 180) dialog.state = 'ringing';
      return;
    }
    if (res.status >= 300) return this.onDeclined(dialog, res);
    if (dialog.ack) {
      this.transport.send(dialog.ack, dialog.peer);
      return;
    }
    return this.onAnswered(dialog, res);
  }

  /**
   * 486, 603, 487 (our CANCEL)…: ACKed. The desk phone's refusal is the agent's decline (unless the
   * engine ended the offer already); the secondary device's only ends its branch.
   */
  private async onDeclined(dialog: PhoneDialog, res: SipResponse): Promise<void> {
    this.transport.send(
      {
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
      },
      dialog.peer,
    );
    if (dialog.state === 'ended') return;
    this.finish(dialog);
    if (dialog.branch === 'secondary') return;
    await this.engine
      .command(dialog.ccId, (tx) => declineCall(tx, dialog.userId, dialog.callId))
      .catch(ignoreMovedOn);
  }

  private async onAnswered(dialog: PhoneDialog, res: SipResponse): Promise<void> {
    const wasEnded = dialog.state === 'ended';
    dialog.remoteTo = header(res, 'to') ?? null;
    dialog.remoteTarget = uriOf(header(res, 'contact') ?? dialog.invite.uri);
    const type = (header(res, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    const offer = type === 'application/sdp' ? parseAudioOffer(res.body) : 'no SDP offer in the 200';
    let body = '';
    if (!wasEnded && typeof offer !== 'string') {
      dialog.state = 'answering';
      try {
        const station = await this.plane.openRtpStation(
          { id: dialog.userId, contactCenterId: dialog.ccId },
          offer.rtp,
        );
        dialog.stationId = station.stationId;
        dialog.local = { address: this.options.mediaAddress ?? station.rtp.address, port: station.rtp.port };
        body = audioAnswer(dialog.local, dialog.sdpSession, dialog.sdpVersion);
      } catch (err) {
        this.options.log('SIP desk phone media', err);
      }
    }
    dialog.ack = {
      kind: 'request',
      method: 'ACK',
      uri: dialog.remoteTarget,
      headers: [
        ['via', this.via()],
        ['max-forwards', '70'],
        ['from', header(dialog.invite, 'from')!],
        ['to', dialog.remoteTo ?? header(dialog.invite, 'to')!],
        ['call-id', dialog.sipCallId],
        ['cseq', '1 ACK'],
        ...(body ? ([['content-type', 'application/sdp']] as Array<[string, string]>) : []),
      ],
      body,
    };
    this.transport.send(dialog.ack, dialog.peer);
    if (wasEnded || !body || (dialog.state as PhoneDialog['state']) === 'ended') {
      // Answered after the offer ended, or with media we cannot take: hung up at once.
      this.sendBye(dialog);
      this.finish(dialog);
      return;
    }
    dialog.state = 'answered';
    // The first 200 takes the call: the other branch stops ringing.
    this.cancelRinging(dialog.participantId);
    await this.engine
      .command(dialog.ccId, (tx) => deskPhone(tx, dialog.userId, 'answer', dialog.callId))
      .catch((err) => {
        ignoreMovedOn(err);
        this.sendBye(dialog);
        this.finish(dialog);
      });
  }

  private sendBye(dialog: PhoneDialog): void {
    dialog.cseq += 1;
    const bye: SipRequest = {
      kind: 'request',
      method: 'BYE',
      uri: dialog.remoteTarget ?? dialog.invite.uri,
      headers: [
        ['via', this.via()],
        ['max-forwards', '70'],
        ['from', header(dialog.invite, 'from')!],
        ['to', dialog.remoteTo ?? header(dialog.invite, 'to')!],
        ['call-id', dialog.sipCallId],
        ['cseq', `${dialog.cseq} BYE`],
      ],
      body: '',
    };
    const r = this.transport.sendReliably(bye, dialog.peer);
    this.transport.later(32_000, () => r.stop());
    this.byes.set(dialog.sipCallId, r);
  }

  private cancel(dialog: PhoneDialog): void {
    this.transport.send(
      {
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
      },
      dialog.peer,
    );
  }

  private finish(dialog: PhoneDialog): void {
    dialog.state = 'ended';
    dialog.retransmission?.stop();
    dialog.reInviteOk?.stop();
    const rest = (this.byParticipant.get(dialog.participantId) ?? []).filter((d) => d !== dialog);
    if (rest.length > 0) this.byParticipant.set(dialog.participantId, rest);
    else this.byParticipant.delete(dialog.participantId);
    if (dialog.stationId) {
      const stationId = dialog.stationId;
      dialog.stationId = null;
      void this.plane
        .closeStation(dialog.userId, stationId)
        .catch((err) => this.options.log('SIP desk phone station', err));
    }
    this.transport.later(32_000, () => this.dialogs.delete(dialog.sipCallId));
  }

  /** A request in a phone's dialog: its BYE (the agent hangs up on the phone), ACKs. */
  async onRequest(req: SipRequest, from: Peer): Promise<void> {
    const dialog = this.dialogs.get(header(req, 'call-id') ?? '');
    if (!dialog || from.address !== dialog.peer.address) {
      if (req.method !== 'ACK')
        this.transport.send(responseTo(req, 481, 'Call/Transaction Does Not Exist'), from);
      return;
    }
    if (req.method === 'ACK') {
      dialog.reInviteOk?.stop();
      dialog.reInviteOk = null;
      return;
    }
    if (req.method === 'INVITE') return this.onReInvite(dialog, req, from);
    if (req.method !== 'BYE') {
      this.transport.send(responseTo(req, 501, 'Not Implemented'), from);
      return;
    }
    this.transport.send(responseTo(req, 200, 'OK'), from);
    if (dialog.state !== 'answered') return;
    this.finish(dialog);
    await this.engine
      .command(dialog.ccId, (tx) => deskPhone(tx, dialog.userId, 'hangup', dialog.callId))
      .catch(ignoreMovedOn);
  }

  /**
   * The phone's re-INVITE: `sendonly`/`inactive` is the desk phone's hold, back to `sendrecv` its
   * resume (of the customer, as the simulator's desk phone). Answered with our same RTP address.
   */
  private async onReInvite(dialog: PhoneDialog, req: SipRequest, from: Peer): Promise<void> {
    if (dialog.state !== 'answered' || !dialog.local) {
      this.transport.send(responseTo(req, 491, 'Request Pending'), from);
      return;
    }
    const offer = req.body ? parseAudioOffer(req.body) : null;
    if (typeof offer === 'string') {
      this.transport.send(responseTo(req, 488, 'Not Acceptable Here'), from);
      return;
    }
    const direction = offer?.direction ?? 'sendrecv';
    const mirror = { sendonly: 'recvonly', recvonly: 'sendonly', inactive: 'inactive', sendrecv: 'sendrecv' };
    dialog.sdpVersion += 1;
    dialog.reInviteOk?.stop();
    dialog.reInviteOk = this.transport.sendReliably(
      responseTo(req, 200, 'OK', {
        extra: [
          ['contact', `<sip:switchboard@${this.options.localHost}:${this.transport.local.port}>`],
          ['content-type', 'application/sdp'],
        ],
        body: audioAnswer(dialog.local, dialog.sdpSession, dialog.sdpVersion, mirror[direction]),
      }),
      from,
    );
    const held = direction === 'sendonly' || direction === 'inactive';
    if (held === dialog.held) return;
    dialog.held = held;
    await this.engine
      .command(dialog.ccId, (tx) => deskPhone(tx, dialog.userId, held ? 'hold' : 'resume', dialog.callId))
      .catch(ignoreMovedOn);
  }

  /** The engine ended the agent's part (hang-up elsewhere, caller gone, offer expired): CANCEL or BYE. */
  ended(participantId: string): void {
    for (const dialog of [...(this.byParticipant.get(participantId) ?? [])]) {
      if (dialog.state === 'ended') continue;
      if (dialog.state === 'calling' || dialog.state === 'ringing') this.cancel(dialog);
      if (dialog.state === 'answered') this.sendBye(dialog);
      this.finish(dialog);
    }
  }

  /** The agent took the call (on one device, or the soft phone): the branches still ringing are CANCELled. */
  cancelRinging(participantId: string): void {
    for (const dialog of [...(this.byParticipant.get(participantId) ?? [])])
      if (dialog.state === 'calling' || dialog.state === 'ringing') {
        this.cancel(dialog);
        this.finish(dialog);
      }
  }

  /** Agent participants of `callId` with a phone dialog. */
  participantsOf(callId: string): string[] {
    return [...this.byParticipant.entries()]
      .filter(([, dialogs]) => dialogs.some((d) => d.callId === callId))
      .map(([participantId]) => participantId);
  }

  close(): void {
    for (const d of this.dialogs.values()) {
      d.retransmission?.stop();
      d.reInviteOk?.stop();
    }
    for (const r of this.byes.values()) r.stop();
  }
}
