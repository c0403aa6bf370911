/** Builds the emulator's Fastify app: the telephony API, the control API and the records page. */
import Fastify, { type FastifyInstance } from 'fastify';
import { registerApiRoutes } from './apiRoutes.ts';
import { registerControlRoutes } from './controlRoutes.ts';
import { errorBody } from './errors.ts';
import type { EmulatorState } from './state.ts';

type FastifyError = Error & { validation?: unknown; statusCode?: number };

export function buildEmulatorApp(state: EmulatorState): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: 1024 * 1024,
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false },
    },
  });
  // JSON only. An empty JSON body is no body (Clear Routing is sent so); anything else must parse.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, text, done) => {
    if (text === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text as string));
    } catch {
      done(Object.assign(new Error('the body is not valid JSON'), { statusCode: 400 }), undefined);
    }
  });
  app.setErrorHandler((err: FastifyError, _req, reply) => {
    if (err.validation) return reply.code(400).send(errorBody('INVALID_REQUEST', err.message));
    if (err.statusCode === 415) {
      return reply.code(415).send(errorBody('UNSUPPORTED_MEDIA_TYPE', 'the body must be application/json'));
    }
    if (err.statusCode && err.statusCode < 500) {
      return reply.code(err.statusCode).send(errorBody('INVALID_REQUEST', err.message));
    }
    console.error(err);
    return reply.code(500).send(errorBody('INTERNAL_ERROR', 'internal error'));
  });
  registerApiRoutes(app, state);
  registerControlRoutes(app, state);
  return app;
}
