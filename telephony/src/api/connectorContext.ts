/**
 * What the connector's additions to the service share per service instance: the recording-link
 * secret (random per process unless the service is given one). Made once by `buildService`
 * (server.ts) and handed to the routes that need it. (The agents' message inbox is in the database:
 * engine/agentMessages.ts.)
 */
import { randomBytes } from 'node:crypto';

export interface ConnectorContext {
  recordingSecret: Buffer;
}

export function createConnectorContext(recordingSecret?: string): ConnectorContext {
  return {
    recordingSecret: recordingSecret ? Buffer.from(recordingSecret) : randomBytes(32),
  };
}
