/**
 * Live wallboard updates (docs/workspace.md): the committed changes of a contact center (calls,
 * participants, agents' presence) are gathered for at most `WALLBOARD_PUSH_MS`, then one command
 * reads the fresh rows they touched and appends them as a `MESSAGE` event
 * (`{ switchboard: 'workspace.event', topic: 'wallboard', data }`) to each subscribed supervisor's
 * stream, which her connector publishes to the components. Contact centers without subscribers cost a
 * single indexed read per window.
 */
import type { WorkspaceMessage } from '../contracts/workspace.ts';
import type { DomainEvent } from './domainEvents.ts';
import type { Engine } from './engine.ts';
import { wallboardDelta, wallboardSubscribers } from './wallboard.ts';

export const WALLBOARD_PUSH_MS = 250;

interface Pending {
  callIds: Set<string>;
  userIds: Set<string>;
  timer: ReturnType<typeof setTimeout>;
}

export class WallboardPush {
  private readonly pending = new Map<string, Pending>();
  private stopped = false;

  constructor(
    private readonly engine: Engine,
    private readonly onError: (err: unknown) => void = (err) => console.error('wallboard push:', err),
  ) {}

  /** Subscribe with `engine.events.subscribe((batch) => push.committed(batch))`. */
  committed(batch: readonly DomainEvent[]): void {
    if (this.stopped) return;
    for (const e of batch) {
      if (e.type === 'AgentEventAppended') continue;
      let p = this.pending.get(e.contactCenterId);
      if (!p) {
        const ccId = e.contactCenterId;
        p = {
          callIds: new Set(),
          userIds: new Set(),
          timer: setTimeout(() => this.flush(ccId), WALLBOARD_PUSH_MS),
        };
        p.timer.unref?.();
        this.pending.set(ccId, p);
      }
      if ('callId' in e) p.callIds.add(e.callId);
      if ('userId' in e && e.userId) p.userIds.add(e.userId);
    }
  }

  stop(): void {
    this.stopped = true;
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
  }

  private flush(ccId: string): void {
    const p = this.pending.get(ccId);
    this.pending.delete(ccId);
    if (!p || this.stopped) return;
    void this.push(ccId, [...p.callIds], [...p.userIds]).catch(this.onError);
  }

  private async push(ccId: string, callIds: string[], userIds: string[]): Promise<void> {
    const any = await this.engine.db
      .selectFrom('wallboard_subscribers')
      .select('user_id')
      .where('contact_center_id', '=', ccId)
      .executeTakeFirst();
    if (!any || this.stopped) return;
    await this.engine.command(ccId, async (tx) => {
      const subscribers = await wallboardSubscribers(tx);
      if (subscribers.length === 0) return;
      const message: WorkspaceMessage = {
        switchboard: 'workspace.event',
        topic: 'wallboard',
        data: await wallboardDelta(tx, callIds, userIds),
      };
      for (const userId of subscribers) await tx.emit(userId, 'MESSAGE', { message });
    });
  }
}
