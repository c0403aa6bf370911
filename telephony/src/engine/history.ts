/**
 * The agent's contact history (docs/workspace.md): the calls she had a leg in, newest first, paged by
 * a keyset cursor over (leg start, leg id) on the index `participants_user_created`; calling one back.
 */
import { sql } from 'kysely';
import type { CallView } from '../contracts/agentApi.ts';
import type { Direction, HistoryItem, WorkspaceParamsOf } from '../contracts/workspace.ts';
import { ConnectorError, NotFoundError } from '../domain/errors.ts';
import { dial } from './calls.ts';
import type { Tx } from './engine.ts';

/** The roles of my own legs: an agent leg, or the calling leg of my outbound and internal calls. */
const MY_ROLES = ['agent', 'initial_caller'] as const;
const DEFAULT_LIMIT = 25;

function encodeCursor(startedAt: number, legId: string): string {
  return Buffer.from(JSON.stringify([startedAt, legId])).toString('base64url');
}

function decodeCursor(cursor: string): [number, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      Number.isSafeInteger(value[0]) &&
      typeof value[1] === 'string'
    )
      return [value[0] as number, value[1]];
  } catch {
    // falls through to the refusal below
  }
  throw new ConnectorError('INVALID_PARAMS', 'history.list: cursor is not one this service gave');
}

/** The customer's number of a call as its agent sees it. */
function otherParty(direction: Direction, from: string, to: string): string {
  return direction === 'inbound' ? from : to;
}

export async function history(
  tx: Tx,
  userId: string,
  p: WorkspaceParamsOf<'history.list'>,
): Promise<{ items: HistoryItem[]; nextCursor: string | null }> {
  const limit = p.limit ?? DEFAULT_LIMIT;
  let query = tx.db
    .selectFrom('participants as p')
    .innerJoin('calls as c', 'c.id', 'p.call_id')
    .leftJoin('queues as q', 'q.id', 'c.queue_id')
    .select([
      'p.id as leg_id',
      'p.call_id',
      'p.created_at',
      'p.joined_at',
      'p.left_at',
      'c.kind',
      'c.from_number',
      'c.to_number',
      'c.caller_name',
      'c.hold_ms',
      'c.disposition',
      'c.recording_url',
      'q.name as queue_name',
    ])
    .where('p.user_id', '=', userId)
    .where('p.contact_center_id', '=', tx.ccId)
    .where('p.role', 'in', MY_ROLES);
  if (p.direction) query = query.where('c.kind', '=', p.direction);
  if (p.from !== undefined) query = query.where('p.created_at', '>=', p.from);
  if (p.to !== undefined) query = query.where('p.created_at', '<', p.to);
  if (p.search) {
    const needle = `%${p.search.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    // `escape` spelled out: SQLite has no default escape character for LIKE (PostgreSQL's is the backslash).
    query = query.where(
      sql<boolean>`(c.from_number like ${needle} escape '\\' or c.to_number like ${needle} escape '\\' or lower(c.caller_name) like ${needle} escape '\\')`,
    );
  }
  if (p.cursor) {
    const [at, legId] = decodeCursor(p.cursor);
    query = query.where((eb) =>
      eb.or([eb('p.created_at', '<', at), eb.and([eb('p.created_at', '=', at), eb('p.id', '<', legId)])]),
    );
  }
  const rows = await query
    .orderBy('p.created_at', 'desc')
    .orderBy('p.id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    nextCursor: rows.length > limit && last ? encodeCursor(last.created_at, last.leg_id) : null,
    items: page.map((r) => {
      const direction = r.kind as Direction;
      const holdMs = r.joined_at === null ? 0 : r.hold_ms;
      const talkMs = r.joined_at === null ? 0 : (r.left_at ?? tx.now) - r.joined_at - holdMs;
      return {
        callId: r.call_id,
        direction,
        phoneNumber: otherParty(direction, r.from_number, r.to_number),
        callerName: r.caller_name,
        queueName: r.queue_name,
        startedAt: r.created_at,
        connectedAt: r.joined_at,
        endedAt: r.left_at,
        talkSeconds: Math.max(0, Math.round(talkMs / 1000)),
        holdSeconds: Math.round(holdMs / 1000),
        answered: r.joined_at !== null,
        disposition: r.disposition,
        recorded: r.recording_url !== null,
      };
    }),
  };
}

/** Dials the customer of a call from my history, like an outbound dial from the softphone. */
export async function callBack(tx: Tx, userId: string, callId: string): Promise<{ call: CallView }> {
  const row = await tx.db
    .selectFrom('participants as p')
    .innerJoin('calls as c', 'c.id', 'p.call_id')
    .select(['c.kind', 'c.from_number', 'c.to_number', 'c.callback_number'])
    .where('p.user_id', '=', userId)
    .where('p.contact_center_id', '=', tx.ccId)
    .where('p.role', 'in', MY_ROLES)
    .where('p.call_id', '=', callId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`no call ${callId} in your history`);
  const direction = row.kind as Direction;
  const phoneNumber =
    direction === 'callback'
      ? (row.callback_number ?? row.from_number)
      : otherParty(direction, row.from_number, row.to_number);
  if (!phoneNumber || direction === 'internal')
    throw new ConnectorError('INVALID_PHONE_NUMBER', 'this call has no customer number to call back');
  return dial(tx, userId, { type: 'phoneNumber', phoneNumber }, { initialCallId: callId });
}
