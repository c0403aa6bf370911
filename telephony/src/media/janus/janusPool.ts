/**
 * The media engine over Janus media nodes: one node is a `JanusEngine`; several are a pool.
 *
 * Placement: legs of one group (a contact center: its agents' stations and its calls' parties) go
 * to one node, chosen by load (fewest legs and rooms) when the group's first leg opens, so every
 * conversation of the group can be mixed there. A conversation lives on the node of its legs.
 *
 * A node that dies: its legs are reported closed (`node-lost`: the media plane drops the parties from
 * their calls and forgets the stations), its groups are placed again on a live node by their next
 * leg, and a node that was lost is tried again only after `RETRY_DOWN_MS`.
 */
import {
  MediaError,
  type ClockStats,
  type ConversationSpec,
  type FinishedRecording,
  type LegPlacement,
  type MediaCounts,
  type MediaEngine,
  type MediaEvent,
  type RtpAddress,
} from '../mediaEngine.ts';
import { JanusEngine, type JanusNodeOptions } from './janusEngine.ts';

const RETRY_DOWN_MS = 10_000;

export interface JanusPoolOptions {
  spoolDir: string;
  webrtcConnectTimeoutMs?: number;
}

export function janusMediaEngine(nodes: JanusNodeOptions[], options: JanusPoolOptions): MediaEngine {
  const engines = nodes.map((node) => new JanusEngine({ node, ...options }));
  return engines.length === 1 ? (engines[0] as JanusEngine) : new JanusPool(engines);
}

export class JanusPool implements MediaEngine {
  private readonly legNode = new Map<string, JanusEngine>();
  private readonly conversationNode = new Map<string, JanusEngine>();
  private readonly groupNode = new Map<string, JanusEngine>();
  private readonly listeners = new Set<(e: MediaEvent) => void>();
  private readonly unsubscribe: Array<() => void>;

  constructor(readonly nodes: JanusEngine[]) {
    this.unsubscribe = nodes.map((node) => node.subscribe((e) => this.onNodeEvent(node, e)));
  }

  private onNodeEvent(node: JanusEngine, e: MediaEvent): void {
    if (e.type === 'restarted') {
      for (const [id, n] of this.conversationNode) if (n === node) this.conversationNode.delete(id);
      for (const [group, n] of this.groupNode) if (n === node) this.groupNode.delete(group);
    }
    if (e.type === 'legClosed') this.legNode.delete(e.legId);
    for (const l of this.listeners) l(e);
  }

  /** The group's node, or the live node with the least load. */
  private pick(placement: LegPlacement | undefined): JanusEngine {
    const placed = placement ? this.groupNode.get(placement.group) : undefined;
    if (placed && placed.downSince === 0) return placed;
    const now = Date.now();
    const candidates = this.nodes.filter((n) => n.downSince === 0 || now - n.downSince > RETRY_DOWN_MS);
    const node = (candidates.length > 0 ? candidates : this.nodes).reduce((a, b) =>
      b.load < a.load ? b : a,
    );
    if (placement) this.groupNode.set(placement.group, node);
    return node;
  }

  /** Opens a leg on the placement's node; a node that fails is skipped for the next one. */
  private async open<T>(
    legId: string,
    placement: LegPlacement | undefined,
    run: (node: JanusEngine) => Promise<T>,
  ): Promise<T> {
    if (this.legNode.has(legId)) throw new MediaError('INVALID_PARAMS', `leg ${legId} exists`);
    let lastError: unknown;
    for (let attempt = 0; attempt < this.nodes.length; attempt++) {
      const node = this.pick(placement);
      try {
        const result = await run(node);
        this.legNode.set(legId, node);
        return result;
      } catch (err) {
        if (!(err instanceof MediaError) || err.code !== 'MEDIA_UNAVAILABLE') throw err;
        lastError = err;
        node.downSince ||= Date.now();
        if (placement) this.groupNode.delete(placement.group);
      }
    }
    throw lastError;
  }

  openWebRtcLeg(legId: string, offerSdp: string, placement?: LegPlacement): Promise<{ answerSdp: string }> {
    return this.open(legId, placement, (node) => node.openWebRtcLeg(legId, offerSdp));
  }

  openRtpLeg(legId: string, remote: RtpAddress, placement?: LegPlacement): Promise<RtpAddress> {
    return this.open(legId, placement, (node) => node.openRtpLeg(legId, remote));
  }

  async closeLeg(legId: string): Promise<void> {
    const node = this.legNode.get(legId);
    this.legNode.delete(legId);
    await node?.closeLeg(legId);
  }

  /** On the node of the conversation, or of its first leg; legs on another node are left out. */
  async setConversation(conversationId: string, spec: ConversationSpec): Promise<void> {
    let node = this.conversationNode.get(conversationId);
    if (!node) {
      const first = spec.legs.map((l) => this.legNode.get(l.legId)).find((n) => n !== undefined);
      if (!first) return;
      node = first;
      this.conversationNode.set(conversationId, node);
    }
    const legs = spec.legs.filter((l) => this.legNode.get(l.legId) === node);
    await node.setConversation(conversationId, { ...spec, legs });
  }

  async endConversation(conversationId: string): Promise<FinishedRecording | null> {
    const node = this.conversationNode.get(conversationId);
    this.conversationNode.delete(conversationId);
    return node ? node.endConversation(conversationId) : null;
  }

  async sendDigits(legId: string, digits: string): Promise<void> {
    const node = this.legNode.get(legId);
    if (!node) throw new MediaError('UNKNOWN_LEG', `no leg ${legId}`);
    await node.sendDigits(legId, digits);
  }

  async counts(): Promise<MediaCounts> {
    const all = await Promise.all(this.nodes.map((n) => n.counts()));
    return all.reduce(
      (a, c) => ({
        legs: a.legs + c.legs,
        conversations: a.conversations + c.conversations,
        recordings: a.recordings + c.recordings,
      }),
      { legs: 0, conversations: 0, recordings: 0 },
    );
  }

  async clockStats(): Promise<ClockStats> {
    return { ticks: 0, lateTicks: 0, maxLateMs: 0, maxTickMs: 0 };
  }

  subscribe(listener: (event: MediaEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    for (const u of this.unsubscribe) u();
    await Promise.all(this.nodes.map((n) => n.close()));
  }
}
