/** Agent login and logout over HTTP (the socket then authenticates with the token). */
import type { FastifyInstance } from 'fastify';
import { LoginBody } from '../contracts/agentApi.ts';
import type { Engine } from '../engine/engine.ts';
import { logOutOfRouting } from '../engine/agentPresence.ts';
import { publicUser, type Sessions } from '../engine/sessions.ts';
import { ConnectorError, ThrottledError } from '../domain/errors.ts';
import { errorBody } from './errors.ts';

export function registerAgentHttp(app: FastifyInstance, engine: Engine, sessions: Sessions): void {
  app.post<{ Body: LoginBody }>('/agent/v1/login', { schema: { body: LoginBody } }, async (req, reply) => {
    try {
      const { token, expiresAt, user, deviceToken } = await sessions.login({ ...req.body, source: req.ip });
      return { token, expiresAt, user: publicUser(user), deviceToken };
    } catch (err) {
      if (err instanceof ThrottledError) reply.header('retry-after', String(err.retryAfterSeconds));
      const { status, body } = errorBody(err);
      return reply.code(status).send({ error: body });
    }
  });

  app.post('/agent/v1/logout', async (req, reply) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const auth = token ? await sessions.authenticate(token) : { ended: 'invalid' as const };
    if ('ended' in auth) {
      const { status, body } = errorBody(new ConnectorError('AUTHENTICATION_ERROR', 'no valid session'));
      return reply.code(status).send({ error: body });
    }
    await engine.command(auth.user.contact_center_id, (tx) => logOutOfRouting(tx, auth.user.id));
    await sessions.end(auth.sessionId, 'loggedOut');
    return { ok: true };
  });
}
