/**
 * My stats (docs/workspace.md): calls handled and missed, average talk / hold / wrap-up / handle time
 * and occupancy, today or over the last 7 days (UTC days), with hourly or daily series for the charts.
 * Read from the agent's legs (`participants_user_created`), her missed offers and her presence log.
 */
import type { AgentStats, StatsBucket } from '../contracts/workspace.ts';
import type { Tx } from './engine.ts';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

interface Span {
  from: number;
  to: number;
  buckets: number[];
  bucketMs: number;
}

function spanOf(period: 'today' | 'week', now: number): Span {
  const midnight = Math.floor(now / DAY) * DAY;
  const from = period === 'today' ? midnight : midnight - 6 * DAY;
  const bucketMs = period === 'today' ? HOUR : DAY;
  const count = period === 'today' ? 24 : 7;
  return { from, to: now, bucketMs, buckets: Array.from({ length: count }, (_, i) => from + i * bucketMs) };
}

function label(start: number, bucketMs: number): string {
  const iso = new Date(start).toISOString();
  return bucketMs === HOUR ? iso.slice(11, 16) : iso.slice(0, 10);
}

/** Time of `row` inside [from, to). */
function overlap(since: number, until: number, from: number, to: number): number {
  return Math.max(0, Math.min(until, to) - Math.max(since, from));
}

export async function agentStats(tx: Tx, userId: string, period: 'today' | 'week'): Promise<AgentStats> {
  const span = spanOf(period, tx.now);
  const legs = await tx.db
    .selectFrom('participants as p')
    .innerJoin('calls as c', 'c.id', 'p.call_id')
    .select(['p.created_at', 'p.joined_at', 'p.left_at', 'c.hold_ms'])
    .where('p.user_id', '=', userId)
    .where('p.contact_center_id', '=', tx.ccId)
    .where('p.role', 'in', ['agent', 'initial_caller'])
    .where('p.created_at', '>=', span.from)
    .where('p.created_at', '<', span.to + 1)
    .where('p.joined_at', 'is not', null)
    .execute();
  const missed = await tx.db
    .selectFrom('agent_missed_offers')
    .select('at')
    .where('user_id', '=', userId)
    .where('at', '>=', span.from)
    .where('at', '<=', span.to)
    .execute();
  // The state the period began in (the last change before it), then every change within it.
  const before = await tx.db
    .selectFrom('agent_state_log')
    .select(['state', 'since', 'until'])
    .where('user_id', '=', userId)
    .where('since', '<', span.from)
    .orderBy('since', 'desc')
    .limit(1)
    .execute();
  const within = await tx.db
    .selectFrom('agent_state_log')
    .select(['state', 'since', 'until'])
    .where('user_id', '=', userId)
    .where('since', '>=', span.from)
    .where('since', '<=', span.to)
    .execute();

  let talkMs = 0;
  let holdMs = 0;
  for (const leg of legs) {
    const hold = leg.hold_ms;
    holdMs += hold;
    talkMs += Math.max(0, (leg.left_at ?? tx.now) - (leg.joined_at ?? tx.now) - hold);
  }
  let wrapUpMs = 0;
  let busyMs = 0;
  let loggedInMs = 0;
  for (const s of [...before, ...within]) {
    const time = overlap(s.since, s.until ?? tx.now, span.from, span.to);
    if (s.state !== 'offline') loggedInMs += time;
    if (s.state === 'after_call_work') wrapUpMs += time;
    if (s.state === 'on_call' || s.state === 'after_call_work') busyMs += time;
  }
  const handled = legs.length;
  const avg = (ms: number) => (handled === 0 ? 0 : Math.round(ms / handled / 1000));
  const bucketOf = (at: number) =>
    Math.min(span.buckets.length - 1, Math.floor((at - span.from) / span.bucketMs));
  const series: StatsBucket[] = span.buckets.map((start) => ({
    start,
    label: label(start, span.bucketMs),
    handled: 0,
    missed: 0,
  }));
  for (const leg of legs) (series[bucketOf(leg.created_at)] as StatsBucket).handled++;
  for (const m of missed) (series[bucketOf(m.at)] as StatsBucket).missed++;
  return {
    period,
    from: span.from,
    to: span.to,
    handled,
    missed: missed.length,
    avgTalkSeconds: avg(talkMs),
    avgHoldSeconds: avg(holdMs),
    avgWrapUpSeconds: avg(wrapUpMs),
    avgHandleSeconds: avg(talkMs + holdMs + wrapUpMs),
    occupancy: loggedInMs === 0 ? 0 : Math.round((busyMs / loggedInMs) * 1000) / 1000,
    series,
  };
}
