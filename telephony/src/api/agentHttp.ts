/** Agent login and logout over HTTP (the socket then authenticates with the token). */
import type { FastifyInstance } from 'fastify';
import { LoginBody } from '../protocol/agentProtocol.ts';
import type { Engine } from '../engine/engine.ts';
import { failOffer, routeWaiting } from '../engine/calls.ts';
import { setPresence, loadUser } from '../engine/presence.ts';
import { publicUser, type Sessions } from '../engine/sessions.ts';
import { ConnectorError } from '../domain/errors.ts';
import { errorBody } from './errors.ts';

export function registerAgentHttp(app: FastifyInstance, engine: Engine, sessions: Sessions): void {
  app.post<{ Body: LoginBody }>('/agent/v1/login', { schema: { body: LoginBody } }, async (req, reply) => {
    try {
      const { token, expiresAt, user } = await sessions.login(req.body);
      return { token, expiresAt, user: publicUser(user) };
    } catch (err) {
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
    await engine.command(auth.user.contact_center_id, async (tx) => {
      const user = await loadUser(tx, auth.user.id);
      if (user.active_call_id) return;
      // A call ringing for the agent goes back to its queue now, not at its ring timeout.
      const offered = user.offered_leg_id
        ? await tx.db
            .selectFrom('participants')
            .selectAll()
            .where('id', '=', user.offered_leg_id)
            .executeTakeFirst()
        : undefined;
      if (offered) await failOffer(tx, offered, 'FailedConnectAgent');
      await setPresence(tx, await loadUser(tx, user.id), 'offline', null, false);
      if (offered) await routeWaiting(tx);
    });
    await sessions.end(auth.sessionId, 'loggedOut');
    return { ok: true };
  });
}
