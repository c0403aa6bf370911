/** Builds the service: HTTP + WebSocket server over an engine, its scheduler and sessions. */
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerAdminApi, type AdminApiOptions } from './admin/routes.ts';
import { registerAgentHttp } from './api/agentHttp.ts';
import { DEFAULT_SOCKET_LIMITS, registerAgentSocket, type SocketLimits } from './api/agentSocket.ts';
import { DEFAULT_MAX_JSON_DEPTH, limitJsonDepth } from './api/jsonLimits.ts';
import { registerConnectorRoutes } from './api/connectorRoutes.ts';
import { registerMediaRoutes } from './api/mediaRoutes.ts';
import { registerSimulatorControlRoutes } from './api/simulatorControlRoutes.ts';
import { registerSimulatorPage } from './api/simulatorPage.ts';
import { registerSimulatorRoutes, simulatorAuth } from './api/simulatorRoutes.ts';
import { createConnectorContext, type ConnectorContext } from './api/connectorContext.ts';
import { lockContactCenter, type PgCluster } from './cluster/pgCluster.ts';
import type { Db } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { Admission, type AdmissionLimits } from './engine/admission.ts';
import { Engine, systemClock, type Clock } from './engine/engine.ts';
import { EventHub } from './engine/events.ts';
import { InjectedFailureGate } from './engine/injectedFailures.ts';
import { Scheduler } from './engine/scheduler.ts';
import { recordAgentActivity } from './engine/agentActivity.ts';
import { WallboardPush } from './engine/wallboardPush.ts';
import { Sessions } from './engine/sessions.ts';
import type { MediaPlane } from './media/mediaPlane.ts';
import { startMediaPlane, type MediaOptions } from './media/wiring.ts';
import { RecordingArchive, type RecordingStorageOptions } from './storage/recordingArchive.ts';
import { DEFAULT_LOGIN_THROTTLE, LoginThrottle, type LoginThrottleOptions } from './engine/loginThrottle.ts';
import { configureHashing, type HashingOptions } from './engine/passwords.ts';
import { SalesforceSync, type SalesforceOptions } from './salesforce/index.ts';
import { SalesforceRecorder } from './salesforce/lifecycle.ts';
import { SipService, type SipOptions } from './sip/sipService.ts';

export interface ServiceOptions {
  db: Db;
  clock?: Clock;
  sessionTtlMs?: number;
  simulatorToken?: string | null;
  /** false: no simulator API and page at all (production's default, docs/security.md). */
  simulatorEnabled?: boolean;
  /** Bearer token of `GET /metrics`; null: open (development). `/metrics` is not served in production without it. */
  metricsToken?: string | null;
  schedulerPollMs?: number;
  /** false in tests that drive timers themselves with `scheduler.runDue()`. */
  startScheduler?: boolean;
  logger?: boolean;
  /** The Salesforce telephony API sync (docs/salesforce-sync.md); off when absent. */
  salesforce?: SalesforceOptions;
  /** Secret of the signed recording links (docs/connector.md); random per process when absent. */
  recordingUrlSecret?: string;
  /** The admin API the managed package calls (docs/admin-api.md). */
  admin?: AdminApiOptions;
  /** The embedded media plane (docs/media.md); off when absent (media requests get 503). */
  media?: MediaOptions;
  /** Recording storage (docs/media.md); by default the media plane's data folder, none without it. */
  recordings?: RecordingStorageOptions;
  /** SIP trunks (docs/sip.md); off when absent. Needs the media plane. */
  sip?: SipOptions;
  /** One node of several on the same PostgreSQL database (docs/scaling.md); one node alone when absent. */
  cluster?: PgCluster;
  /** `TRUST_PROXY`: which proxies' X-Forwarded-For to believe (Fastify's `trustProxy`). */
  trustProxy?: boolean | string;
  /** The limits of docs/security.md (each has a default there). */
  limits?: Partial<ServiceLimits>;
  /** When new inbound calls are refused for overload (docs/scaling.md, "Overload"). */
  admission?: Partial<AdmissionLimits>;
}

/** Every abuse limit of the service (docs/security.md lists each with its default and variable). */
export interface ServiceLimits {
  /** Agent sign-ins (HTTP login and the admin API's agent credentials). */
  login: LoginThrottleOptions;
  /** `POST /oauth/token`, per client id and per source. */
  oauth: LoginThrottleOptions;
  hashing: Partial<HashingOptions>;
  /** The agent WebSocket: connections, buffers, heartbeat, frame depth. */
  socket: SocketLimits;
  /** Nesting depth of an HTTP body's JSON. */
  jsonDepth: number;
}

export const DEFAULT_LIMITS: ServiceLimits = {
  login: DEFAULT_LOGIN_THROTTLE,
  oauth: DEFAULT_LOGIN_THROTTLE,
  hashing: {},
  socket: DEFAULT_SOCKET_LIMITS,
  jsonDepth: DEFAULT_MAX_JSON_DEPTH,
};

export interface Service {
  app: FastifyInstance;
  engine: Engine;
  scheduler: Scheduler;
  sessions: Sessions;
  salesforce: SalesforceSync | null;
  /** The agents' event streams (open sockets per user). */
  streams: EventHub;
  /** The recording-link secret. */
  connector: ConnectorContext;
  media: MediaPlane | null;
  /** The stored recordings (local folder or S3); null without recording storage. */
  recordings: RecordingArchive | null;
  sip: SipService | null;
  /** Whether a new inbound call is taken now (every door a call comes in by asks it, admission.ts). */
  admission: Admission;
  close(): Promise<void>;
}

export async function buildService(options: ServiceOptions): Promise<Service> {
  await migrateToLatest(options.db);
  const clock = options.clock ?? systemClock;
  // The composition root: the engine gets its ports; the subscribers of its domain events are wired here.
  const recorder = new SalesforceRecorder();
  const cluster = options.cluster;
  const engine = new Engine(options.db, {
    clock,
    ports: { crm: recorder },
    ...(cluster ? { lock: lockContactCenter } : {}),
  });
  engine.events.subscribeInTransaction(recorder.record);
  if (cluster) engine.events.subscribeInTransaction(cluster.announce);
  const streams = new EventHub();
  engine.events.subscribe((batch) => streams.deliver(batch));
  engine.events.subscribeInTransaction(recordAgentActivity);
  const wallboard = new WallboardPush(engine);
  engine.events.subscribe((batch) => wallboard.committed(batch));
  const connector = createConnectorContext(options.recordingUrlSecret);
  const failures = new InjectedFailureGate(options.db);
  const limits: ServiceLimits = { ...DEFAULT_LIMITS, ...options.limits };
  configureHashing(limits.hashing);
  const sessions = new Sessions(
    options.db,
    clock,
    options.sessionTtlMs ?? 12 * 3600_000,
    new LoginThrottle(options.db, clock, 'login', limits.login),
  );
  const scheduler = new Scheduler(engine, options.schedulerPollMs ?? 200);

  const app = Fastify({
    logger: options.logger ?? false,
    // Behind a reverse proxy, the client's address (per-source limits) is in X-Forwarded-For.
    trustProxy: options.trustProxy ?? false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  });
  app.setErrorHandler((err: Error & { validation?: unknown; statusCode?: number }, _req, reply) => {
    if (err.validation)
      return reply.code(400).send({ error: { code: 'INVALID_PARAMS', message: err.message } });
    if (err.statusCode && err.statusCode < 500) {
      return reply.code(err.statusCode).send({ error: { code: 'INVALID_PARAMS', message: err.message } });
    }
    app.log.error(err);
    return reply.code(500).send({ error: { code: 'GENERIC_ERROR', message: 'internal error' } });
  });
  // Paths and query strings are read as text by every route: a control character (NUL among them,
  // which PostgreSQL refuses in text) is refused here, once, before any route sees it.
  app.addHook('onRequest', async (req, reply) => {
    if (/%(?:[01][0-9a-f]|7f)/i.test(req.url))
      return reply.code(400).send({
        error: { code: 'INVALID_PARAMS', message: 'the URL must not contain control characters' },
      });
  });
  limitJsonDepth(app, limits.jsonDepth);
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  app.get('/health', async () => ({ ok: true }));
  registerAgentHttp(app, engine, sessions);
  registerAgentSocket(app, { engine, connector, failures, streams }, sessions, limits.socket);
  const simulatorEnabled = options.simulatorEnabled ?? true;
  const tokenThrottle = new LoginThrottle(options.db, clock, 'token', limits.login);
  const admission = new Admission(engine, options.admission);
  const simulator = { token: options.simulatorToken ?? null, throttle: tokenThrottle, admission };
  if (simulatorEnabled) registerSimulatorRoutes(app, engine, connector, failures, simulator);
  const salesforce = options.salesforce
    ? new SalesforceSync(engine, {
        ...options.salesforce,
        ...(cluster ? { nodeId: cluster.nodeId } : {}),
      })
    : null;
  const storage =
    options.recordings ??
    (options.media ? { dataDir: options.media.dataDir, publicUrl: options.media.publicUrl } : undefined);
  const recordings = storage ? new RecordingArchive(options.db, clock, storage) : null;
  const media = options.media && recordings ? startMediaPlane(engine, options.media, recordings) : null;
  if (media) {
    engine.events.subscribe((batch) => media.plane.onDomainEvents(batch));
    sessions.onEnded((sessionId) => void media.plane.sessionEnded(sessionId));
  }
  const production = options.admin?.production ?? false;
  if ((salesforce || media) && (!production || options.metricsToken))
    app.get(
      '/metrics',
      { onRequest: simulatorAuth({ token: options.metricsToken ?? null, throttle: tokenThrottle }) },
      async (_req, reply) => {
        const parts = [
          salesforce ? await salesforce.metrics() : '',
          media ? await media.plane.metrics() : '',
        ];
        return reply.type('text/plain').send(parts.filter(Boolean).join(''));
      },
    );
  let sip: SipService | null = null;
  registerMediaRoutes(app, sessions, { media, simulator: simulatorEnabled ? simulator : null });
  registerConnectorRoutes(app, engine, connector, recordings);
  registerAdminApi(
    app,
    {
      engine,
      sessions,
      salesforce,
      recordingSecret: connector.recordingSecret,
      recordings,
      sipRegistrar: () => sip?.registrar ?? null,
    },
    { ...options.admin, oauthThrottle: new LoginThrottle(options.db, clock, 'oauth', limits.oauth) },
  );
  if (simulatorEnabled) {
    registerSimulatorControlRoutes(app, { engine, connector, failures }, sessions, simulator);
    registerSimulatorPage(app, simulatorAuth({ ...simulator, challenge: 'switchboard-simulator' }));
  }
  await app.ready();
  if (options.sip && !media) throw new Error('SIP needs the media plane (the media option)');
  sip =
    options.sip && media ? await SipService.start(engine, media.plane, { admission, ...options.sip }) : null;
  await cluster?.start({ db: options.db, streams, failures, vault: salesforce?.vault ?? null });
  if (options.startScheduler ?? true) scheduler.start();
  if (salesforce) {
    recorder.bindSender(salesforce);
    salesforce.start();
  }

  return {
    app,
    engine,
    scheduler,
    sessions,
    salesforce,
    streams,
    connector,
    media: media?.plane ?? null,
    recordings,
    sip,
    admission,
    async close() {
      admission.close();
      wallboard.stop();
      recorder.bindSender(null);
      await sip?.close();
      await media?.plane.close();
      await recordings?.close();
      await salesforce?.stop();
      await scheduler.stop();
      await app.close();
      await cluster?.stop();
    },
  };
}
