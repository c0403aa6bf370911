/**
 * Media signaling over HTTP (docs/media.md): WHIP-style, one complete SDP offer in, one complete
 * answer out. The agent's station (`/media/v1/station`, agent session token) and the simulator's
 * phone-network parties (`/sim/v1/calls/:callId/participants/:participantId/media`), and the
 * recording files of the local recording store.
 */
import fs from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Sessions } from '../engine/sessions.ts';
import { MediaError } from '../media/mediaEngine.ts';
import type { MediaPlane } from '../media/mediaPlane.ts';
import { RECORDING_FILES_PREFIX, type LocalRecordingStore } from '../media/recordingStore.ts';
import { SALESFORCE_ORIGIN } from './connectorRoutes.ts';
import { simulatorAuth, type SimulatorOptions } from './simulatorRoutes.ts';

const SDP = 'application/sdp';
const MAX_SDP_BYTES = 64 * 1024;
const STATION = '/media/v1/station';

const RtpBody = Type.Object(
  {
    rtp: Type.Object(
      {
        address: Type.String({ format: 'ipv4' }),
        port: Type.Integer({ minimum: 1, maximum: 65535 }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export interface MediaRouteOptions {
  /** The media plane; null when the service runs without one (every media request: 503). */
  media: { plane: MediaPlane; store: LocalRecordingStore } | null;
  /** The simulator's authentication (as the other /sim/v1 routes); null when the simulator is off. */
  simulator: SimulatorOptions | null;
}

function fail(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.code(status).send({ error: { code, message } });
}

function mediaFailure(reply: FastifyReply, err: unknown) {
  if (err instanceof MediaError) {
    switch (err.code) {
      case 'INVALID_SDP':
        return fail(reply, 400, 'INVALID_SDP', err.message);
      case 'MEDIA_UNAVAILABLE':
        return fail(reply, 503, 'MEDIA_UNAVAILABLE', err.message);
      case 'UNKNOWN_LEG':
        return fail(reply, 404, 'NOT_FOUND', err.message);
      case 'INVALID_PARAMS':
        return fail(reply, 400, 'INVALID_PARAMS', err.message);
    }
  }
  throw err;
}

export function registerMediaRoutes(
  app: FastifyInstance,
  sessions: Sessions,
  options: MediaRouteOptions,
): void {
  const media = options.media;
  const unavailable = (reply: FastifyReply) =>
    fail(reply, 503, 'MEDIA_UNAVAILABLE', 'this service runs without a media plane');

  app.register(async (scope) => {
    scope.addContentTypeParser(SDP, { parseAs: 'string', bodyLimit: MAX_SDP_BYTES }, (_req, body, done) =>
      done(null, body),
    );

    // CORS as the connector's login: the connector may run on a Salesforce domain (static resource).
    scope.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
      const origin = req.headers.origin;
      if (!origin || !SALESFORCE_ORIGIN.test(origin) || !req.url.startsWith(STATION)) return;
      reply
        .header('access-control-allow-origin', origin)
        .header('vary', 'origin')
        .header('access-control-expose-headers', 'location');
    });
    for (const path of [STATION, `${STATION}/:stationId`]) {
      scope.options(path, async (_req, reply) =>
        reply
          .code(204)
          .header('access-control-allow-methods', 'POST, DELETE')
          .header('access-control-allow-headers', 'content-type, authorization')
          .header('access-control-max-age', '600')
          .send(),
      );
    }

    const agentOf = async (req: FastifyRequest, reply: FastifyReply) => {
      const header = req.headers.authorization ?? '';
      const token = header.startsWith('Bearer ') ? header.slice(7) : '';
      const session = token ? await sessions.authenticate(token) : { ended: 'invalid' as const };
      if ('ended' in session) {
        await fail(reply, 401, 'AUTHENTICATION_ERROR', `no valid agent session (${session.ended})`);
        return null;
      }
      return { ...session.user, sessionId: session.sessionId };
    };

    scope.post(STATION, async (req, reply) => {
      const user = await agentOf(req, reply);
      if (!user) return reply;
      if (!media) return unavailable(reply);
      if (req.headers['content-type']?.split(';')[0]?.trim() !== SDP)
        return fail(reply, 400, 'INVALID_SDP', `the offer is sent as ${SDP}`);
      try {
        const { stationId, answerSdp } = await media.plane.openStation(
          { id: user.id, contactCenterId: user.contact_center_id, sessionId: user.sessionId },
          req.body as string,
        );
        return reply.code(201).type(SDP).header('location', `${STATION}/${stationId}`).send(answerSdp);
      } catch (err) {
        return mediaFailure(reply, err);
      }
    });

    scope.delete<{ Params: { stationId: string } }>(`${STATION}/:stationId`, async (req, reply) => {
      const user = await agentOf(req, reply);
      if (!user) return reply;
      if (!media) return unavailable(reply);
      if (!(await media.plane.closeStation(user.id, req.params.stationId)))
        return fail(reply, 404, 'NOT_FOUND', `no station ${req.params.stationId} of yours`);
      return reply.code(204).send();
    });

    scope.get<{ Params: { name: string }; Querystring: { sig?: string } }>(
      `${RECORDING_FILES_PREFIX}:name`,
      async (req, reply) => {
        const file = media?.store.fileOf(req.params.name, req.query.sig ?? '');
        if (!file) return fail(reply, 404, 'NOT_FOUND', 'no such recording');
        return reply
          .type('audio/wav')
          .header('cache-control', 'private, max-age=3600')
          .send(fs.createReadStream(file));
      },
    );
  });

  const simulator = options.simulator;
  if (simulator)
    app.register(
      async (sim) => {
        sim.addContentTypeParser(SDP, { parseAs: 'string', bodyLimit: MAX_SDP_BYTES }, (_req, body, done) =>
          done(null, body),
        );
        sim.addHook('onRequest', simulatorAuth(simulator));
        type Params = { callId: string; participantId: string };
        const path = '/calls/:callId/participants/:participantId/media';

        const schema = {
          body: {
            content: {
              'application/json': { schema: RtpBody },
              [SDP]: { schema: Type.String({ maxLength: MAX_SDP_BYTES }) },
            },
          },
        };
        sim.post<{ Params: Params }>(path, { schema }, async (req, reply) => {
          if (!media) return unavailable(reply);
          const { callId, participantId } = req.params;
          const type = req.headers['content-type']?.split(';')[0]?.trim();
          let offer: { sdp: string } | { rtp: { address: string; port: number } };
          if (type === SDP) offer = { sdp: req.body as string };
          else if (type === 'application/json') offer = { rtp: (req.body as Static<typeof RtpBody>).rtp };
          else return fail(reply, 400, 'INVALID_PARAMS', `send ${SDP} or application/json`);
          try {
            const result = await media.plane.openNetworkMedia(callId, participantId, offer);
            reply.code(201).header('location', `/sim/v1/calls/${callId}/participants/${participantId}/media`);
            if ('answerSdp' in result) return reply.type(SDP).send(result.answerSdp);
            return reply.send({
              rtp: result.rtp,
              codec: 'PCMU',
              payloadType: 0,
              telephoneEventPayloadType: 101,
              ptimeMs: 20,
            });
          } catch (err) {
            return mediaFailure(reply, err);
          }
        });

        sim.delete<{ Params: Params }>(path, async (req, reply) => {
          if (!media) return unavailable(reply);
          if (!(await media.plane.closeNetworkMedia(req.params.callId, req.params.participantId)))
            return fail(reply, 404, 'NOT_FOUND', `participant ${req.params.participantId} has no media`);
          return reply.code(204).send();
        });
      },
      { prefix: '/sim/v1' },
    );
}
