/**
 * What the connector's additions to the service share per service instance: the agents' message
 * inbox and the recording-link secret (random per process unless the service is given one). Made
 * once by `buildService` (server.ts) and handed to the routes that need it.
 */
import { randomBytes } from 'node:crypto';
import { AgentMessageInbox } from '../engine/agentMessages.ts';

export interface ConnectorContext {
  inbox: AgentMessageInbox;
  recordingSecret: Buffer;
}

export function createConnectorContext(recordingSecret?: string): ConnectorContext {
  return {
    inbox: new AgentMessageInbox(),
    recordingSecret: recordingSecret ? Buffer.from(recordingSecret) : randomBytes(32),
  };
}
