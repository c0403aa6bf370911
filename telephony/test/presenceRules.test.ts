import { describe, expect, it } from 'vitest';
import {
  OFFLINE_STATUS_ID,
  toOurState,
  toSalesforceStatusId,
  type PresenceRule,
  type SalesforceStatus,
} from '../src/domain/presenceRules.ts';

/** The guide's example statuses (chapter 12, "Two-Way Agent Status Syncing"), in the config's order. */
const OFFLINE = '0';
const AVAILABLE = '0N5xx0000004CSO';
const AWAY = '0N5xx0000004D56';
const BUSY = '0N5xx0000004D3U';
const STATUSES: SalesforceStatus[] = [
  { statusId: OFFLINE, name: 'Offline', hasChannels: false, isOffline: true },
  { statusId: AVAILABLE, name: 'Available', hasChannels: true, isOffline: false },
  { statusId: AWAY, name: 'Away', hasChannels: false, isOffline: false },
  { statusId: BUSY, name: 'Busy', hasChannels: false, isOffline: false },
];

/** A second "online" status and a custom busy one, to tell "first" from "any". */
const CHATS = '0N5xx00000CHATS';
const LUNCH = '0N5xx00000LUNCH';

describe('toOurState (subscriber: Salesforce status → our state)', () => {
  it('reserves status id "0" for offline', () => {
    expect(OFFLINE_STATUS_ID).toBe('0');
    expect(toOurState(null, STATUSES, '0')).toEqual({ state: 'offline', reason: null });
    expect(toOurState(null, [], '0')).toEqual({ state: 'offline', reason: null });
  });

  it('defaults: a status with channels is available, whatever its name', () => {
    expect(toOurState(null, STATUSES, AVAILABLE)).toEqual({ state: 'available', reason: null });
    const statuses = [
      ...STATUSES,
      { statusId: CHATS, name: 'Chats only', hasChannels: true, isOffline: false },
    ];
    expect(toOurState(null, statuses, CHATS)).toEqual({ state: 'available', reason: null });
  });

  it('defaults: an isOffline status is offline even with another id than "0"', () => {
    const statuses = [{ statusId: 'OFF2', name: 'Gone home', hasChannels: false, isOffline: true }];
    expect(toOurState(null, statuses, 'OFF2')).toEqual({ state: 'offline', reason: null });
  });

  it('defaults: any other known status is busy with the status name as reason', () => {
    expect(toOurState(null, STATUSES, AWAY)).toEqual({ state: 'busy', reason: 'Away' });
    expect(toOurState(null, STATUSES, BUSY)).toEqual({ state: 'busy', reason: 'Busy' });
  });

  it('an unknown status id: busy with the given name, or null without a name', () => {
    expect(toOurState(null, STATUSES, 'NOPE')).toBeNull();
    expect(toOurState(null, STATUSES, 'NOPE', '')).toBeNull();
    expect(toOurState(null, STATUSES, 'NOPE', 'Training')).toEqual({ state: 'busy', reason: 'Training' });
    expect(toOurState(null, [], AVAILABLE)).toBeNull();
  });

  it('the known status wins over the name the caller passes', () => {
    expect(toOurState(null, STATUSES, AWAY, 'Something else')).toEqual({ state: 'busy', reason: 'Away' });
    expect(toOurState(null, STATUSES, AVAILABLE, 'Whatever')).toEqual({ state: 'available', reason: null });
  });

  it('a subscriber row wins over the defaults', () => {
    const rule: PresenceRule = {
      publisher: [],
      subscriber: [
        { statusId: AWAY, state: 'busy', reason: 'Lunch' },
        { statusId: BUSY, state: 'available' },
        { statusId: AVAILABLE, state: 'offline' },
        { statusId: 'CUSTOM', state: 'busy', reason: 'Coaching' },
      ],
    };
    expect(toOurState(rule, STATUSES, AWAY)).toEqual({ state: 'busy', reason: 'Lunch' });
    expect(toOurState(rule, STATUSES, BUSY)).toEqual({ state: 'available', reason: null });
    expect(toOurState(rule, STATUSES, AVAILABLE)).toEqual({ state: 'offline', reason: null });
    // A row also makes a status known that the contact center never stored.
    expect(toOurState(rule, STATUSES, 'CUSTOM')).toEqual({ state: 'busy', reason: 'Coaching' });
  });

  it('a subscriber row may even remap "0"', () => {
    const rule: PresenceRule = {
      publisher: [],
      subscriber: [{ statusId: '0', state: 'busy', reason: 'Away' }],
    };
    expect(toOurState(rule, STATUSES, '0')).toEqual({ state: 'busy', reason: 'Away' });
  });

  it('drops a reason on a non-busy row', () => {
    const rule: PresenceRule = {
      publisher: [],
      subscriber: [{ statusId: AWAY, state: 'available', reason: 'ignored' }],
    };
    expect(toOurState(rule, STATUSES, AWAY)).toEqual({ state: 'available', reason: null });
  });

  it('statuses without a row fall back to the defaults under a rule', () => {
    const rule: PresenceRule = {
      publisher: [],
      subscriber: [{ statusId: AWAY, state: 'busy', reason: 'Lunch' }],
    };
    expect(toOurState(rule, STATUSES, BUSY)).toEqual({ state: 'busy', reason: 'Busy' });
    expect(toOurState(rule, STATUSES, AVAILABLE)).toEqual({ state: 'available', reason: null });
    expect(toOurState(rule, STATUSES, 'NOPE')).toBeNull();
  });
});

describe('toSalesforceStatusId (publisher: our state → Salesforce status)', () => {
  it('defaults: available → the first status with channels', () => {
    expect(toSalesforceStatusId(null, STATUSES, 'available', null)).toBe(AVAILABLE);
    const statuses = [
      { statusId: OFFLINE, name: 'Offline', hasChannels: false, isOffline: true },
      { statusId: CHATS, name: 'Chats', hasChannels: true, isOffline: false },
      { statusId: AVAILABLE, name: 'Available', hasChannels: true, isOffline: false },
    ];
    expect(toSalesforceStatusId(null, statuses, 'available', null)).toBe(CHATS);
    expect(toSalesforceStatusId(null, STATUSES.slice(2), 'available', null)).toBeNull();
  });

  it('defaults: offline → "0"', () => {
    expect(toSalesforceStatusId(null, STATUSES, 'offline', null)).toBe('0');
    expect(toSalesforceStatusId(null, [], 'offline', null)).toBe('0');
  });

  it('defaults: busy → the status named like the reason (case-insensitive)', () => {
    expect(toSalesforceStatusId(null, STATUSES, 'busy', 'Away')).toBe(AWAY);
    expect(toSalesforceStatusId(null, STATUSES, 'busy', 'away')).toBe(AWAY);
    expect(toSalesforceStatusId(null, STATUSES, 'busy', 'BUSY')).toBe(BUSY);
    const statuses = [...STATUSES, { statusId: LUNCH, name: 'Lunch', hasChannels: false, isOffline: false }];
    expect(toSalesforceStatusId(null, statuses, 'busy', 'LUNCH')).toBe(LUNCH);
  });

  it('defaults: busy with another reason (or none) → the first status without channels', () => {
    expect(toSalesforceStatusId(null, STATUSES, 'busy', 'Missed call')).toBe(AWAY);
    expect(toSalesforceStatusId(null, STATUSES, 'busy', null)).toBe(AWAY);
    const reordered = [STATUSES[0], STATUSES[1], STATUSES[3], STATUSES[2]] as SalesforceStatus[];
    expect(toSalesforceStatusId(null, reordered, 'busy', 'Missed call')).toBe(BUSY);
    // The offline status is never a busy one, even though it has no channels.
    expect(toSalesforceStatusId(null, STATUSES.slice(0, 2), 'busy', 'Missed call')).toBeNull();
    // A reason named like an offline or a routable status still publishes a busy status.
    expect(toSalesforceStatusId(null, STATUSES, 'busy', 'Offline')).toBe(AWAY);
    expect(toSalesforceStatusId(null, STATUSES, 'busy', 'available')).toBe(AWAY);
  });

  it('defaults: on_call and after_call_work are left to Salesforce (null)', () => {
    expect(toSalesforceStatusId(null, STATUSES, 'on_call', null)).toBeNull();
    expect(toSalesforceStatusId(null, STATUSES, 'after_call_work', null)).toBeNull();
  });

  it('a publisher row of the state beats the defaults', () => {
    const rule: PresenceRule = {
      publisher: [
        { state: 'available', statusId: CHATS },
        { state: 'busy', statusId: BUSY },
        { state: 'offline', statusId: AWAY },
      ],
      subscriber: [],
    };
    expect(toSalesforceStatusId(rule, STATUSES, 'available', null)).toBe(CHATS);
    expect(toSalesforceStatusId(rule, STATUSES, 'busy', 'Away')).toBe(BUSY);
    expect(toSalesforceStatusId(rule, STATUSES, 'busy', null)).toBe(BUSY);
    expect(toSalesforceStatusId(rule, STATUSES, 'offline', null)).toBe(AWAY);
  });

  it('an exact (state + reason) row beats the general row of the state, in either order', () => {
    const general = { state: 'busy' as const, statusId: BUSY };
    const exact = { state: 'busy' as const, reason: 'Lunch', statusId: LUNCH };
    for (const publisher of [
      [general, exact],
      [exact, general],
    ]) {
      const rule: PresenceRule = { publisher, subscriber: [] };
      expect(toSalesforceStatusId(rule, STATUSES, 'busy', 'Lunch')).toBe(LUNCH);
      expect(toSalesforceStatusId(rule, STATUSES, 'busy', 'lunch')).toBe(LUNCH);
      expect(toSalesforceStatusId(rule, STATUSES, 'busy', 'Meeting')).toBe(BUSY);
      expect(toSalesforceStatusId(rule, STATUSES, 'busy', null)).toBe(BUSY);
    }
  });

  it('only exact rows for other reasons: the defaults decide', () => {
    const rule: PresenceRule = {
      publisher: [{ state: 'busy', reason: 'Lunch', statusId: LUNCH }],
      subscriber: [],
    };
    expect(toSalesforceStatusId(rule, STATUSES, 'busy', 'Lunch')).toBe(LUNCH);
    expect(toSalesforceStatusId(rule, STATUSES, 'busy', 'Away')).toBe(AWAY);
    expect(toSalesforceStatusId(rule, STATUSES, 'busy', 'Training')).toBe(AWAY);
    expect(toSalesforceStatusId(rule, STATUSES, 'busy', null)).toBe(AWAY);
  });

  it("rows of other states don't leak", () => {
    const rule: PresenceRule = {
      publisher: [{ state: 'busy', reason: 'Lunch', statusId: LUNCH }],
      subscriber: [],
    };
    expect(toSalesforceStatusId(rule, STATUSES, 'available', 'Lunch')).toBe(AVAILABLE);
    expect(toSalesforceStatusId(rule, STATUSES, 'offline', 'Lunch')).toBe('0');
    expect(toSalesforceStatusId(rule, STATUSES, 'on_call', 'Lunch')).toBeNull();
  });

  it('the two directions round-trip with the defaults', () => {
    for (const id of [OFFLINE, AVAILABLE, AWAY, BUSY]) {
      const ours = toOurState(null, STATUSES, id);
      expect(ours).not.toBeNull();
      expect(toSalesforceStatusId(null, STATUSES, ours!.state, ours!.reason)).toBe(id);
    }
  });
});
