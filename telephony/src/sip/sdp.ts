/**
 * The SDP of a SIP call (RFC 4566/3264): the caller's audio address and whether it offers PCMU, and
 * our answer (PCMU/8000 as payload type 0, RFC 4733 `telephone-event/8000` as 101, 20 ms frames).
 */
import type { RtpAddress } from '../media/mediaEngine.ts';

export interface AudioOffer {
  rtp: RtpAddress;
  /** The direction asked (`sendrecv` unless the offer says otherwise; a re-INVITE's hold). */
  direction: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
}

/** The audio of an offer; a string saying what is wrong when it cannot be answered. */
export function parseAudioOffer(sdp: string): AudioOffer | string {
  const lines = sdp.split(/\r?\n/).map((l) => l.trim());
  const mIndex = lines.findIndex((l) => l.startsWith('m=audio '));
  if (mIndex < 0) return 'no audio stream';
  const media = /^m=audio (\d+) RTP\/AVP((?: \d+)+)$/.exec(lines[mIndex]!);
  if (!media) return 'the audio stream is not RTP/AVP';
  const formats = media[2]!.trim().split(' ');
  if (!formats.includes('0')) return 'PCMU (payload type 0) is not offered';
  const next = lines.findIndex((l, i) => i > mIndex && l.startsWith('m='));
  const section = lines.slice(mIndex, next < 0 ? undefined : next);
  const session = lines.slice(0, mIndex);
  const conn = [...section, ...session].find((l) => l.startsWith('c='));
  const address = /^c=IN IP4 (\d{1,3}(?:\.\d{1,3}){3})/.exec(conn ?? '')?.[1];
  if (!address) return 'no IPv4 connection address';
  const port = Number(media[1]);
  if (port < 1 || port > 65535) return 'bad audio port';
  const dir = [...section, ...session].find((l) => /^a=(sendrecv|sendonly|recvonly|inactive)$/.test(l));
  return {
    rtp: { address, port },
    direction: (dir?.slice(2) as AudioOffer['direction'] | undefined) ?? 'sendrecv',
  };
}

/** Our answer: our RTP address, PCMU and telephone-event. */
export function audioAnswer(
  local: RtpAddress,
  sessionId: string,
  version: number,
  direction = 'sendrecv',
): string {
  return [
    'v=0',
    `o=switchboard ${sessionId} ${version} IN IP4 ${local.address}`,
    's=switchboard',
    `c=IN IP4 ${local.address}`,
    't=0 0',
    `m=audio ${local.port} RTP/AVP 0 101`,
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:101 telephone-event/8000',
    'a=fmtp:101 0-15',
    'a=ptime:20',
    `a=${direction}`,
    '',
  ].join('\r\n');
}
