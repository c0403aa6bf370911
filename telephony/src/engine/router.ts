/**
 * The ACD. Waiting legs (participants in state `queued`) are taken by queue priority, then longest
 * waiting, and offered to the eligible queue member with the best member priority, then the longest
 * idle; one offer per agent; agents who declined or missed this call are tried last.
 */
import { sql } from 'kysely';
import type { ParticipantTable, UserTable } from '../db/schema.ts';
import type { Tx } from './engine.ts';
import { loadUser } from './presence.ts';
import { settings } from './settings.ts';

export const JOB_OFFER_TIMEOUT = 'offer_timeout';
export const JOB_SECONDARY_RING = 'secondary_ring';

/** Called by an offer; implemented in calls.ts (auto-accept) — injected to keep the import graph one-way. */
export type AcceptHook = (tx: Tx, leg: ParticipantTable, user: UserTable) => Promise<void>;
export type OfferEventHook = (tx: Tx, leg: ParticipantTable, user: UserTable) => Promise<void>;

export interface RouterHooks {
  announceOffer: OfferEventHook;
  autoAccept: AcceptHook;
}

/** Candidates for a queue leg, best first (before the declined/missed reordering). */
async function queueCandidates(tx: Tx, queueId: string): Promise<string[]> {
  const rows = await sql<{ id: string }>`
    select u.id as id, min(m.priority) as prio, u.idle_since as idle
    from users u
    join (
      select qm.member_id as user_id, qm.priority as priority
        from queue_members qm where qm.queue_id = ${queueId} and qm.member_type = 'user'
      union all
      select gm.user_id as user_id, qm.priority as priority
        from queue_members qm join group_members gm on gm.group_id = qm.member_id
        where qm.queue_id = ${queueId} and qm.member_type = 'group'
    ) m on m.user_id = u.id
    where u.contact_center_id = ${tx.ccId} and u.presence_state = 'available' and u.offered_leg_id is null
    group by u.id, u.idle_since
    order by prio asc, idle asc
    limit 200`.execute(tx.db);
  return rows.rows.map((r) => r.id);
}

/** Offers every waiting leg it can; returns the number of offers made. */
export async function route(tx: Tx, hooks: RouterHooks): Promise<number> {
  const anyone = await tx.db
    .selectFrom('users')
    .select('id')
    .where('contact_center_id', '=', tx.ccId)
    .where('presence_state', '=', 'available')
    .where('offered_leg_id', 'is', null)
    .executeTakeFirst();
  if (!anyone) return 0;
  const legs = await tx.db
    .selectFrom('participants')
    .selectAll()
    .where('contact_center_id', '=', tx.ccId)
    .where('state', '=', 'queued')
    .where((eb) => eb.or([eb('not_before', 'is', null), eb('not_before', '<=', tx.now)]))
    .orderBy('priority', 'desc')
    .orderBy('queued_at', 'asc')
    .execute();
  const taken = new Set<string>();
  let offers = 0;
  for (const leg of legs) {
    if (!leg.queue_id) continue;
    const declined = new Set(JSON.parse(leg.declined_by_json) as string[]);
    const candidates = (await queueCandidates(tx, leg.queue_id)).filter((id) => !taken.has(id));
    const chosen = candidates.find((id) => !declined.has(id)) ?? candidates[0];
    if (!chosen) continue;
    taken.add(chosen);
    await offer(tx, leg, await loadUser(tx, chosen), hooks);
    offers++;
  }
  return offers;
}

/** Rings `user` with `leg`: one offer per agent, withdrawn at the ring timeout. */
export async function offer(
  tx: Tx,
  leg: ParticipantTable,
  user: UserTable,
  hooks: RouterHooks,
): Promise<void> {
  const expires = tx.now + (await settings(tx)).ringTimeoutSeconds * 1000;
  const ringing: ParticipantTable = {
    ...leg,
    state: 'ringing',
    user_id: user.id,
    name: user.display_name,
    offered_at: tx.now,
    offer_expires_at: expires,
  };
  await tx.db
    .updateTable('participants')
    .set({
      state: 'ringing',
      user_id: user.id,
      name: user.display_name,
      offered_at: tx.now,
      offer_expires_at: expires,
    })
    .where('id', '=', leg.id)
    .execute();
  await tx.db.updateTable('users').set({ offered_leg_id: leg.id }).where('id', '=', user.id).execute();
  await tx.db
    .updateTable('calls')
    .set({ state: 'ringing' })
    .where('id', '=', leg.call_id)
    .where('state', '=', 'queued')
    .execute();
  await tx.schedule(JOB_OFFER_TIMEOUT, leg.id, expires, { offeredAt: tx.now });
  if (
    user.secondary_number &&
    user.secondary_delay_s !== null &&
    tx.now + user.secondary_delay_s * 1000 < expires
  ) {
    await tx.schedule(JOB_SECONDARY_RING, leg.id, tx.now + user.secondary_delay_s * 1000, {
      offeredAt: tx.now,
    });
  }
  await hooks.announceOffer(tx, ringing, user);
  if (user.auto_accept === 1) await hooks.autoAccept(tx, ringing, { ...user, offered_leg_id: leg.id });
}

/**
 * Takes an offer back from the agent it rings; the leg returns to its queue at its original position,
 * remembering who declined or missed it. Legs without a queue (direct to an agent) are returned as is.
 */
export async function withdrawOffer(tx: Tx, leg: ParticipantTable): Promise<ParticipantTable> {
  if (leg.user_id) {
    await tx.db.updateTable('users').set({ offered_leg_id: null }).where('id', '=', leg.user_id).execute();
  }
  await tx.cancelJobs(leg.id, [JOB_OFFER_TIMEOUT, JOB_SECONDARY_RING]);
  const declined = JSON.parse(leg.declined_by_json) as string[];
  if (leg.user_id && !declined.includes(leg.user_id)) declined.push(leg.user_id);
  const back: ParticipantTable = {
    ...leg,
    state: 'queued',
    user_id: null,
    name: null,
    offered_at: null,
    offer_expires_at: null,
    secondary_ringing: 0,
    declined_by_json: JSON.stringify(declined),
  };
  await tx.db
    .updateTable('participants')
    .set({
      state: back.state,
      user_id: null,
      name: null,
      offered_at: null,
      offer_expires_at: null,
      secondary_ringing: 0,
      declined_by_json: back.declined_by_json,
    })
    .where('id', '=', leg.id)
    .execute();
  return back;
}
