/** The emulator's control API over HTTP (`/emulator/v1/…`) and its records page (`/emulator/records`). */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { errorBody } from './errors.ts';
import { renderRecordsPage } from './recordsPage.ts';
import type { EmulatorState } from './state.ts';
import type { FlowRule } from './types.ts';

const Text = Type.String({ minLength: 1, maxLength: 255 });
const Registration = Type.Object(
  {
    orgId: Text,
    callCenterApiName: Text,
    keys: Type.Array(Type.String({ maxLength: 20_000 }), { minItems: 1, maxItems: 10 }),
  },
  { additionalProperties: false },
);
const Route = Type.Union([
  Type.Object({ type: Type.Literal('agent'), userId: Text }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('queue'), queueId: Text }, { additionalProperties: false }),
]);
const FlowRules = Type.Object(
  {
    rules: Type.Array(
      Type.Object(
        { flowDevName: Type.Optional(Text), dialedNumber: Type.Optional(Text), route: Route },
        { additionalProperties: false },
      ),
      { maxItems: 1000 },
    ),
  },
  { additionalProperties: false },
);
const FailNext = Type.Object(
  {
    count: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
    status: Type.Optional(Type.Integer({ minimum: 400, maximum: 599 })),
  },
  { additionalProperties: false },
);
const Latency = Type.Object(
  { ms: Type.Integer({ minimum: 0, maximum: 600_000 }) },
  { additionalProperties: false },
);
const Down = Type.Object(
  { seconds: Type.Number({ minimum: 0, maximum: 86_400 }) },
  { additionalProperties: false },
);

export const CONTROL_PREFIX = '/emulator/v1';

/** Runs a control action; an Error it throws (bad key, bad rule) answers 400 and changes nothing. */
function control(reply: FastifyReply, action: () => void) {
  try {
    action();
  } catch (err) {
    return reply.code(400).send(errorBody('INVALID_REQUEST', (err as Error).message));
  }
  return reply.code(204).send();
}

export function registerControlRoutes(app: FastifyInstance, state: EmulatorState): void {
  const p = CONTROL_PREFIX;
  app.post(`${p}/contactCenters`, { schema: { body: Registration } }, async (req, reply) =>
    control(reply, () => state.contactCenters.register(req.body as Static<typeof Registration>)),
  );
  app.put(`${p}/flowRules`, { schema: { body: FlowRules } }, async (req, reply) =>
    control(reply, () => state.setFlowRules((req.body as { rules: FlowRule[] }).rules)),
  );
  app.post(`${p}/faults/failNext`, { schema: { body: FailNext } }, async (req, reply) => {
    const { count, status } = req.body as Static<typeof FailNext>;
    return control(reply, () => state.faults.failNext(count, status));
  });
  app.put(`${p}/faults/latency`, { schema: { body: Latency } }, async (req, reply) =>
    control(reply, () => state.faults.setLatency((req.body as Static<typeof Latency>).ms)),
  );
  app.post(`${p}/faults/down`, { schema: { body: Down } }, async (req, reply) =>
    control(reply, () => state.faults.goDown((req.body as Static<typeof Down>).seconds)),
  );
  app.get(`${p}/voiceCalls`, async () => ({ voiceCalls: state.voiceCalls.all() }));
  app.get(`${p}/requests`, async () => ({ requests: structuredClone(state.requestLog) }));
  app.post(`${p}/reset`, async (_req, reply) => control(reply, () => state.reset()));
  app.get('/emulator/records', async (_req, reply) =>
    reply.type('text/html; charset=utf-8').send(renderRecordsPage(state.voiceCalls.all())),
  );
}
