/**
 * Serves the Voice Call Simulator page (docs/simulator-page.md) at `/simulator/`: the HTML, the page's
 * script (telephony/src/pages/simulator/, bundled with esbuild on first request and kept in memory)
 * and the SLDS style sheet. The page itself only calls the simulator API.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import { pageScript } from '../../../shared/pageBundler.ts';

const ENTRY = fileURLToPath(new URL('../pages/simulator/main.ts', import.meta.url));
const SLDS_CSS = fileURLToPath(
  new URL(
    '../../../node_modules/@salesforce-ux/design-system/assets/styles/salesforce-lightning-design-system.min.css',
    import.meta.url,
  ),
);

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Voice Call Simulator · Switchboard</title>
<link rel="stylesheet" href="slds.css">
<style>
body { background: #f3f3f3; padding-bottom: 2rem; }
.slds-card { margin-bottom: .75rem; }
.sb-check { display: inline-flex; align-items: center; gap: .25rem; margin-right: .75rem; }
.sb-check input { -webkit-appearance: checkbox; appearance: auto; position: static; opacity: 1; width: 1rem; height: 1rem; margin: 0; }
.sb-notice { position: sticky; top: 0; z-index: 10; min-width: 0; width: auto; margin: 0 .75rem .75rem; }
.sb-notice:empty { display: none; }
.sb-pre { white-space: pre-wrap; font-size: .75rem; }
.slds-button + .slds-button { margin-left: .25rem; }
td .slds-button { margin: .1rem .25rem .1rem 0; line-height: 1.5rem; }
td { white-space: normal !important; vertical-align: top; }
</style>
</head>
<body>
<script src="simulator.js"></script>
</body>
</html>
`;

/** `onRequest`: the simulator token's check (a Basic challenge) when one is configured. */
export function registerSimulatorPage(app: FastifyInstance, onRequest: onRequestHookHandler): void {
  const script = pageScript(ENTRY);
  app.get('/simulator', { onRequest }, async (_req, reply) => reply.redirect('/simulator/'));
  app.get('/simulator/', { onRequest }, async (_req, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header(
        'content-security-policy',
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:",
      )
      .send(PAGE),
  );
  app.get('/simulator/simulator.js', { onRequest }, async (_req, reply) => {
    try {
      return reply.type('application/javascript; charset=utf-8').send(await script());
    } catch (err) {
      app.log.error(err);
      return reply
        .code(500)
        .send({ error: { code: 'GENERIC_ERROR', message: 'the simulator page did not build' } });
    }
  });
  app.get('/simulator/slds.css', { onRequest }, async (_req, reply) =>
    reply
      .type('text/css; charset=utf-8')
      .header('cache-control', 'max-age=3600')
      .send(await readFile(SLDS_CSS)),
  );
}
