/** The phone book the agent sees (agents, queues, flows, phone book entries) and queue statistics. */
import type { ContactType, PhoneContact, QueueStats } from '../contracts/agentApi.ts';
import type { Tx } from './engine.ts';
import { queueMemberIds } from './queueMembers.ts';

const TYPE_ORDER: ContactType[] = ['Agent', 'Queue', 'Flow', 'PhoneBook'];

/** How many recent answered legs the estimated wait time averages over. */
const EWT_SAMPLE = 20;

export async function queueStats(tx: Tx): Promise<QueueStats[]> {
  const queues = await tx.db
    .selectFrom('queues')
    .selectAll()
    .where('contact_center_id', '=', tx.ccId)
    .orderBy('name')
    .execute();
  const waiting = await tx.db
    .selectFrom('participants')
    .innerJoin('calls', 'calls.id', 'participants.call_id')
    .select([
      'participants.queue_id',
      'participants.call_id',
      'participants.queued_at',
      'participants.view_type',
      'calls.from_number',
    ])
    .where('participants.contact_center_id', '=', tx.ccId)
    .where('participants.role', '=', 'agent')
    .where('participants.state', 'in', ['queued', 'ringing'])
    .where('participants.queue_id', 'is not', null)
    .orderBy('participants.queued_at')
    .execute();
  const members = await tx.db
    .selectFrom('users')
    .select(['users.id', 'users.presence_state', 'users.offered_leg_id'])
    .where('users.contact_center_id', '=', tx.ccId)
    .execute();
  const byId = new Map(members.map((m) => [m.id, m]));
  const result: QueueStats[] = [];
  for (const q of queues) {
    const memberIds = (await queueMemberIds(tx.db, q.id).execute()).map((r) => r.user_id);
    const staffed = memberIds.filter(
      (id) => byId.get(id)?.presence_state !== 'offline' && byId.has(id),
    ).length;
    const available = memberIds.filter(
      (id) => byId.get(id)?.presence_state === 'available' && !byId.get(id)?.offered_leg_id,
    ).length;
    const calls = waiting
      .filter((w) => w.queue_id === q.id)
      .map((w) => ({
        callId: w.call_id,
        from: w.from_number,
        queuedAt: w.queued_at ?? tx.now,
        waitSeconds: Math.max(0, Math.round((tx.now - (w.queued_at ?? tx.now)) / 1000)),
        callType: w.view_type ?? 'Inbound',
      }));
    result.push({
      queueId: q.id,
      name: q.name,
      waiting: calls.length,
      longestWaitSeconds: calls[0]?.waitSeconds ?? 0,
      estimatedWaitSeconds: await estimatedWait(tx, q.id, calls.length + 1, staffed, available),
      availableAgents: available,
      calls,
    });
  }
  return result;
}

/**
 * Estimated wait for the caller at `position`: the average wait of the last answered legs of the
 * queue, scaled by the position in line over the staffed members; 0 when an agent is free for them.
 */
async function estimatedWait(
  tx: Tx,
  queueId: string,
  position: number,
  staffed: number,
  available: number,
): Promise<number> {
  if (available >= position) return 0;
  const recent = await tx.db
    .selectFrom('participants')
    .select(['queued_at', 'joined_at'])
    .where('queue_id', '=', queueId)
    .where('role', '=', 'agent')
    .where('joined_at', 'is not', null)
    .where('queued_at', 'is not', null)
    .orderBy('joined_at', 'desc')
    .limit(EWT_SAMPLE)
    .execute();
  if (recent.length === 0) return 0;
  const avgMs = recent.reduce((sum, r) => sum + ((r.joined_at ?? 0) - (r.queued_at ?? 0)), 0) / recent.length;
  return Math.round(((avgMs / 1000) * position) / Math.max(1, staffed));
}

export async function phoneContacts(
  tx: Tx,
  viewerId: string,
  filter: {
    contains?: string | undefined;
    limit?: number | undefined;
    offset?: number | undefined;
    types?: ContactType[] | undefined;
  },
): Promise<{ contacts: PhoneContact[]; total: number }> {
  const types = new Set<ContactType>(filter.types && filter.types.length > 0 ? filter.types : TYPE_ORDER);
  const all: PhoneContact[] = [];
  if (types.has('Agent')) {
    const users = await tx.db
      .selectFrom('users')
      .selectAll()
      .where('contact_center_id', '=', tx.ccId)
      .where('id', '!=', viewerId)
      .where('removed_at', 'is', null)
      .execute();
    for (const u of users) {
      const availability =
        u.presence_state === 'available' && !u.offered_leg_id
          ? 'AVAILABLE'
          : u.presence_state === 'offline'
            ? 'OFFLINE'
            : 'BUSY';
      all.push({ id: u.id, type: 'Agent', name: u.display_name, availability });
    }
  }
  if (types.has('Queue')) {
    for (const q of await queueStats(tx))
      all.push({ id: q.queueId, type: 'Queue', name: q.name, queueWaitTime: String(q.estimatedWaitSeconds) });
  }
  if (types.has('Flow')) {
    const flows = await tx.db
      .selectFrom('flows')
      .selectAll()
      .where('contact_center_id', '=', tx.ccId)
      .execute();
    for (const f of flows) all.push({ id: f.id, type: 'Flow', name: f.dev_name });
  }
  if (types.has('PhoneBook')) {
    const entries = await tx.db
      .selectFrom('phonebook')
      .selectAll()
      .where('contact_center_id', '=', tx.ccId)
      .execute();
    for (const e of entries)
      all.push({ id: e.id, type: 'PhoneBook', name: e.name, phoneNumber: e.phone_number });
  }
  const needle = filter.contains?.trim().toLowerCase();
  const matching = needle
    ? all.filter((c) => c.name.toLowerCase().includes(needle) || (c.phoneNumber ?? '').includes(needle))
    : all;
  matching.sort(
    (a, b) => TYPE_ORDER.indexOf(a.type) - TYPE_ORDER.indexOf(b.type) || a.name.localeCompare(b.name),
  );
  const offset = filter.offset ?? 0;
  const limit = filter.limit ?? 50;
  return { contacts: matching.slice(offset, offset + limit), total: matching.length };
}
