/** The emulated Salesforce telephony REST API under `/telephony/v1` (docs/salesforce-telephony-api.md). */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { contactCenterKey, type ContactCenter } from './contactCenters.ts';
import { ApiError, errorBody } from './errors.ts';
import { IDEMPOTENCY_HEADER } from './idempotency.ts';
import {
  BulkTranscriptsBody,
  ConversationEventsBody,
  CreateVoiceCallBody,
  OmniFlowBody,
  TranscriptMessage,
  UpdateVoiceCallBody,
} from './schemas.ts';
import type { EmulatorState } from './state.ts';
import type { ApiRequestLog } from './types.ts';
import type { ApiResult } from './voiceCalls.ts';

export const API_PREFIX = '/telephony/v1';

type Params = { id: string };
type Operation = (cc: ContactCenter, req: FastifyRequest<{ Params: Params }>) => ApiResult;

function header(req: FastifyRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function registerApiRoutes(app: FastifyInstance, state: EmulatorState): void {
  const logs = new WeakMap<FastifyRequest, ApiRequestLog>();
  const contactCenters = new WeakMap<FastifyRequest, ContactCenter>();

  /** Faults first, then the JWT, then the provider header: all before the body is read. */
  async function admit(req: FastifyRequest, reply: FastifyReply) {
    const log: ApiRequestLog = {
      at: state.now(),
      method: req.method,
      path: req.url.split('?')[0] ?? req.url,
      status: 0,
      body: null,
      claims: null,
      idempotencyKey: header(req, IDEMPOTENCY_HEADER) ?? null,
    };
    state.requestLog.push(log);
    logs.set(req, log);
    if (state.faults.latencyMs > 0) await sleep(state.faults.latencyMs);
    const fault = state.faults.takeFault();
    if (fault !== null) {
      const code = fault === 503 ? 'SERVICE_UNAVAILABLE' : 'INJECTED_FAULT';
      return reply.code(fault).send(errorBody(code, `injected fault: ${fault}`));
    }
    const auth = await state.jwt.verify(header(req, 'authorization'));
    if (!auth.ok) return reply.code(401).send(errorBody('INVALID_AUTH', auth.reason));
    log.claims = auth.claims;
    if (!header(req, 'telephony-provider-name')) {
      return reply
        .code(400)
        .send(errorBody('MISSING_HEADER', 'the Telephony-Provider-Name header is required'));
    }
    contactCenters.set(req, auth.contactCenter);
  }

  /** Runs an operation with Idempotency-Key replay; ApiErrors become their status and body. */
  function handler(operation: Operation) {
    return async (req: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
      const cc = contactCenters.get(req);
      if (!cc) throw new Error('an API request reached its handler without authentication');
      const key = state.faults.idempotencyKeys ? header(req, IDEMPOTENCY_HEADER) : undefined;
      const scope = contactCenterKey(cc.orgId, cc.callCenterApiName);
      const fingerprint = `${req.method} ${req.url} ${JSON.stringify(req.body ?? null)}`;
      if (key !== undefined) {
        const earlier = attempt(() => replay(scope, key, fingerprint));
        if (earlier && 'replayed' in earlier) {
          return reply.code(earlier.status).header('idempotent-replayed', 'true').send(earlier.body);
        }
        if (earlier) return reply.code(earlier.status).send(earlier.body);
      }
      const result = attempt(() => operation(cc, req));
      if (key !== undefined) state.idempotency.remember(scope, key, fingerprint, result);
      if (state.faults.takeLostAnswer()) {
        // Applied, but the client never hears it (a crash or a cut connection after Salesforce applied it).
        reply.hijack();
        req.raw.socket.destroy();
        return;
      }
      return reply.code(result.status).send(result.body);
    };
  }

  /** The earlier answer under this key (marked `replayed`), null for a new key; a bad or reused key throws. */
  function replay(scope: string, key: string, fingerprint: string): (ApiResult & { replayed: true }) | null {
    if (key.length === 0 || key.length > 255) {
      throw ApiError.of(400, 'INVALID_REQUEST', 'Idempotency-Key must be 1–255 characters');
    }
    const earlier = state.idempotency.replay(scope, key, fingerprint);
    return earlier && { ...earlier, replayed: true };
  }

  void app.register(
    async (api) => {
      api.addHook('onRequest', admit);
      api.addHook('onResponse', async (req, reply) => {
        const log = logs.get(req);
        if (log) {
          log.status = reply.statusCode;
          log.body = req.body ?? null;
        }
      });
      api.setNotFoundHandler(async (req, reply) =>
        reply.code(404).send(errorBody('NOT_FOUND', `no API resource ${req.method} ${req.url}`)),
      );
      const { voiceCalls } = state;
      api.post('/voiceCalls', {
        schema: { body: CreateVoiceCallBody },
        handler: handler((cc, req) => voiceCalls.create(cc, req.body as CreateVoiceCallBody)),
      });
      api.post('/voiceCalls/messages', {
        schema: { body: BulkTranscriptsBody },
        handler: handler((cc, req) =>
          voiceCalls.addTranscriptsInBulk(cc, req.body as BulkTranscriptsBody, () =>
            state.faults.takeExhausted(),
          ),
        ),
      });
      api.patch<{ Params: Params }>('/voiceCalls/:id', {
        schema: { body: UpdateVoiceCallBody },
        handler: handler((cc, req) => voiceCalls.update(cc, req.params.id, req.body as UpdateVoiceCallBody)),
      });
      api.post<{ Params: Params }>('/voiceCalls/:id/messages', {
        schema: { body: TranscriptMessage },
        handler: handler((cc, req) => {
          const limited = state.faults.takeExhausted();
          if (limited !== null)
            throw new ApiError(
              limited,
              errorBody('RESOURCE_EXHAUSTED', 'the transcription rate limit was reached'),
            );
          return voiceCalls.addTranscripts(cc, req.params.id, [req.body as TranscriptMessage]);
        }),
      });
      api.patch<{ Params: Params }>('/voiceCalls/:id/omniFlow', {
        schema: { body: OmniFlowBody },
        handler: handler((cc, req) =>
          voiceCalls.executeOmniFlow(cc, req.params.id, req.body as OmniFlowBody, state.flowRules),
        ),
      });
      api.patch<{ Params: Params }>('/voiceCalls/:id/clearRouting', {
        handler: handler((cc, req) => {
          const body = req.body;
          if (
            body !== undefined &&
            body !== null &&
            (typeof body !== 'object' || Object.keys(body).length > 0)
          ) {
            throw ApiError.of(400, 'INVALID_REQUEST', 'Clear Routing takes no parameters');
          }
          return voiceCalls.clearRouting(cc, req.params.id);
        }),
      });
      api.post<{ Params: Params }>('/voiceCalls/:id/realtimeConversationEvents', {
        schema: { body: ConversationEventsBody },
        handler: handler((cc, req) =>
          voiceCalls.addConversationEvents(cc, req.params.id, req.body as ConversationEventsBody),
        ),
      });
    },
    { prefix: API_PREFIX },
  );
}

/** What `run` returns, or the status and body of the ApiError it throws. */
function attempt<T extends ApiResult | null>(run: () => T): T | ApiResult {
  try {
    return run();
  } catch (err) {
    if (err instanceof ApiError) return { status: err.status, body: err.body };
    throw err;
  }
}
