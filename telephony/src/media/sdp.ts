/** Checks a browser's SDP offer before it reaches WebRTC: the errors a client can act on. */
import { MediaError } from './mediaEngine.ts';

const MAX_SDP_BYTES = 64 * 1024;

/**
 * A complete offer (non-trickle) with an audio section that offers PCMU and carries ICE credentials,
 * a DTLS fingerprint and at least one candidate; otherwise INVALID_SDP saying what is missing.
 */
export function checkOffer(sdp: string): void {
  const fail = (why: string): never => {
    throw new MediaError('INVALID_SDP', `invalid SDP offer: ${why}`);
  };
  if (typeof sdp !== 'string' || sdp.length === 0) fail('empty');
  if (sdp.length > MAX_SDP_BYTES) fail('too large');
  const lines = sdp.split(/\r?\n/).filter((l) => l.length > 0);
  if (lines[0] !== 'v=0') fail('it does not start with v=0');
  if (lines.some((l) => !/^[a-z]=/.test(l))) fail('a line is not of the form x=value');
  const audio = lines.findIndex((l) => l.startsWith('m=audio '));
  if (audio < 0) fail('no audio section (m=audio)');
  const m = (lines[audio] as string).split(' ');
  if (m.length < 4 || !/^\d+$/.test(m[1] as string)) fail('malformed m=audio line');
  const payloads = m.slice(3);
  const next = lines.findIndex((l, i) => i > audio && l.startsWith('m='));
  const section = lines.slice(audio, next < 0 ? undefined : next);
  const all = [...lines.slice(0, audio), ...section];
  const pcmu = payloads.includes('0') || section.some((l) => /^a=rtpmap:\d+ PCMU\/8000/i.test(l));
  if (!pcmu) fail('PCMU/8000 is not offered');
  if (!all.some((l) => l.startsWith('a=ice-ufrag:')) || !all.some((l) => l.startsWith('a=ice-pwd:')))
    fail('no ICE credentials');
  if (!all.some((l) => l.startsWith('a=fingerprint:'))) fail('no DTLS fingerprint');
  if (!section.some((l) => l.startsWith('a=candidate:')))
    fail('no ICE candidate (gather them all before sending the offer)');
}
