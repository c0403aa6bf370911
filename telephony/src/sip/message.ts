/**
 * SIP messages (RFC 3261 §7): parsed from and serialized to UDP datagrams. Header names are kept
 * lower-case (compact forms expanded); a message without `Content-Length` or with a body of another
 * length is refused (UDP: one message per datagram).
 */

export const MAX_MESSAGE_BYTES = 64 * 1024;

export interface SipRequest {
  kind: 'request';
  method: string;
  uri: string;
  headers: Array<[string, string]>;
  body: string;
}

export interface SipResponse {
  kind: 'response';
  status: number;
  reason: string;
  headers: Array<[string, string]>;
  body: string;
}

export type SipMessage = SipRequest | SipResponse;

const COMPACT: Record<string, string> = {
  v: 'via',
  f: 'from',
  t: 'to',
  i: 'call-id',
  m: 'contact',
  l: 'content-length',
  c: 'content-type',
  k: 'supported',
  s: 'subject',
  e: 'content-encoding',
};

const CANONICAL: Record<string, string> = {
  via: 'Via',
  from: 'From',
  to: 'To',
  'call-id': 'Call-ID',
  cseq: 'CSeq',
  contact: 'Contact',
  'content-length': 'Content-Length',
  'content-type': 'Content-Type',
  'max-forwards': 'Max-Forwards',
  'www-authenticate': 'WWW-Authenticate',
  'retry-after': 'Retry-After',
  'user-agent': 'User-Agent',
  allow: 'Allow',
  server: 'Server',
};

export class SipParseError extends Error {
  override name = 'SipParseError';
}

/** One datagram as a SIP message; throws `SipParseError` on anything malformed. */
export function parseMessage(data: Buffer): SipMessage {
  if (data.length > MAX_MESSAGE_BYTES) throw new SipParseError('message too large');
  const text = data.toString('utf8');
  const split = text.indexOf('\r\n\r\n');
  if (split < 0) throw new SipParseError('no end of headers');
  const lines = text.slice(0, split).split('\r\n');
  const body = text.slice(split + 4);
  const start = lines.shift() ?? '';
  const headers: Array<[string, string]> = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line) && headers.length > 0) {
      headers[headers.length - 1]![1] += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw new SipParseError(`bad header line`);
    const raw = line.slice(0, colon).trim().toLowerCase();
    headers.push([COMPACT[raw] ?? raw, line.slice(colon + 1).trim()]);
  }
  const length = headers.find(([n]) => n === 'content-length')?.[1];
  if (length === undefined || !/^\d+$/.test(length)) throw new SipParseError('no Content-Length');
  if (Buffer.byteLength(body) !== Number(length)) throw new SipParseError('body length differs');
  for (const name of ['via', 'from', 'to', 'call-id', 'cseq'])
    if (!headers.some(([n]) => n === name)) throw new SipParseError(`no ${name} header`);
  const response = /^SIP\/2\.0 (\d{3}) (.*)$/.exec(start);
  if (response) return { kind: 'response', status: Number(response[1]), reason: response[2]!, headers, body };
  const request = /^([A-Z]+) (\S+) SIP\/2\.0$/.exec(start);
  if (!request) throw new SipParseError('bad start line');
  return { kind: 'request', method: request[1]!, uri: request[2]!, headers, body };
}

export function serialize(m: SipMessage): Buffer {
  const start = m.kind === 'request' ? `${m.method} ${m.uri} SIP/2.0` : `SIP/2.0 ${m.status} ${m.reason}`;
  const lines = [start];
  for (const [name, value] of m.headers)
    if (name !== 'content-length') lines.push(`${CANONICAL[name] ?? capitalize(name)}: ${value}`);
  lines.push(`Content-Length: ${Buffer.byteLength(m.body)}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${m.body}`);
}

function capitalize(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

export function header(m: SipMessage, name: string): string | undefined {
  return m.headers.find(([n]) => n === name)?.[1];
}

export function headers(m: SipMessage, name: string): string[] {
  return m.headers.filter(([n]) => n === name).map(([, v]) => v);
}

/** The `;name=value` parameter of a header value (outside its `<uri>`). */
export function param(value: string, name: string): string | undefined {
  const outside = value.replace(/<[^>]*>/, '');
  const m = new RegExp(`;\\s*${name}\\s*=\\s*("[^"]*"|[^;,\\s]+)`, 'i').exec(outside);
  return m?.[1]?.replace(/^"|"$/g, '');
}

/** The URI of a name-addr (`"Name" <sip:u@h>;tag=x`) or addr-spec (`sip:u@h;tag=x`). */
export function uriOf(value: string): string {
  const angle = /<([^>]*)>/.exec(value);
  return angle ? angle[1]! : (value.split(';')[0] ?? '').trim();
}

/** The display name of a name-addr, if any. */
export function displayName(value: string): string | undefined {
  const m = /^\s*(?:"((?:[^"\\]|\\.)*)"|([^<"]*?))\s*</.exec(value);
  const name = (m?.[1] ?? m?.[2])?.trim();
  return name ? name : undefined;
}

/** The user part of a `sip:`/`sips:`/`tel:` URI (percent-decoded), without parameters. */
export function userOf(uri: string): string | undefined {
  const tel = /^tel:([^;]+)/i.exec(uri);
  if (tel) return decodeURIComponent(tel[1]!);
  const m = /^sips?:([^@;]+)@/i.exec(uri);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1]!.split(';')[0]!);
  } catch {
    return undefined;
  }
}

/** Host and port of a `sip:` URI (port 5060 when absent). */
export function hostPortOf(uri: string): { host: string; port: number } | undefined {
  const m = /^sips?:(?:[^@]*@)?(\[[^\]]+\]|[^:;>?]+)(?::(\d+))?/i.exec(uri);
  if (!m) return undefined;
  return { host: m[1]!, port: m[2] ? Number(m[2]) : 5060 };
}

/** The CSeq number and method. */
export function cseqOf(m: SipMessage): { seq: number; method: string } {
  const [seq, method] = (header(m, 'cseq') ?? '').split(/\s+/);
  return { seq: Number(seq), method: method ?? '' };
}

/** A response to `req`: its Via, From, To (with `toTag` added when given and absent), Call-ID, CSeq. */
export function responseTo(
  req: SipRequest,
  status: number,
  reason: string,
  options: { toTag?: string; extra?: Array<[string, string]>; body?: string } = {},
): SipResponse {
  const copied: Array<[string, string]> = [];
  for (const [name, value] of req.headers) {
    if (name === 'via' || name === 'from' || name === 'call-id' || name === 'cseq')
      copied.push([name, value]);
    if (name === 'to')
      copied.push([name, options.toTag && !param(value, 'tag') ? `${value};tag=${options.toTag}` : value]);
  }
  return {
    kind: 'response',
    status,
    reason,
    headers: [...copied, ...(options.extra ?? [])],
    body: options.body ?? '',
  };
}
