/**
 * Presence mapping between our agent states and Salesforce Omni-Channel presence statuses
 * (bi-directional sync, `002_…`): publisher rows (ours → Salesforce) and subscriber rows
 * (Salesforce → ours). Pure functions; the rule in force is chosen by `engine/presence.ts`.
 */
import type { PresenceState } from '../db/schema.ts';

export interface SalesforceStatus {
  statusId: string;
  name: string;
  hasChannels: boolean;
  isOffline: boolean;
}

export interface PublisherRow {
  state: PresenceState;
  reason?: string | null;
  statusId: string;
}

export interface SubscriberRow {
  statusId: string;
  state: 'offline' | 'available' | 'busy';
  reason?: string | null;
}

export interface PresenceRule {
  publisher: PublisherRow[];
  subscriber: SubscriberRow[];
}

export interface MappedState {
  state: 'offline' | 'available' | 'busy';
  reason: string | null;
}

/** Salesforce reserves status id "0" for Offline. */
export const OFFLINE_STATUS_ID = '0';

/** Subscriber direction: the Salesforce status an agent picked → our state, or null if unknown. */
export function toOurState(
  rule: PresenceRule | null,
  statuses: SalesforceStatus[],
  statusId: string,
  statusName?: string,
): MappedState | null {
  const row = rule?.subscriber.find((r) => r.statusId === statusId);
  if (row) return { state: row.state, reason: row.state === 'busy' ? (row.reason ?? null) : null };
  if (statusId === OFFLINE_STATUS_ID) return { state: 'offline', reason: null };
  const known = statuses.find((s) => s.statusId === statusId);
  if (known) {
    if (known.isOffline) return { state: 'offline', reason: null };
    if (known.hasChannels) return { state: 'available', reason: null };
    return { state: 'busy', reason: known.name };
  }
  if (statusName) return { state: 'busy', reason: statusName };
  return null;
}

/**
 * Publisher direction: our state → the Salesforce status id to show in Omni-Channel, or null when
 * Salesforce manages it (on a call, after-call work) or no status fits.
 */
export function toSalesforceStatusId(
  rule: PresenceRule | null,
  statuses: SalesforceStatus[],
  state: PresenceState,
  reason: string | null,
): string | null {
  const rows = rule?.publisher.filter((r) => r.state === state) ?? [];
  const exact = rows.find((r) => reason !== null && sameName(r.reason, reason));
  const general = rows.find((r) => !r.reason);
  if (exact) return exact.statusId;
  if (general) return general.statusId;
  switch (state) {
    case 'offline':
      return statuses.find((s) => s.isOffline)?.statusId ?? OFFLINE_STATUS_ID;
    case 'available':
      return statuses.find((s) => s.hasChannels && !s.isOffline)?.statusId ?? null;
    case 'busy': {
      // Only a busy status may show a busy agent: never a routable (with channels) or offline one,
      // even when its name equals the reason (a reason "Available" must not make Omni routable).
      const busyStatuses = statuses.filter((s) => !s.hasChannels && !s.isOffline);
      const named = reason ? busyStatuses.find((s) => sameName(s.name, reason)) : undefined;
      return (named ?? busyStatuses[0])?.statusId ?? null;
    }
    default:
      return null;
  }
}

function sameName(a: string | null | undefined, b: string): boolean {
  return typeof a === 'string' && a.localeCompare(b, undefined, { sensitivity: 'base' }) === 0;
}
