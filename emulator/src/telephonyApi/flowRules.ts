/** Execute an Omni-Channel flow: the rule table's answer for a request (pure). */
import type { FlowMatch, FlowRoute, FlowRule } from './types.ts';

export interface FlowRequest {
  dialedNumber?: string;
  flowDevName?: string;
  fallbackQueue?: string;
}

/**
 * The documented precedence: the phone channel of the dialed number (rules with a `dialedNumber`), then the
 * request's flow (rules with only a `flowDevName`), then the request's fallback queue. A rule matches when
 * every field it sets equals the request's; the first match in table order wins.
 */
export function routeFlow(
  rules: readonly FlowRule[],
  request: FlowRequest,
): { route: FlowRoute; matchedBy: FlowMatch } | null {
  const matches = (rule: FlowRule) =>
    (rule.dialedNumber === undefined || rule.dialedNumber === request.dialedNumber) &&
    (rule.flowDevName === undefined || rule.flowDevName === request.flowDevName);
  const channel = rules.find((r) => r.dialedNumber !== undefined && matches(r));
  if (channel) return { route: channel.route, matchedBy: 'dialedNumber' };
  const flow = rules.find((r) => r.dialedNumber === undefined && r.flowDevName !== undefined && matches(r));
  if (flow) return { route: flow.route, matchedBy: 'flowDevName' };
  if (request.fallbackQueue !== undefined)
    return { route: { type: 'queue', queueId: request.fallbackQueue }, matchedBy: 'fallbackQueue' };
  return null;
}

export function routeBody(route: FlowRoute): { agent: string } | { queue: string } {
  return route.type === 'agent' ? { agent: route.userId } : { queue: route.queueId };
}
