/**
 * The admin API over HTTP (docs/admin-api.md): `POST /oauth/token`, then `/admin/v1/…` with a bearer
 * token: authentication and the account's rate limit first, then the request's schema (Ajv), then
 * the handler, scoped to the account's org. Errors are `{ error: { code, message, details? } }`.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ContactCenterTable } from '../db/schema.ts';
import type { Engine } from '../engine/engine.ts';
import type { Sessions } from '../engine/sessions.ts';
import { LoginThrottle } from '../engine/loginThrottle.ts';
import type { SalesforceSync } from '../salesforce/index.ts';
import type { RecordingArchive } from '../storage/recordingArchive.ts';
import { AGENT_REALM, authenticateAgent } from './agentAuth.ts';
import { connect, contactCenterOf, updateOrgDomain, bindContactCenter } from './contactCenters.ts';
import { AdminError, fromEngineError, invalidParams } from './errors.ts';
import { addGroup, changeGroupMembers, listGroups, removeGroup } from './groups.ts';
import { INTELLIGENCE_SERVICES } from './intelligence.ts';
import { activateKey, listKeys, rotateKey } from './keys.ts';
import {
  ADMIN_SCOPE,
  authenticateBearer,
  DEFAULT_TOKEN_TTL_SECONDS,
  registerTokenEndpoint,
  type Account,
} from './oauth.ts';
import { addQueue, listQueues, removeQueue, setQueueMembers } from './queues.ts';
import { DEFAULT_RATE_LIMIT, RateLimiter, type RateLimitOptions } from './rateLimit.ts';
import { deleteRecording, readRecordingSettings, saveRecordingSettings, signedUrls } from './recordings.ts';
import { phoneNumbers, transferDestinations } from './routing.ts';
import {
  AgentSettings,
  CcParams,
  ConnectBody,
  DestinationQuery,
  GroupCreateBody,
  GroupMembersBody,
  GroupParams,
  KeyParams,
  KeyRotationBody,
  OrgDomainBody,
  PasswordBody,
  QueueCreateBody,
  QueueMembersBody,
  QueueParams,
  RecordingParams,
  RecordingSettingsPatch,
  SignedUrlBody,
  UserAddBody,
  UserParams,
  UserRemoveBody,
} from '../contracts/adminApi.ts';
import { registerPhoneRoutes } from '../sip/phoneRoutes.ts';
import { registerTrunkRoutes } from '../sip/trunkRoutes.ts';
import { addUsers, readSettings, removeUsers, saveSettings, setPassword, unlockUser } from './users.ts';
import { contactCenterWallboard, userHistory, userStats } from './workspace.ts';

export interface AdminApiOptions {
  /** `NODE_ENV=production`: the telephony API URL must be https, on a Salesforce (or allowlisted) host. */
  production?: boolean;
  /** `SCRT_ALLOWED_HOSTS` (salesforce/scrtPolicy.ts). */
  scrtAllowedHosts?: string[];
  /** Where the service is reached from outside (the signed recording URLs); else the request's host. */
  publicUrl?: string | undefined;
  tokenTtlSeconds?: number;
  rateLimit?: RateLimitOptions;
  /** Failed client secrets per client id and per source at `POST /oauth/token` (docs/security.md). */
  oauthThrottle?: LoginThrottle;
}

export interface AdminApiDeps {
  engine: Engine;
  sessions: Sessions;
  salesforce: SalesforceSync | null;
  /** The secret of signed recording links (shared with the connector's routes). */
  recordingSecret: Buffer;
  /** The stored recordings; null without recording storage. */
  recordings: RecordingArchive | null;
  /** Where SIP desk phones register (`sip:host:port`), once the SIP side listens; absent: SIP off. */
  sipRegistrar?: () => string | null;
}

/** Where a validation error points: the JSON pointer of the value, a missing or an unknown property. */
function validationPath(err: FastifyError): string {
  const first = err.validation?.[0];
  if (!first) return '';
  const params = first.params as { missingProperty?: string; additionalProperty?: string };
  const extra = params.missingProperty ?? params.additionalProperty;
  const path = `${first.instancePath}${extra ? `/${extra}` : ''}`;
  return err.validationContext === 'body' ? path : `${err.validationContext ?? ''}${path}`;
}

export function registerAdminApi(
  app: FastifyInstance,
  deps: AdminApiDeps,
  options: AdminApiOptions = {},
): void {
  const { engine, sessions, salesforce } = deps;
  const db = engine.db;
  const scrtPolicy = {
    production: options.production ?? false,
    allowedHosts: options.scrtAllowedHosts ?? [],
  };
  const limiter = new RateLimiter(db, engine.clock, options.rateLimit ?? DEFAULT_RATE_LIMIT);
  registerTokenEndpoint(app, {
    db,
    clock: engine.clock,
    tokenTtlSeconds: options.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS,
    throttle: options.oauthThrottle ?? new LoginThrottle(db, engine.clock, 'oauth'),
  });

  const accounts = new WeakMap<FastifyRequest, Account>();
  /** The contact center of an agent's own request (the settings routes), found by its credentials. */
  const agentContactCenters = new WeakMap<FastifyRequest, ContactCenterTable>();
  /** The routes an agent calls with their own credentials, not the account's token. */
  const AGENT_ROUTES = new Set(['/admin/v1/contact-centers/:cc/users/:salesforceUserId/settings']);
  const accountOf = (req: FastifyRequest): Account => accounts.get(req)!;
  const contactCenter = (req: FastifyRequest<{ Params: CcParams }>): Promise<ContactCenterTable> =>
    contactCenterOf(db, accountOf(req), req.params.cc);

  const send = (reply: FastifyReply, err: AdminError, agent = false) => {
    if (err.retryAfterSeconds !== undefined) reply.header('retry-after', String(err.retryAfterSeconds));
    if (err.status === 401)
      reply.header('www-authenticate', agent ? `Basic realm="${AGENT_REALM}"` : 'Bearer realm="switchboard"');
    return reply.code(err.status).send(err.body());
  };

  void app.register(
    async (admin) => {
      admin.setErrorHandler((err: FastifyError, _req, reply) => {
        const known = fromEngineError(err);
        if (known) return send(reply, known);
        if (err.validation) return send(reply, invalidParams(err.message, { path: validationPath(err) }));
        if (err.statusCode === 413)
          return send(reply, new AdminError(413, 'INVALID_PARAMS', 'body larger than 1 MiB'));
        if (err.statusCode && err.statusCode < 500) return send(reply, invalidParams(err.message));
        admin.log.error(err);
        return send(reply, new AdminError(500, 'GENERIC_ERROR', 'internal error'));
      });
      admin.setNotFoundHandler((req, reply) =>
        send(reply, new AdminError(404, 'NOT_FOUND', `no endpoint ${req.method} ${req.url.split('?')[0]}`)),
      );
      admin.addHook('onRequest', async (req, reply) => {
        let account: Account;
        if (AGENT_ROUTES.has(req.routeOptions.url ?? '')) {
          const params = req.params as { cc: string; salesforceUserId: string };
          try {
            const agent = await authenticateAgent(
              db,
              sessions.throttle,
              req.ip,
              req.headers.authorization,
              params.cc,
              params.salesforceUserId,
            );
            account = agent.account;
            agentContactCenters.set(req, agent.contactCenter);
          } catch (err) {
            const known = fromEngineError(err);
            if (known) return send(reply, known, true);
            throw err;
          }
          const wait = await limiter.take(account.orgId);
          if (wait > 0) {
            reply.header('retry-after', String(wait));
            return send(
              reply,
              new AdminError(429, 'RATE_LIMITED', 'over the account request rate; retry later'),
            );
          }
          accounts.set(req, account);
          return;
        }
        try {
          account = await authenticateBearer(db, req.headers.authorization, engine.clock.now());
        } catch (err) {
          return send(reply, err as AdminError);
        }
        if (!account.scopes.includes(ADMIN_SCOPE))
          return send(reply, new AdminError(403, 'FORBIDDEN', `the token lacks the ${ADMIN_SCOPE} scope`));
        const wait = await limiter.take(account.orgId);
        if (wait > 0) {
          reply.header('retry-after', String(wait));
          return send(
            reply,
            new AdminError(429, 'RATE_LIMITED', 'over the account request rate; retry later'),
          );
        }
        accounts.set(req, account);
      });

      admin.post<{ Body: ConnectBody }>('/connect', { schema: { body: ConnectBody } }, async (req) =>
        connect(db, salesforce, accountOf(req), req.body, scrtPolicy),
      );

      admin.get<{ Params: CcParams }>(
        '/contact-centers/:cc/keys',
        { schema: { params: CcParams } },
        async (req) => ({
          keys: await listKeys(db, salesforce, await contactCenter(req)),
        }),
      );
      admin.post<{ Params: CcParams; Body: KeyRotationBody | undefined }>(
        '/contact-centers/:cc/keys',
        {
          schema: { params: CcParams, body: KeyRotationBody },
          // The body may be left out: nothing to bind.
          preValidation: async (req) => {
            req.body ??= {};
          },
        },
        async (req, reply) => {
          const cc = await contactCenter(req);
          const sfId = req.body?.salesforceContactCenterId;
          if (sfId) await bindContactCenter(db, salesforce, cc, sfId);
          return reply.code(201).send(await rotateKey(db, salesforce, cc));
        },
      );
      admin.post<{ Params: KeyParams }>(
        '/contact-centers/:cc/keys/:keyId/activate',
        { schema: { params: KeyParams } },
        async (req) => activateKey(db, salesforce, await contactCenter(req), req.params.keyId),
      );

      admin.put<{ Params: CcParams; Body: OrgDomainBody }>(
        '/contact-centers/:cc/org-domain',
        { schema: { params: CcParams, body: OrgDomainBody } },
        async (req) => updateOrgDomain(db, salesforce, await contactCenter(req), req.body, scrtPolicy),
      );

      admin.post<{ Params: CcParams; Body: UserAddBody }>(
        '/contact-centers/:cc/users',
        { schema: { params: CcParams, body: UserAddBody } },
        async (req) => addUsers(engine, await contactCenter(req), req.body),
      );
      admin.post<{ Params: CcParams; Body: UserRemoveBody }>(
        '/contact-centers/:cc/users/remove',
        { schema: { params: CcParams, body: UserRemoveBody } },
        async (req) => removeUsers(engine, sessions, await contactCenter(req), req.body),
      );
      admin.get<{ Params: UserParams }>(
        '/contact-centers/:cc/users/:salesforceUserId/settings',
        { schema: { params: UserParams } },
        async (req) => readSettings(db, agentContactCenters.get(req)!, req.params.salesforceUserId),
      );
      admin.put<{ Params: UserParams; Body: AgentSettings }>(
        '/contact-centers/:cc/users/:salesforceUserId/settings',
        { schema: { params: UserParams, body: AgentSettings } },
        async (req) =>
          saveSettings(engine, agentContactCenters.get(req)!, req.params.salesforceUserId, req.body),
      );
      admin.get<{ Params: UserParams; Querystring: Record<string, string> }>(
        '/contact-centers/:cc/users/:salesforceUserId/history',
        { schema: { params: UserParams } },
        async (req) => userHistory(engine, await contactCenter(req), req.params.salesforceUserId, req.query),
      );
      admin.get<{ Params: UserParams; Querystring: Record<string, string> }>(
        '/contact-centers/:cc/users/:salesforceUserId/stats',
        { schema: { params: UserParams } },
        async (req) => userStats(engine, await contactCenter(req), req.params.salesforceUserId, req.query),
      );
      admin.get<{ Params: CcParams }>(
        '/contact-centers/:cc/wallboard',
        { schema: { params: CcParams } },
        async (req) => contactCenterWallboard(engine, await contactCenter(req)),
      );
      admin.put<{ Params: UserParams; Body: PasswordBody }>(
        '/contact-centers/:cc/users/:salesforceUserId/password',
        { schema: { params: UserParams, body: PasswordBody } },
        async (req) => {
          await setPassword(
            db,
            sessions.throttle,
            await contactCenter(req),
            req.params.salesforceUserId,
            req.body.password,
          );
          return { ok: true };
        },
      );
      admin.post<{ Params: UserParams }>(
        '/contact-centers/:cc/users/:salesforceUserId/unlock',
        { schema: { params: UserParams } },
        async (req) =>
          unlockUser(db, sessions.throttle, await contactCenter(req), req.params.salesforceUserId),
      );

      admin.get<{ Params: CcParams }>(
        '/contact-centers/:cc/queues',
        { schema: { params: CcParams } },
        async (req) => ({
          queues: await listQueues(engine, await contactCenter(req)),
        }),
      );
      admin.post<{ Params: CcParams; Body: QueueCreateBody }>(
        '/contact-centers/:cc/queues',
        { schema: { params: CcParams, body: QueueCreateBody } },
        async (req, reply) =>
          reply.code(201).send(await addQueue(engine, await contactCenter(req), req.body)),
      );
      admin.delete<{ Params: QueueParams }>(
        '/contact-centers/:cc/queues/:queueId',
        { schema: { params: QueueParams } },
        async (req) => removeQueue(engine, await contactCenter(req), req.params.queueId),
      );
      admin.put<{ Params: QueueParams; Body: QueueMembersBody }>(
        '/contact-centers/:cc/queues/:queueId/members',
        { schema: { params: QueueParams, body: QueueMembersBody } },
        async (req) => setQueueMembers(engine, await contactCenter(req), req.params.queueId, req.body),
      );

      admin.get<{ Params: CcParams }>(
        '/contact-centers/:cc/groups',
        { schema: { params: CcParams } },
        async (req) => ({
          groups: await listGroups(engine, await contactCenter(req)),
        }),
      );
      admin.post<{ Params: CcParams; Body: GroupCreateBody }>(
        '/contact-centers/:cc/groups',
        { schema: { params: CcParams, body: GroupCreateBody } },
        async (req, reply) =>
          reply.code(201).send(await addGroup(engine, await contactCenter(req), req.body)),
      );
      admin.delete<{ Params: GroupParams }>(
        '/contact-centers/:cc/groups/:groupId',
        { schema: { params: GroupParams } },
        async (req) => removeGroup(engine, await contactCenter(req), req.params.groupId),
      );
      admin.post<{ Params: GroupParams; Body: GroupMembersBody }>(
        '/contact-centers/:cc/groups/:groupId/members',
        { schema: { params: GroupParams, body: GroupMembersBody } },
        async (req) => changeGroupMembers(engine, await contactCenter(req), req.params.groupId, req.body),
      );

      admin.get<{ Params: CcParams; Querystring: DestinationQuery }>(
        '/contact-centers/:cc/transfer-destinations',
        { schema: { params: CcParams, querystring: DestinationQuery } },
        async (req) => ({
          destinations: await transferDestinations(engine, await contactCenter(req), req.query),
        }),
      );
      admin.get<{ Params: CcParams }>(
        '/contact-centers/:cc/phone-numbers',
        { schema: { params: CcParams } },
        async (req) => ({ phoneNumbers: await phoneNumbers(engine, await contactCenter(req)) }),
      );
      admin.get<{ Params: CcParams }>(
        '/contact-centers/:cc/intelligence-services',
        { schema: { params: CcParams } },
        async (req) => {
          await contactCenter(req);
          return { services: INTELLIGENCE_SERVICES };
        },
      );

      registerTrunkRoutes(admin, engine, contactCenter);
      registerPhoneRoutes(admin, engine, contactCenter, deps.sipRegistrar ?? (() => null));

      admin.post<{ Body: SignedUrlBody }>(
        '/recordings/signed-urls',
        { schema: { body: SignedUrlBody } },
        async (req) => ({
          items: await signedUrls(engine, accountOf(req), req.body, {
            baseUrl: (options.publicUrl ?? `${req.protocol}://${req.host}`).replace(/\/+$/, ''),
            secret: deps.recordingSecret,
            recordings: deps.recordings,
          }),
        }),
      );
      admin.delete<{ Params: RecordingParams }>(
        '/recordings/:vendorCallKey',
        { schema: { params: RecordingParams } },
        async (req, reply) => {
          await deleteRecording(engine, accountOf(req), req.params.vendorCallKey, deps.recordings);
          return reply.code(204).send();
        },
      );
      admin.get<{ Params: CcParams }>(
        '/contact-centers/:cc/recording-settings',
        { schema: { params: CcParams } },
        async (req) => readRecordingSettings(await contactCenter(req)),
      );
      admin.patch<{ Params: CcParams; Body: RecordingSettingsPatch }>(
        '/contact-centers/:cc/recording-settings',
        { schema: { params: CcParams, body: RecordingSettingsPatch } },
        async (req) => saveRecordingSettings(engine, await contactCenter(req), req.body),
      );
    },
    { prefix: '/admin/v1' },
  );
}
