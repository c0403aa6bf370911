/**
 * The admin API of SIP desk phones (docs/sip.md, "Desk phones"): issuing an agent's credentials.
 * Registered inside the admin API's scope: its authentication, rate limit and error bodies apply.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ContactCenterTable } from '../db/schema.ts';
import type { Engine } from '../engine/engine.ts';
import { UserParams, type CcParams } from '../contracts/adminApi.ts';
import { invalidParams } from '../admin/errors.ts';
import { issueCredentials } from './phones.ts';

export function registerPhoneRoutes(
  admin: FastifyInstance,
  engine: Engine,
  contactCenter: (req: FastifyRequest<{ Params: CcParams }>) => Promise<ContactCenterTable>,
  registrar: () => string | null,
): void {
  admin.post<{ Params: UserParams }>(
    '/contact-centers/:cc/users/:salesforceUserId/sip-credentials',
    { schema: { params: UserParams } },
    async (req, reply) => {
      const body: unknown = req.body;
      const empty =
        body === undefined ||
        body === null ||
        (typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0);
      if (!empty) throw invalidParams('this request takes no body (or {})', { path: '' });
      const cc = await contactCenter(req);
      const issued = await issueCredentials(
        engine.db,
        cc,
        req.params.salesforceUserId,
        registrar(),
        engine.clock.now(),
      );
      return reply.code(201).header('cache-control', 'no-store').send(issued);
    },
  );
}
