/** The ACD's ranking as pure functions (engine/routing.ts); the end-to-end behaviour is in routing.test.ts. */
import { describe, expect, it } from 'vitest';
import { byWaitingOrder, rankCandidates, type Membership } from '../src/engine/routing.ts';

const member = (userId: string, priority: number, idleSince: number | null): Membership => ({
  userId,
  priority,
  idleSince,
});

describe('waiting legs', () => {
  it('higher queue priority first, then the longest waiting', () => {
    const legs = [
      { id: 'late-high', priority: 5, queuedAt: 300 },
      { id: 'early-low', priority: 1, queuedAt: 100 },
      { id: 'early-high', priority: 5, queuedAt: 200 },
      { id: 'mid-low', priority: 1, queuedAt: 150 },
    ];
    expect(legs.sort(byWaitingOrder).map((l) => l.id)).toEqual([
      'early-high',
      'late-high',
      'early-low',
      'mid-low',
    ]);
  });
});

describe('agents for a leg', () => {
  it('best member priority first (1 = first), then the longest idle', () => {
    const ranked = rankCandidates([
      member('idle-long-p2', 2, 100),
      member('idle-short-p1', 1, 900),
      member('idle-long-p1', 1, 200),
    ]);
    expect(ranked).toEqual(['idle-long-p1', 'idle-short-p1', 'idle-long-p2']);
  });

  it('an agent in the queue directly and through groups ranks by its best membership, once', () => {
    const ranked = rankCandidates([
      member('direct-p3', 3, 100),
      member('both', 3, 500),
      member('group-p2', 2, 400),
      member('both', 1, 500),
    ]);
    expect(ranked).toEqual(['both', 'group-p2', 'direct-p3']);
  });

  it('agents who declined or missed this leg come after every other agent, in their own order', () => {
    const ranked = rankCandidates(
      [
        member('decliner-best', 1, 100),
        member('other', 2, 900),
        member('misser', 1, 200),
        member('last', 3, 50),
      ],
      new Set(['decliner-best', 'misser']),
    );
    expect(ranked).toEqual(['other', 'last', 'decliner-best', 'misser']);
  });

  it('a decliner is still offered when nobody else is eligible', () => {
    expect(rankCandidates([member('decliner', 1, 100)], new Set(['decliner']))).toEqual(['decliner']);
  });

  it('agents offered another leg in this pass are left out', () => {
    const ranked = rankCandidates(
      [member('taken', 1, 100), member('free', 2, 100)],
      new Set(),
      new Set(['taken']),
    );
    expect(ranked).toEqual(['free']);
    expect(rankCandidates([member('taken', 1, 100)], new Set(), new Set(['taken']))).toEqual([]);
  });
});
