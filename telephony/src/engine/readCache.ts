/**
 * Reads a command repeats, answered once: the call, its participants, queue names, the contact
 * center's settings, a user's row and presence rule. A command reads the same rows many times (every
 * event it emits builds each recipient's view of the call); the cache keeps each answer until the
 * command writes to a table it came from. It is a Kysely plugin on the command's transaction, so it
 * sees every statement: an insert, update or delete of one of those tables (or any statement whose
 * table it cannot tell) drops the answers read from it. It lives for one command only: nothing is
 * shared between commands, nodes or transactions.
 *
 * Cached rows are frozen: a caller that changed one in place would corrupt later reads, so it throws.
 */
import {
  TableNode,
  type KyselyPlugin,
  type OperationNode,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';
import type { Database } from '../db/schema.ts';

export type CachedTable = keyof Database;

interface Entry {
  tables: readonly CachedTable[];
  value: Promise<unknown>;
}

export class ReadCache implements KyselyPlugin {
  private readonly entries = new Map<string, Entry>();

  /** The answer of `load` for `key`, read once until the command writes to one of `tables`. */
  get<T>(key: string, tables: readonly CachedTable[], load: () => Promise<T>): Promise<T> {
    const known = this.entries.get(key);
    if (known) return known.value as Promise<T>;
    const value = load().then(deepFreeze);
    this.entries.set(key, { tables, value });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const written = writtenTable(args.node);
    if (written !== null) this.drop(written);
    return args.node;
  }

  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }

  /** Drops what was read from `table` (`'*'`: everything). */
  private drop(table: string): void {
    if (this.entries.size === 0) return;
    for (const [key, entry] of this.entries)
      if (table === '*' || entry.tables.includes(table as CachedTable)) this.entries.delete(key);
  }
}

/** The table a statement writes: null for a read, `'*'` when it cannot be told. */
function writtenTable(node: RootOperationNode): string | null {
  switch (node.kind) {
    case 'SelectQueryNode':
      return node.with ? '*' : null;
    case 'InsertQueryNode':
      return node.into?.table.identifier.name ?? '*';
    case 'UpdateQueryNode':
      return node.joins || node.from ? '*' : tableName(node.table);
    case 'DeleteQueryNode':
      return node.using || node.joins || node.from.froms.length !== 1 ? '*' : tableName(node.from.froms[0]);
    case 'RawNode':
      return /^\s*select\b/i.test(node.sqlFragments[0] ?? '') ? null : '*';
    default:
      return '*';
  }
}

const tableName = (node: OperationNode | undefined): string =>
  node && TableNode.is(node) ? node.table.identifier.name : '*';

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
