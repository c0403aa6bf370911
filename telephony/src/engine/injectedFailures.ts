/**
 * Failures the simulator injects into an agent's next request (docs/simulator-api.md, fail-next):
 * rows of `injected_failures`, kept apart from the user. The agent API's hot path asks the
 * `InjectedFailureGate` first, which queries the table only for a contact center that may have some.
 */
import type { Db } from '../db/database.ts';
import type { ConnectorErrorCode } from '../contracts/errors.ts';
import { ConnectorError } from '../domain/errors.ts';
import type { Tx } from './engine.ts';
import { loadUser } from './presence.ts';
import { settings } from './settings.ts';

export interface InjectedFailure {
  code: ConnectorErrorCode;
  customErrorLabel?: string;
  method?: string;
}

/** The simulator makes the agent's next request (or next request of `method`) fail. */
export async function injectFailure(tx: Tx, userId: string, failure: InjectedFailure): Promise<void> {
  await loadUser(tx, userId);
  const failureJson = JSON.stringify(failure);
  await tx.db
    .insertInto('injected_failures')
    .values({ user_id: userId, contact_center_id: tx.ccId, failure_json: failureJson })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ failure_json: failureJson }))
    .execute();
}

/** Consumes an injected failure that applies to `method`, if any. */
export async function takeInjectedFailure(
  tx: Tx,
  userId: string,
  method: string,
): Promise<ConnectorError | null> {
  const row = await tx.db
    .selectFrom('injected_failures')
    .select('failure_json')
    .where('user_id', '=', userId)
    .where('contact_center_id', '=', tx.ccId)
    .executeTakeFirst();
  if (!row) return null;
  const failure = JSON.parse(row.failure_json) as InjectedFailure;
  if (failure.method && failure.method !== method) return null;
  await tx.db.deleteFrom('injected_failures').where('user_id', '=', userId).execute();
  if (failure.customErrorLabel) {
    const label = failure.customErrorLabel;
    const message = (await settings(tx)).customErrorLabels[label] ?? label;
    return new ConnectorError('CUSTOM_ERROR', message, label);
  }
  return new ConnectorError(failure.code || 'GENERIC_ERROR', `simulated failure of ${method}`);
}

/**
 * Whether a contact center may have injected failures, known without a query once asked: the
 * table is read once per contact center, then kept true by `injected` and forgotten (asked again)
 * after a failure was taken. A failure injected through another node's simulator API is announced
 * by the cluster (`forget`, docs/scaling.md).
 */
export class InjectedFailureGate {
  private readonly known = new Map<string, boolean>();
  private readonly listeners: Array<(ccId: string) => void> = [];

  constructor(private readonly db: Db) {}

  async mayHave(ccId: string): Promise<boolean> {
    const known = this.known.get(ccId);
    if (known !== undefined) return known;
    const row = await this.db
      .selectFrom('injected_failures')
      .select('user_id')
      .where('contact_center_id', '=', ccId)
      .limit(1)
      .executeTakeFirst();
    // A failure injected while this ran has set true already; keep that.
    if (!this.known.has(ccId)) this.known.set(ccId, row !== undefined);
    return this.known.get(ccId) as boolean;
  }

  injected(ccId: string): void {
    this.known.set(ccId, true);
    for (const listener of this.listeners) listener(ccId);
  }

  /** Told when a failure is injected through this node (the cluster tells the other nodes). */
  onInjected(listener: (ccId: string) => void): void {
    this.listeners.push(listener);
  }

  /** Another node injected a failure: the table is asked again. */
  forget(ccId: string): void {
    this.known.delete(ccId);
  }

  taken(ccId: string): void {
    this.known.delete(ccId);
  }
}
