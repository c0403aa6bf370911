/** The simulator API (docs/simulator-api.md): the phone network, callers and desk phones over HTTP. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Admission } from '../engine/admission.ts';
import type { LoginThrottle } from '../engine/loginThrottle.ts';
import {
  AudioStatsBody,
  BreakBody,
  CallbackBody,
  DeskPhoneBody,
  DeskPhoneParams,
  DialerBody,
  DigitsBody,
  FailNextBody,
  InboundBody,
  MessageBody,
  RecordingBody,
  TranscriptBody,
  VoicemailBody,
  type CallDetail,
  type DeskPhoneAction,
} from '../contracts/simulatorApi.ts';
import { agentConnectedMs, recordingState } from '../domain/callView.ts';
import { NotFoundError, ThrottledError } from '../domain/errors.ts';
import { toE164 } from '../domain/phoneNumbers.ts';
import { injectFailure, type InjectedFailureGate } from '../engine/injectedFailures.ts';
import { scheduleBreak } from '../engine/agentPresence.ts';
import { loadParticipants } from '../engine/callState.ts';
import { settings } from '../engine/settings.ts';
import { queueStats } from '../engine/contacts.ts';
import type { Engine, Tx } from '../engine/engine.ts';
import { publishCallRecording, sendCallerDigits } from '../engine/index.ts';
import * as network from '../engine/network.ts';
import { findDialedNumber } from '../engine/tenants.ts';
import { agentMessagesOf, sendMessageToAgent } from '../engine/agentMessages.ts';
import type { ConnectorContext } from './connectorContext.ts';
import { errorBody } from './errors.ts';

type CallParams = { callId: string };

export interface SimulatorOptions {
  /** Required bearer token; null leaves the API open (development mode). */
  token: string | null;
  /** Wrong tokens per source (docs/security.md). */
  throttle?: LoginThrottle;
  /** A browser page: answer 401 with a Basic challenge of this realm. */
  challenge?: string;
  /** Refuses new inbound calls for overload (503 with `Retry-After`); every call is taken when absent. */
  admission?: Admission;
}

/** The shortest simulator (or metrics) token the service starts with in production (docs/security.md). */
export const MIN_TOKEN_LENGTH = 32;

/** Whether `given` is `expected`, in constant time (both hashed first: no length leaks either). */
export function sameToken(given: string, expected: string): boolean {
  const digest = (v: string) => createHash('sha256').update(v).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** The token of a request: `Bearer <token>`, or HTTP Basic with the token as password (a browser). */
function presentedToken(header: string | undefined): string | null {
  const bearer = /^Bearer (\S+)$/.exec(header ?? '')?.[1];
  if (bearer) return bearer;
  const basic = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header ?? '')?.[1];
  if (!basic) return null;
  const decoded = Buffer.from(basic, 'base64').toString('utf8');
  return decoded.slice(decoded.indexOf(':') + 1);
}

/**
 * The authentication of the simulator API, its page and the metrics when a token is configured:
 * compared in constant time; wrong guesses throttled per source (`RATE_LIMITED` with `Retry-After`).
 */
export function simulatorAuth(options: SimulatorOptions) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (!options.token) return;
    const given = presentedToken(req.headers.authorization);
    const refuse = () => {
      if (options.challenge) reply.header('www-authenticate', `Basic realm="${options.challenge}"`);
      return reply
        .code(401)
        .send({ error: { code: 'AUTHENTICATION_ERROR', message: 'simulator token required' } });
    };
    // No credential at all is not a guess (a browser's first request): refused, not counted.
    if (given === null) return refuse();
    let attempt;
    try {
      attempt = await options.throttle?.begin(`token:${req.ip}`, req.ip);
    } catch (err) {
      if (!(err instanceof ThrottledError)) throw err;
      return reply
        .code(429)
        .header('retry-after', String(err.retryAfterSeconds))
        .send({ error: { code: err.code, message: err.message } });
    }
    if (sameToken(given, options.token)) {
      await attempt?.succeeded();
      return;
    }
    await attempt?.failed();
    return refuse();
  };
}

export function registerSimulatorRoutes(
  app: FastifyInstance,
  engine: Engine,
  connector: ConnectorContext,
  failures: InjectedFailureGate,
  options: SimulatorOptions,
): void {
  app.register(
    async (sim) => {
      sim.addHook('onRequest', simulatorAuth(options));

      /** The contact center a call belongs to (calls are looked up across tenants by their random id). */
      const ccOfCall = async (callId: string): Promise<string> => {
        const row = await engine.db
          .selectFrom('calls')
          .select('contact_center_id')
          .where('id', '=', callId)
          .executeTakeFirst();
        if (!row) throw new NotFoundError(`unknown call ${callId}`);
        return row.contact_center_id;
      };
      const ccOfUser = async (userId: string): Promise<string> => {
        const row = await engine.db
          .selectFrom('users')
          .select('contact_center_id')
          .where('id', '=', userId)
          .executeTakeFirst();
        if (!row) throw new NotFoundError(`unknown user ${userId}`);
        return row.contact_center_id;
      };
      const onCall = async <T>(callId: string, fn: (tx: Tx) => Promise<T>): Promise<T> =>
        engine.command(await ccOfCall(callId), fn);
      const handle = async (reply: FastifyReply, fn: () => Promise<unknown>, status = 200) => {
        try {
          const result = await fn();
          return reply.code(status).send(result ?? { ok: true });
        } catch (err) {
          const { status: code, body } = errorBody(err);
          if (err instanceof ThrottledError) reply.header('retry-after', String(err.retryAfterSeconds));
          return reply.code(code).send({ error: body });
        }
      };

      sim.post<{ Body: InboundBody }>('/calls', { schema: { body: InboundBody } }, (req, reply) =>
        handle(
          reply,
          async () => {
            const to = toE164(req.body.to, 'US');
            const dialed = await findDialedNumber(engine.db, to);
            if (!dialed) throw new NotFoundError(`${to} is not a number of any contact center`);
            const admitted = options.admission?.inboundCall(dialed.contactCenterId, reply.elapsedTime);
            if (admitted && !admitted.admitted)
              throw new ThrottledError('UNAVAILABLE', admitted.reason, admitted.retryAfterSeconds);
            return engine.command(dialed.contactCenterId, async (tx) => {
              const from = toE164(req.body.from, (await settings(tx)).defaultCountry);
              const callId = await network.inboundCall(
                tx,
                { from, to, callerName: req.body.callerName, attributes: req.body.attributes },
                dialed.target,
              );
              return { callId, call: await callDetail(tx, callId) };
            });
          },
          201,
        ),
      );

      sim.get<{ Params: CallParams }>('/calls/:callId', (req, reply) =>
        handle(reply, () => onCall(req.params.callId, (tx) => callDetail(tx, req.params.callId))),
      );

      sim.post<{ Params: CallParams }>('/calls/:callId/hangup', (req, reply) =>
        handle(reply, () => onCall(req.params.callId, (tx) => network.callerHangup(tx, req.params.callId))),
      );
      sim.post<{ Params: CallParams }>('/calls/:callId/answer', (req, reply) =>
        handle(reply, () =>
          onCall(req.params.callId, (tx) => network.customerAnswers(tx, req.params.callId)),
        ),
      );
      sim.post<{ Params: CallParams & { participantId: string } }>(
        '/calls/:callId/participants/:participantId/answer',
        (req, reply) =>
          handle(reply, () =>
            onCall(req.params.callId, (tx) =>
              network.thirdPartyAnswers(tx, req.params.callId, req.params.participantId),
            ),
          ),
      );
      sim.post<{ Params: CallParams & { participantId: string } }>(
        '/calls/:callId/participants/:participantId/hangup',
        (req, reply) =>
          handle(reply, () =>
            onCall(req.params.callId, (tx) =>
              network.thirdPartyHangsUp(tx, req.params.callId, req.params.participantId),
            ),
          ),
      );
      sim.post<{ Params: CallParams & { participantId: string }; Body: DigitsBody }>(
        '/calls/:callId/participants/:participantId/digits',
        { schema: { body: DigitsBody } },
        (req, reply) =>
          handle(reply, async () =>
            sendCallerDigits(
              engine,
              await ccOfCall(req.params.callId),
              req.params.callId,
              req.params.participantId,
              req.body.digits,
            ),
          ),
      );
      sim.post<{ Params: CallParams; Body: TranscriptBody }>(
        '/calls/:callId/transcript',
        { schema: { body: TranscriptBody } },
        (req, reply) =>
          handle(
            reply,
            async () => ({
              id: await onCall(req.params.callId, (tx) =>
                network.addTranscript(tx, req.params.callId, req.body),
              ),
            }),
            201,
          ),
      );
      sim.post<{ Params: CallParams; Body: RecordingBody }>(
        '/calls/:callId/recording',
        { schema: { body: RecordingBody } },
        (req, reply) =>
          handle(reply, async () =>
            publishCallRecording(engine, await ccOfCall(req.params.callId), req.params.callId, req.body),
          ),
      );
      sim.post<{ Params: CallParams }>('/calls/:callId/voicemail-request', (req, reply) =>
        handle(reply, () =>
          onCall(req.params.callId, (tx) => network.voicemailRequested(tx, req.params.callId)),
        ),
      );
      sim.post<{ Params: CallParams; Body: VoicemailBody }>(
        '/calls/:callId/voicemail',
        { schema: { body: VoicemailBody } },
        (req, reply) =>
          handle(reply, () =>
            onCall(req.params.callId, (tx) => network.leaveVoicemail(tx, req.params.callId, req.body)),
          ),
      );
      sim.post<{ Params: CallParams; Body: CallbackBody }>(
        '/calls/:callId/callback',
        { schema: { body: CallbackBody } },
        (req, reply) =>
          handle(
            reply,
            () =>
              onCall(req.params.callId, async (tx) => {
                const number = req.body.phoneNumber
                  ? toE164(req.body.phoneNumber, (await settings(tx)).defaultCountry)
                  : null;
                return {
                  callId: await network.callbackRequested(tx, req.params.callId, number, req.body.at ?? null),
                };
              }),
            201,
          ),
      );
      sim.post<{ Params: CallParams; Body: AudioStatsBody }>(
        '/calls/:callId/audio-stats',
        { schema: { body: AudioStatsBody } },
        (req, reply) =>
          handle(reply, () =>
            onCall(req.params.callId, (tx) => network.pushAudioStats(tx, req.params.callId, req.body.stats)),
          ),
      );
      sim.post<{ Body: DialerBody }>('/dialer', { schema: { body: DialerBody } }, (req, reply) =>
        handle(
          reply,
          async () => {
            const queue = await engine.db
              .selectFrom('queues')
              .select('contact_center_id')
              .where('id', '=', req.body.queueId)
              .executeTakeFirst();
            if (!queue) throw new NotFoundError(`unknown queue ${req.body.queueId}`);
            return engine.command(queue.contact_center_id, async (tx) => {
              const country = (await settings(tx)).defaultCountry;
              const to = toE164(req.body.to, country);
              const from = req.body.from ? toE164(req.body.from, country) : '';
              return { callId: await network.progressiveDial(tx, { from, to }, req.body.queueId) };
            });
          },
          201,
        ),
      );
      sim.post<{
        Params: { userId: string; action: DeskPhoneAction };
        Body: DeskPhoneBody;
      }>(
        '/agents/:userId/deskphone/:action',
        {
          schema: { body: DeskPhoneBody, params: DeskPhoneParams },
        },
        (req, reply) =>
          handle(reply, async () =>
            engine.command(await ccOfUser(req.params.userId), (tx) =>
              network.deskPhone(
                tx,
                req.params.userId,
                req.params.action,
                req.body.callId,
                req.body.participantId,
              ),
            ),
          ),
      );
      sim.post<{ Params: { userId: string }; Body: FailNextBody }>(
        '/agents/:userId/fail-next',
        { schema: { body: FailNextBody } },
        (req, reply) =>
          handle(reply, async () => {
            const ccId = await ccOfUser(req.params.userId);
            await engine.command(ccId, (tx) =>
              injectFailure(tx, req.params.userId, {
                code: req.body.code ?? (req.body.customErrorLabel ? 'CUSTOM_ERROR' : 'GENERIC_ERROR'),
                ...(req.body.customErrorLabel ? { customErrorLabel: req.body.customErrorLabel } : {}),
                ...(req.body.method ? { method: req.body.method } : {}),
              }),
            );
            failures.injected(ccId);
          }),
      );
      sim.post<{ Params: { userId: string }; Body: BreakBody }>(
        '/agents/:userId/break',
        { schema: { body: BreakBody } },
        (req, reply) =>
          handle(reply, async () =>
            engine.command(await ccOfUser(req.params.userId), (tx) =>
              scheduleBreak(
                tx,
                req.params.userId,
                req.body.at ?? tx.now,
                req.body.minutes,
                req.body.reason ?? 'Break',
              ),
            ),
          ),
      );
      sim.get<{ Params: { userId: string } }>('/agents/:userId/messages', (req, reply) =>
        handle(reply, async () => {
          await ccOfUser(req.params.userId);
          return { messages: await agentMessagesOf(engine.db, req.params.userId) };
        }),
      );
      sim.post<{ Params: { userId: string }; Body: MessageBody }>(
        '/agents/:userId/messages',
        { schema: { body: MessageBody } },
        (req, reply) =>
          handle(reply, async () =>
            engine.command(await ccOfUser(req.params.userId), (tx) =>
              sendMessageToAgent(tx, req.params.userId, req.body.message),
            ),
          ),
      );
      sim.get<{ Querystring: { contactCenterId?: string } }>('/queues', (req, reply) =>
        handle(reply, async () => {
          const ccs = await engine.db.selectFrom('contact_centers').select('id').execute();
          const wanted = req.query.contactCenterId
            ? ccs.filter((c) => c.id === req.query.contactCenterId)
            : ccs;
          const out = [];
          for (const cc of wanted)
            out.push({ contactCenterId: cc.id, queues: await engine.command(cc.id, (tx) => queueStats(tx)) });
          return { contactCenters: out };
        }),
      );
      sim.get('/devices', (_req, reply) =>
        handle(reply, async () => {
          const ccs = await engine.db.selectFrom('contact_centers').select('id').execute();
          const devices = [];
          for (const cc of ccs)
            devices.push(...(await engine.command(cc.id, (tx) => network.ringingDevices(tx))));
          return { devices };
        }),
      );
    },
    { prefix: '/sim/v1' },
  );
}

async function callDetail(tx: Tx, callId: string): Promise<CallDetail> {
  const call = await tx.db.selectFrom('calls').selectAll().where('id', '=', callId).executeTakeFirstOrThrow();
  const participants = await loadParticipants(tx, callId);
  const transcript = await tx.db
    .selectFrom('transcripts')
    .selectAll()
    .where('call_id', '=', callId)
    .orderBy('start_time')
    .execute();
  return {
    callId: call.id,
    contactCenterId: call.contact_center_id,
    kind: call.kind,
    origin: call.origin,
    state: call.state,
    from: call.from_number,
    to: call.to_number,
    queueId: call.queue_id,
    initialCallId: call.initial_call_id,
    recording: {
      ...recordingState(call, participants),
      url: call.recording_url,
      durationSeconds: call.recording_duration_s,
    },
    voicemailUrl: call.voicemail_url,
    dtmf: call.dtmf,
    isDeskPhone: call.is_desk_phone === 1,
    holdMs: call.hold_ms,
    agentInteractionMs: agentConnectedMs(participants, tx.now),
    disposition: call.disposition,
    createdAt: call.created_at,
    connectedAt: call.connected_at,
    endedAt: call.ended_at,
    endReason: call.end_reason,
    participants: participants.map((p) => ({
      id: p.id,
      role: p.role,
      userId: p.user_id,
      name: p.name,
      phoneNumber: p.phone_number,
      state: p.state,
      muted: p.muted === 1,
      device: p.device,
      holdMs: p.hold_ms,
      queueId: p.queue_id,
      leaveReason: p.leave_reason,
    })),
    transcript: transcript.map((t) => ({
      id: t.id,
      participantId: t.participant_id,
      speaker: t.sender_type,
      text: t.content,
      startTime: t.start_time,
      endTime: t.end_time,
    })),
  };
}
