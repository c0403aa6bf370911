/**
 * What the connector's additions to the service share per service instance: the agents' message
 * inbox and the recording-link secret (random per process unless the service is given one).
 */
import { randomBytes } from 'node:crypto';
import { AgentMessageInbox } from '../engine/agentMessages.ts';
import type { Engine } from '../engine/engine.ts';

export interface ConnectorContext {
  inbox: AgentMessageInbox;
  recordingSecret: Buffer;
}

const contexts = new WeakMap<Engine, ConnectorContext>();

export function connectorContext(engine: Engine, recordingSecret?: string): ConnectorContext {
  let context = contexts.get(engine);
  if (!context) {
    context = { inbox: new AgentMessageInbox(), recordingSecret: randomBytes(32) };
    contexts.set(engine, context);
  }
  if (recordingSecret) context.recordingSecret = Buffer.from(recordingSecret);
  return context;
}
