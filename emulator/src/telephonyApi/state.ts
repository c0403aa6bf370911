/** Everything one emulator instance holds: registrations, flow rules, records, faults, the request log. */
import { ContactCenters } from './contactCenters.ts';
import { Faults } from './faults.ts';
import { IdempotencyKeys } from './idempotency.ts';
import { JwtVerifier } from './jwtAuth.ts';
import type { ApiRequestLog, FlowRule } from './types.ts';
import { VoiceCallStore } from './voiceCalls.ts';

export function checkFlowRules(rules: readonly FlowRule[]): void {
  for (const rule of rules) {
    if (rule.flowDevName === undefined && rule.dialedNumber === undefined) {
      throw new Error('a flow rule needs a flowDevName or a dialedNumber');
    }
    const { route } = rule;
    const target = route.type === 'agent' ? route.userId : route.type === 'queue' ? route.queueId : undefined;
    if (typeof target !== 'string' || target === '')
      throw new Error('a flow rule routes to an agent or a queue');
  }
}

export class EmulatorState {
  readonly contactCenters = new ContactCenters();
  readonly jwt: JwtVerifier;
  readonly faults: Faults;
  readonly voiceCalls: VoiceCallStore;
  readonly idempotency = new IdempotencyKeys();
  readonly requestLog: ApiRequestLog[] = [];
  flowRules: FlowRule[] = [];

  constructor(readonly now: () => number) {
    this.jwt = new JwtVerifier(this.contactCenters, now);
    this.faults = new Faults(now);
    this.voiceCalls = new VoiceCallStore(now);
  }

  setFlowRules(rules: FlowRule[]): void {
    checkFlowRules(rules);
    this.flowRules = structuredClone(rules);
  }

  /** Forgets records, requests, faults, idempotency keys and used jtis; keeps registrations and flow rules. */
  reset(): void {
    this.voiceCalls.clear();
    this.requestLog.length = 0;
    this.faults.reset();
    this.idempotency.clear();
    this.jwt.forgetJtis();
  }
}
