/** The emulator of Salesforce's telephony REST API: the fixed programmatic interface (docs/salesforce-telephony-api.md). */
import { buildEmulatorApp } from './server.ts';
import { EmulatorState } from './state.ts';
import type { ApiRequestLog, ContactCenterRegistration, EmulatedVoiceCall, FlowRule } from './types.ts';

export type {
  ApiRequestLog,
  ContactCenterRegistration,
  EmulatedConversationEvents,
  EmulatedFlowExecution,
  EmulatedParticipant,
  EmulatedTranscript,
  EmulatedUpdate,
  EmulatedVoiceCall,
  FlowRoute,
  FlowRule,
} from './types.ts';

export interface TelephonyApiEmulator {
  /** Origin, e.g. http://127.0.0.1:41234 — a contact center's scrtUrl; the API is under `${url}/telephony/v1`. */
  readonly url: string;
  /** Adds or replaces (keys replaced); throws on a bad org id or key. */
  registerContactCenter(cc: ContactCenterRegistration): void;
  setFlowRules(rules: FlowRule[]): void;
  /** The next `count` API requests answer `status` (default 503). */
  failNext(count: number, status?: number): void;
  /** The next `count` transcript entries (bulk entries or single transcripts) answer 429 RESOURCE_EXHAUSTED. */
  exhaustTranscripts(count: number, status?: number): void;
  /** The next `count` API requests are applied, then their connection drops without an answer. */
  loseNextAnswers(count: number): void;
  /** Honour `Idempotency-Key` replays (default true, a convention); false: as the pages document, none. */
  setIdempotencyKeys(honoured: boolean): void;
  /** Every API request is answered after `ms`. */
  setLatency(ms: number): void;
  /** Every API request answers 503 for `seconds`, measured on the `now` clock. */
  goDown(seconds: number): void;
  /**
   * Marks a transfer record as a consult, as the connector's events tell Salesforce: transcripts under
   * its own vendorCallKey go to it until it has an end.
   */
  markConsult(vendorCallKey: string): void;
  voiceCalls(): EmulatedVoiceCall[];
  requests(): ApiRequestLog[];
  /** Forgets records, requests, faults (keeps registrations and flow rules). */
  reset(): void;
  close(): Promise<void>;
}

export interface TelephonyApiEmulatorOptions {
  host?: string;
  port?: number;
  /** Clock for JWT exp/iat checks, outages and record times. */
  now?: () => number;
}

export async function startTelephonyApiEmulator(
  options: TelephonyApiEmulatorOptions = {},
): Promise<TelephonyApiEmulator> {
  const state = new EmulatorState(options.now ?? Date.now);
  const app = buildEmulatorApp(state);
  const url = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  return {
    url,
    registerContactCenter: (cc) => state.contactCenters.register(cc),
    setFlowRules: (rules) => state.setFlowRules(rules),
    failNext: (count, status) => state.faults.failNext(count, status),
    exhaustTranscripts: (count, status) => state.faults.exhaustTranscripts(count, status),
    loseNextAnswers: (count) => state.faults.loseNextAnswers(count),
    setIdempotencyKeys: (honoured) => {
      state.faults.idempotencyKeys = honoured;
    },
    setLatency: (ms) => state.faults.setLatency(ms),
    goDown: (seconds) => state.faults.goDown(seconds),
    markConsult: (key) => state.voiceCalls.markConsult(key),
    voiceCalls: () => state.voiceCalls.all(),
    requests: () => structuredClone(state.requestLog),
    reset: () => state.reset(),
    close: () => app.close(),
  };
}
