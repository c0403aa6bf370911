/**
 * SIP trunks in the database (docs/sip.md): checked, stored, listed, and found for an INVITE by its
 * source address and dialed number.
 */
import type { Db } from '../db/database.ts';
import type { ContactCenterTable, SipTrunkTable } from '../db/schema.ts';
import { newId } from '../domain/ids.ts';
import type { Trunk, TrunkBody } from '../contracts/sipApi.ts';
import { conflict, invalidParams, notFound } from '../admin/errors.ts';
import { ha1 } from './digest.ts';

/** The narrowest CIDR block allowed is a /8: wider ones (0.0.0.0/0) would open the trunk to anyone. */
const MIN_PREFIX = 8;

function ipv4ToInt(address: string): number | null {
  const parts = address.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    n = n * 256 + Number(p);
  }
  return n;
}

/** The block of an address or CIDR (`a.b.c.d[/n]`); null when it is not one. */
function parseBlock(source: string): { base: number; prefix: number } | null {
  const [address, bits] = source.split('/');
  const base = ipv4ToInt(address ?? '');
  const prefix = bits === undefined ? 32 : Number(bits);
  if (base === null || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) return null;
  return { base, prefix };
}

function inBlock(address: number, block: { base: number; prefix: number }): boolean {
  if (block.prefix === 0) return true;
  const shift = 32 - block.prefix;
  return Math.floor(address / 2 ** shift) === Math.floor(block.base / 2 ** shift);
}

/** Whether `source` (an IPv4 address) is one of `allowed` (addresses and CIDR blocks). */
export function sourceAllowed(allowed: readonly string[], source: string): boolean {
  const address = ipv4ToInt(source.replace(/^::ffff:/, ''));
  if (address === null) return false;
  return allowed.some((s) => {
    const block = parseBlock(s);
    return block !== null && inBlock(address, block);
  });
}

/** Whether the E.164 `number` is one of `patterns` (numbers, and prefixes ending in `*`). */
export function numberCarried(patterns: readonly string[], number: string): boolean {
  return patterns.some((p) => (p.endsWith('*') ? number.startsWith(p.slice(0, -1)) : p === number));
}

function checkBody(body: TrunkBody): void {
  body.allowedSources.forEach((s, i) => {
    const block = parseBlock(s);
    if (!block)
      throw invalidParams(`${s} is not an IPv4 address or CIDR block`, {
        path: `/allowedSources/${i}`,
        value: s,
      });
    if (block.prefix < MIN_PREFIX)
      throw invalidParams(`${s} is wider than a /${MIN_PREFIX}: a trunk takes named carriers only`, {
        path: `/allowedSources/${i}`,
        value: s,
      });
  });
}

function view(row: SipTrunkTable): Trunk {
  return {
    id: row.id,
    name: row.name,
    host: row.host,
    port: Number(row.port),
    transport: row.transport,
    allowedSources: JSON.parse(row.allowed_sources_json) as string[],
    numbers: JSON.parse(row.numbers_json) as string[],
    auth: row.auth_username ? { username: row.auth_username } : null,
    createdAt: Number(row.created_at),
  };
}

export async function listTrunks(db: Db, cc: ContactCenterTable): Promise<Trunk[]> {
  const rows = await db
    .selectFrom('sip_trunks')
    .selectAll()
    .where('contact_center_id', '=', cc.id)
    .orderBy('name')
    .orderBy('id')
    .execute();
  return rows.map(view);
}

async function trunkRow(db: Db, cc: ContactCenterTable, trunkId: string): Promise<SipTrunkTable> {
  const row = await db
    .selectFrom('sip_trunks')
    .selectAll()
    .where('contact_center_id', '=', cc.id)
    .where('id', '=', trunkId)
    .executeTakeFirst();
  if (!row) throw notFound(`no SIP trunk ${trunkId}`, { trunkId });
  return row;
}

async function checkName(db: Db, cc: ContactCenterTable, name: string, except: string | null): Promise<void> {
  const taken = await db
    .selectFrom('sip_trunks')
    .select('id')
    .where('contact_center_id', '=', cc.id)
    .where((eb) => eb(eb.fn<string>('lower', ['name']), '=', name.toLowerCase()))
    .executeTakeFirst();
  if (taken && taken.id !== except) throw conflict(`a SIP trunk named ${name} exists`, { trunkId: taken.id });
}

function columns(body: TrunkBody) {
  return {
    name: body.name.trim(),
    host: body.host.toLowerCase(),
    port: body.port ?? 5060,
    transport: body.transport ?? 'udp',
    allowed_sources_json: JSON.stringify(body.allowedSources),
    numbers_json: JSON.stringify(body.numbers),
    auth_username: body.auth?.username ?? null,
    auth_ha1: body.auth ? ha1(body.auth.username, body.auth.password) : null,
  };
}

export async function addTrunk(db: Db, cc: ContactCenterTable, body: TrunkBody, now: number): Promise<Trunk> {
  checkBody(body);
  const values = columns(body);
  await checkName(db, cc, values.name, null);
  const id = newId('TK');
  await db
    .insertInto('sip_trunks')
    .values({ id, contact_center_id: cc.id, created_at: now, ...values })
    .execute();
  return view(await trunkRow(db, cc, id));
}

export async function replaceTrunk(
  db: Db,
  cc: ContactCenterTable,
  trunkId: string,
  body: TrunkBody,
): Promise<Trunk> {
  checkBody(body);
  await trunkRow(db, cc, trunkId);
  const values = columns(body);
  await checkName(db, cc, values.name, trunkId);
  await db.updateTable('sip_trunks').set(values).where('id', '=', trunkId).execute();
  return view(await trunkRow(db, cc, trunkId));
}

export async function removeTrunk(db: Db, cc: ContactCenterTable, trunkId: string): Promise<{ ok: true }> {
  await trunkRow(db, cc, trunkId);
  await db.deleteFrom('sip_trunks').where('id', '=', trunkId).execute();
  return { ok: true };
}

export interface TrunkMatch {
  trunkId: string;
  contactCenterId: string;
  auth: { username: string; ha1: string } | null;
}

/**
 * The trunk an INVITE arrives on: one of the contact center's (the owner of `dialed`) whose sources
 * include `source` and whose numbers include `dialed`. 'unknown-source' when no trunk anywhere allows
 * the source (no open relay), 'not-carried' when the source is a trunk's but not for this number.
 */
export async function trunkFor(
  db: Db,
  source: string,
  dialed: string | null,
): Promise<TrunkMatch | 'unknown-source' | 'not-carried'> {
  const owner = dialed
    ? await db
        .selectFrom('phone_numbers')
        .select('contact_center_id')
        .where('number', '=', dialed)
        .executeTakeFirst()
    : undefined;
  if (owner) {
    const rows = await db
      .selectFrom('sip_trunks')
      .selectAll()
      .where('contact_center_id', '=', owner.contact_center_id)
      .execute();
    for (const row of rows) {
      const t = view(row);
      if (sourceAllowed(t.allowedSources, source) && numberCarried(t.numbers, dialed!))
        return {
          trunkId: row.id,
          contactCenterId: row.contact_center_id,
          auth: row.auth_username && row.auth_ha1 ? { username: row.auth_username, ha1: row.auth_ha1 } : null,
        };
    }
  }
  const all = await db.selectFrom('sip_trunks').select('allowed_sources_json').execute();
  const known = all.some((r) => sourceAllowed(JSON.parse(r.allowed_sources_json) as string[], source));
  return known ? 'not-carried' : 'unknown-source';
}
