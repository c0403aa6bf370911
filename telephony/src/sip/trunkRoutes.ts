/**
 * The admin API of SIP trunks (docs/sip.md, "Trunks: admin API"), registered inside the admin API's
 * scope: its authentication, rate limit and error bodies apply.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ContactCenterTable } from '../db/schema.ts';
import type { Engine } from '../engine/engine.ts';
import { CcParams } from '../contracts/adminApi.ts';
import { TrunkBody, TrunkParams } from '../contracts/sipApi.ts';
import { addTrunk, listTrunks, removeTrunk, replaceTrunk } from './trunks.ts';

export function registerTrunkRoutes(
  admin: FastifyInstance,
  engine: Engine,
  contactCenter: (req: FastifyRequest<{ Params: CcParams }>) => Promise<ContactCenterTable>,
): void {
  const db = engine.db;
  const path = '/contact-centers/:cc/sip-trunks';
  admin.get<{ Params: CcParams }>(path, { schema: { params: CcParams } }, async (req) => ({
    trunks: await listTrunks(db, await contactCenter(req)),
  }));
  admin.post<{ Params: CcParams; Body: TrunkBody }>(
    path,
    { schema: { params: CcParams, body: TrunkBody } },
    async (req, reply) =>
      reply.code(201).send(await addTrunk(db, await contactCenter(req), req.body, engine.clock.now())),
  );
  admin.put<{ Params: TrunkParams; Body: TrunkBody }>(
    `${path}/:trunkId`,
    { schema: { params: TrunkParams, body: TrunkBody } },
    async (req) => replaceTrunk(db, await contactCenter(req), req.params.trunkId, req.body),
  );
  admin.delete<{ Params: TrunkParams }>(
    `${path}/:trunkId`,
    { schema: { params: TrunkParams } },
    async (req) => removeTrunk(db, await contactCenter(req), req.params.trunkId),
  );
}
