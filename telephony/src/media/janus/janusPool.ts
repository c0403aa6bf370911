/**
 * The media engine over Janus media nodes: one node is a `JanusEngine`; several are a pool that
 * places each call's conversation on the node chosen by load.
 */
import type { MediaEngine } from '../mediaEngine.ts';
import { JanusEngine, type JanusNodeOptions } from './janusEngine.ts';

export function janusMediaEngine(
  nodes: JanusNodeOptions[],
  options: { spoolDir: string; webrtcConnectTimeoutMs?: number },
): MediaEngine {
  if (nodes.length !== 1) throw new Error('several Janus nodes: not yet');
  return new JanusEngine({ node: nodes[0] as JanusNodeOptions, ...options });
}
