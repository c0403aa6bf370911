/**
 * What the connector needs from the service over HTTP (docs/connector.md): the connector page and its
 * bundle (connector-URL mode), CORS for the agent login when the connector runs from a Salesforce
 * domain (static resource mode), and the signed recording links' endpoint: a valid link serves the
 * call's recording from the local store, or redirects to a presigned URL of the call's object in the
 * bucket under its own contact center's prefix — never to a URL stored on the call (docs/security.md).
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Engine } from '../engine/engine.ts';
import { checkRecordingLink, RECORDING_LINK_PREFIX } from '../engine/recordingLinks.ts';
import type { RecordingArchive } from '../storage/recordingArchive.ts';
import type { ConnectorContext } from './connectorContext.ts';

/** The bundle built by `npm run build:connector` (the package's static resource). */
export const CONNECTOR_BUNDLE = new URL(
  '../../../force-app/main/default/staticresources/switchboardConnector.js',
  import.meta.url,
);

/** Pages of a Salesforce org: Lightning, Visualforce (where the static resource runs), sites. */
export const SALESFORCE_ORIGIN =
  /^https:\/\/[\w-]+(\.[\w-]+)*\.(force\.com|salesforce\.com|visualforce\.com|force-user-content\.com|salesforce-sites\.com)$/;

/** Who may frame the connector page: Salesforce, and the local emulator during development. */
const FRAME_ANCESTORS = [
  "'self'",
  'https://*.force.com',
  'https://*.salesforce.com',
  'https://*.visualforce.com',
  'http://127.0.0.1:*',
  'http://localhost:*',
].join(' ');

const CORS_PATHS = new Set(['/agent/v1/login', '/agent/v1/logout']);

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchboard</title>
</head>
<body>
<div id="switchboard"></div>
<script src="switchboardConnector.js"></script>
</body>
</html>
`;

export function registerConnectorRoutes(
  app: FastifyInstance,
  engine: Engine,
  context: ConnectorContext,
  recordings: RecordingArchive | null,
): void {
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const origin = req.headers.origin;
    if (!origin || !SALESFORCE_ORIGIN.test(origin) || !CORS_PATHS.has(req.url)) return;
    reply.header('access-control-allow-origin', origin).header('vary', 'origin');
  });
  for (const path of CORS_PATHS) {
    app.options(path, async (_req, reply) =>
      reply
        .code(204)
        .header('access-control-allow-methods', 'POST')
        .header('access-control-allow-headers', 'content-type, authorization')
        .header('access-control-max-age', '600')
        .send(),
    );
  }

  app.get('/connector', async (_req, reply) => reply.redirect('/connector/'));
  app.get('/connector/', async (_req, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header(
        'content-security-policy',
        `default-src 'self'; connect-src 'self' ws: wss:; style-src 'self' 'unsafe-inline'; frame-ancestors ${FRAME_ANCESTORS}`,
      )
      .send(PAGE),
  );
  app.get('/connector/switchboardConnector.js', async (_req, reply) => {
    try {
      const code = await readFile(CONNECTOR_BUNDLE);
      return reply
        .type('application/javascript; charset=utf-8')
        .header('cache-control', 'no-cache')
        .send(code);
    } catch {
      return reply
        .code(404)
        .send({ error: { code: 'NOT_FOUND', message: 'connector not built: run npm run build:connector' } });
    }
  });

  app.get<{ Params: { callId: string }; Querystring: { expires?: string; sig?: string } }>(
    `${RECORDING_LINK_PREFIX}:callId`,
    async (req, reply) => {
      const { callId } = req.params;
      const check = checkRecordingLink(
        context.recordingSecret,
        callId,
        req.query.expires ?? '',
        req.query.sig ?? '',
        engine.clock.now(),
      );
      if (check !== 'valid') {
        return reply
          .code(403)
          .send({ error: { code: 'AUTHENTICATION_ERROR', message: `recording link ${check}` } });
      }
      const now = engine.clock.now();
      const row = await recordings?.current(callId);
      const target = row ? await recordings!.target(row, (Number(req.query.expires) - now) / 1000) : null;
      if (!target) {
        return reply
          .code(404)
          .send({ error: { code: 'NOT_FOUND', message: `no recording for call ${callId}` } });
      }
      if ('url' in target) return reply.header('cache-control', 'no-store').redirect(target.url, 302);
      return reply
        .type('audio/wav')
        .header('cache-control', 'private, no-store')
        .send(createReadStream(target.file));
    },
  );
}
