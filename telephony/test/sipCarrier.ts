/**
 * SIPp (Debian `sip-tester`) as the carrier of the SIP tests and the benchmark: scenarios written
 * here, run as a child process against the service's SIP socket; the service's SDP answer read back
 * from SIPp's message log, so that a Node RTP phone (rtpPhone.ts) can be the caller's audio.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually } from './harness.ts';

export interface Target {
  address: string;
  port: number;
}

const INVITE_HEADERS = (cseq: number, auth: boolean) => `
INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: "Test Caller" <sip:+14155550123@[local_ip]:[local_port]>;tag=[call_number]
To: <sip:[service]@[remote_ip]:[remote_port]>
Call-ID: [call_id]
CSeq: ${cseq} INVITE
Contact: <sip:caller@[local_ip]:[local_port]>
Max-Forwards: 70
${auth ? '[authentication]\n' : ''}Content-Type: application/sdp
Content-Length: [len]
`;

const SDP = (rtpPort: number | 'stream') => `
v=0
o=caller 1 1 IN IP4 [local_ip]
s=-
c=IN IP4 [local_ip]
t=0 0
m=audio ${rtpPort === 'stream' ? '[rtpstream_audio_port]' : rtpPort} RTP/AVP 0 101
a=rtpmap:0 PCMU/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-15
`;

const ACK = (cseq: number, afterFailure: boolean) => `
ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
${afterFailure ? '[last_Via:]' : 'Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]'}
From: "Test Caller" <sip:+14155550123@[local_ip]:[local_port]>;tag=[call_number]
To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
Call-ID: [call_id]
CSeq: ${cseq} ACK
Max-Forwards: 70
Content-Length: 0
`;

const BYE = (cseq: number) => `
BYE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: "Test Caller" <sip:+14155550123@[local_ip]:[local_port]>;tag=[call_number]
To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
Call-ID: [call_id]
CSeq: ${cseq} BYE
Max-Forwards: 70
Content-Length: 0
`;

const OK_TO_BYE = `
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0
`;

const cdata = (text: string) => `<![CDATA[${text}\n]]>`;
const send = (text: string, retrans = false) =>
  `<send${retrans ? ' retrans="500"' : ''}>${cdata(text)}</send>`;

export interface CallScenario {
  /** The caller's RTP port put in the SDP offer; 'stream': SIPp's own, playing `stream` (raw µ-law). */
  rtpPort: number | 'stream';
  /** A raw µ-law file SIPp plays in a loop once the call is up (with `rtpPort: 'stream'`). */
  stream?: string;
  /** Digest credentials answered to a 401 (`-au`/`-ap`), or none. */
  auth?: boolean;
  /** How the call ends: the service sends BYE, or the caller hangs up after `pauseMs`. */
  end: { by: 'service' } | { by: 'caller'; pauseMs: number };
}

/** A caller's whole call: INVITE (answering a digest challenge when asked), ACK, then BYE one way. */
export function callScenario(s: CallScenario): string {
  const cseq = s.auth ? 2 : 1;
  const steps = [
    ...(s.auth
      ? [
          send(INVITE_HEADERS(1, false) + SDP(s.rtpPort), true),
          '<recv response="100" optional="true"/>',
          '<recv response="401" auth="true"/>',
          send(ACK(1, true)),
        ]
      : []),
    send(INVITE_HEADERS(cseq, !!s.auth) + SDP(s.rtpPort), true),
    '<recv response="100" optional="true"/>',
    '<recv response="180" optional="true"/>',
    '<recv response="200" rtd="true"/>',
    send(ACK(cseq, false)),
    ...(s.stream ? [`<nop><action><exec rtp_stream="${s.stream},-1,0"/></action></nop>`] : []),
    ...(s.end.by === 'service'
      ? ['<recv request="BYE" timeout="60000"/>', send(OK_TO_BYE)]
      : [`<pause milliseconds="${s.end.pauseMs}"/>`, send(BYE(cseq + 1), true), '<recv response="200"/>']),
  ];
  return wrap(steps);
}

/** An INVITE that must be refused with `status` (after a digest challenge when `auth`). */
export function refusedScenario(status: number, auth = false): string {
  const steps = [
    ...(auth
      ? [
          send(INVITE_HEADERS(1, false) + SDP(4000), true),
          '<recv response="100" optional="true"/>',
          '<recv response="401" auth="true"/>',
          send(ACK(1, true)),
        ]
      : []),
    send(INVITE_HEADERS(auth ? 2 : 1, auth) + SDP(4000), true),
    '<recv response="100" optional="true"/>',
    `<recv response="${status}"/>`,
    send(ACK(auth ? 2 : 1, true)),
  ];
  return wrap(steps);
}

const UAS_RESPONSE = (status: string, sdp: string | null) => `
SIP/2.0 ${status}
[last_Via:]
[last_From:]
[last_To:];tag=carrier[call_number]
[last_Call-ID:]
[last_CSeq:]
Contact: <sip:carrier@[local_ip]:[local_port]>
${sdp ? 'Content-Type: application/sdp\n' : ''}Content-Length: [len]
${sdp ?? ''}`;

/** The carrier answers an outbound INVITE (ringing first) with its offer; then BYE one way. */
export function answerScenario(s: { rtpPort: number; end: 'service' | 'carrier'; pauseMs?: number }): string {
  return wrap([
    '<recv request="INVITE"/>',
    send(UAS_RESPONSE('180 Ringing', null)),
    send(UAS_RESPONSE('200 OK', SDP(s.rtpPort)), true),
    s.end === 'service'
      ? '<recv request="ACK"/>'
      : '<recv request="ACK"><action><ereg regexp="&lt;.*" search_in="hdr" header="From:" assign_to="from"/></action></recv>',
    ...(s.end === 'service'
      ? ['<recv request="BYE" timeout="60000"/>', send(OK_TO_BYE)]
      : [
          `<pause milliseconds="${s.pauseMs ?? 500}"/>`,
          send(
            `
BYE sip:switchboard@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:callee@[local_ip]>;tag=carrier[call_number]
To: [$from]
Call-ID: [call_id]
CSeq: 1 BYE
Max-Forwards: 70
Content-Length: 0
`,
            true,
          ),
          '<recv response="200"/>',
        ]),
  ]);
}

/** The carrier refuses an outbound INVITE with `status` (after ringing), or rings until CANCELled. */
export function rejectScenario(status: string | 'no-answer'): string {
  if (status === 'no-answer')
    return wrap([
      '<recv request="INVITE"/>',
      send(UAS_RESPONSE('180 Ringing', null)),
      '<recv request="CANCEL" timeout="60000"/>',
      send(OK_TO_BYE),
      send(UAS_RESPONSE('487 Request Terminated', null).replace('[last_CSeq:]', 'CSeq: 1 INVITE')),
      '<recv request="ACK"/>',
    ]);
  return wrap([
    '<recv request="INVITE"/>',
    send(UAS_RESPONSE('180 Ringing', null)),
    send(UAS_RESPONSE(status, null)),
    '<recv request="ACK"/>',
  ]);
}

function wrap(steps: string[]): string {
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>\n<scenario name="switchboard carrier">\n${steps.join('\n')}\n</scenario>\n`;
}

export interface SippRun {
  process: ChildProcess;
  /** SIPp's log of every message sent and received. */
  messageFile: string;
  /** Resolves with SIPp's exit code (0: every call of the scenario succeeded). */
  exit: Promise<number>;
  /** The service's RTP address from its 200 OK. */
  serviceRtp(): Promise<Target>;
  kill(): void;
}

export interface SippOptions {
  /** The dialed number (the Request-URI's user part). */
  dialed: string;
  /** SIPp's own port (0: any). */
  port?: number;
  /** Loopback address SIPp sends from. */
  source?: string;
  auth?: { username: string; password: string };
  /** Calls to place (`-m`), at `rate` per second (`-r`), at most `limit` at once (`-l`). */
  calls?: number;
  rate?: number;
  limit?: number;
  timeoutSeconds?: number;
  extraArgs?: string[];
  /** Where SIPp runs and writes its files (kept); a temporary folder removed at exit otherwise. */
  workDir?: string;
}

/** A UDP port free now (for SIPp as the carrier's server side). */
export async function freePort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** Runs SIPp with `scenario` against `target` (a client), or on `o.port` (a server) when null. */
export function runSipp(scenario: string, target: Target | null, o: SippOptions): SippRun {
  const dir = o.workDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-sipp-'));
  const scenarioFile = path.join(dir, 'scenario.xml');
  const messageFile = path.join(dir, 'messages.log');
  fs.writeFileSync(scenarioFile, scenario);
  const args = [
    ...(target ? [`${target.address}:${target.port}`] : []),
    '-sf',
    scenarioFile,
    '-s',
    o.dialed,
    '-i',
    o.source ?? '127.0.0.1',
    '-bind_local',
    '-p',
    String(o.port ?? 0),
    '-m',
    String(o.calls ?? 1),
    '-r',
    String(o.rate ?? 10),
    '-l',
    String(o.limit ?? o.calls ?? 1),
    '-timeout',
    String(o.timeoutSeconds ?? 30),
    '-timeout_error',
    '-nostdin',
    '-trace_msg',
    '-message_file',
    messageFile,
    ...(o.auth ? ['-au', o.auth.username, '-ap', o.auth.password] : []),
    ...(o.extraArgs ?? []),
  ];
  const child = spawn('sipp', args, { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<number>((resolve) => {
    child.on('exit', (code) => {
      if (code !== 0 && stderr) process.stderr.write(`sipp: ${stderr}\n`);
      if (!o.workDir) fs.rmSync(dir, { recursive: true, force: true });
      resolve(code ?? -1);
    });
  });
  return {
    process: child,
    messageFile,
    exit,
    serviceRtp: () =>
      eventually(() => {
        const log = fs.existsSync(messageFile) ? fs.readFileSync(messageFile, 'utf8') : '';
        const ok = log.split(/-{5,}/).find((m) => /message received/.test(m) && /m=audio /.test(m));
        if (!ok) return undefined;
        const address = /c=IN IP4 (\S+)/.exec(ok)?.[1];
        const port = /m=audio (\d+)/.exec(ok)?.[1];
        return address && port ? { address, port: Number(port) } : undefined;
      }, "the service's SDP"),
    kill: () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
