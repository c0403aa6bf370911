/**
 * The simulator API's directory and controls (docs/simulator-api.md, "Directory and controls"): what
 * the Voice Call Simulator page needs beyond the phone network — the contact centers with their
 * numbers, queues and agents, the active calls, the settings behind the Omni call control toggles, an
 * agent's phone (soft or desk), what the agent does on a desk phone, and logging an agent out.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import {
  AgentConfigBody,
  PhoneRequest,
  SettingsPatch,
  type ActiveCall,
  type ContactCenterView,
  type DirectoryAgent,
} from '../contracts/simulatorApi.ts';
import { recordingState } from '../domain/callView.ts';
import { ConnectorError, NotFoundError } from '../domain/errors.ts';
import { agentConfig, setAgentConfig } from '../engine/agentConfig.ts';
import { logOutOfRouting } from '../engine/agentPresence.ts';
import { loadParticipants } from '../engine/callState.ts';
import type { Engine } from '../engine/engine.ts';
import { agentStatus } from '../engine/presence.ts';
import type { Sessions } from '../engine/sessions.ts';
import { updateSettings } from '../engine/tenants.ts';
import { runMethod, type AgentApiDeps } from './agentMethods.ts';
import { errorBody } from './errors.ts';
import { simulatorAuth, type SimulatorOptions } from './simulatorRoutes.ts';

/** Only a desk phone places calls or adds participants by itself (the guide: "with Hardphone selected"). */
const DESK_PHONE_ONLY = new Set(['dial', 'addParticipant']);
const ACTIVE_CALL_STATES = ['queued', 'ringing', 'dialing', 'connected', 'voicemail'] as const;

export function registerSimulatorControlRoutes(
  app: FastifyInstance,
  deps: AgentApiDeps,
  sessions: Sessions,
  options: SimulatorOptions,
): void {
  const { engine } = deps;
  app.register(
    async (sim) => {
      sim.addHook('onRequest', simulatorAuth(options));
      const handle = async (reply: FastifyReply, fn: () => Promise<unknown>) => {
        try {
          return reply.send((await fn()) ?? { ok: true });
        } catch (err) {
          const { status, body } = errorBody(err);
          return reply.code(status).send({ error: body });
        }
      };
      const userRow = async (userId: string) => {
        const row = await engine.db
          .selectFrom('users')
          .selectAll()
          .where('id', '=', userId)
          .executeTakeFirst();
        if (!row) throw new NotFoundError(`unknown user ${userId}`);
        return row;
      };

      sim.get('/contact-centers', (_req, reply) =>
        handle(reply, async () => ({ contactCenters: await directory(engine) })),
      );

      sim.patch<{ Params: { ccId: string }; Body: SettingsPatch }>(
        '/contact-centers/:ccId/settings',
        { schema: { body: SettingsPatch } },
        (req, reply) =>
          handle(reply, async () => {
            const cc = await engine.db
              .selectFrom('contact_centers')
              .select('id')
              .where('id', '=', req.params.ccId)
              .executeTakeFirst();
            if (!cc) throw new NotFoundError(`unknown contact center ${req.params.ccId}`);
            return { settings: await updateSettings(engine.db, cc.id, req.body) };
          }),
      );

      sim.get('/calls', (_req, reply) => handle(reply, async () => ({ calls: await activeCalls(engine) })));

      sim.put<{ Params: { userId: string }; Body: AgentConfigBody }>(
        '/agents/:userId/config',
        { schema: { body: AgentConfigBody } },
        (req, reply) =>
          handle(reply, async () => {
            const user = await userRow(req.params.userId);
            const { deskPhoneNumber, ...rest } = req.body;
            return engine.command(user.contact_center_id, (tx) =>
              setAgentConfig(tx, user.id, {
                ...rest,
                ...(deskPhoneNumber !== undefined ? { deskPhoneNumber } : {}),
              }),
            );
          }),
      );

      sim.post<{ Params: { userId: string }; Body: PhoneRequest }>(
        '/agents/:userId/phone-request',
        { schema: { body: PhoneRequest } },
        (req, reply) =>
          handle(reply, async () => {
            const user = await userRow(req.params.userId);
            if (DESK_PHONE_ONLY.has(req.body.method) && user.phone_type !== 'DESK_PHONE')
              throw new ConnectorError('INVALID_PARAMS', `${user.username} does not use a desk phone`);
            return runMethod(
              deps,
              { userId: user.id, contactCenterId: user.contact_center_id },
              req.body.method,
              req.body.params,
            );
          }),
      );

      sim.post<{ Params: { userId: string } }>('/agents/:userId/logout', (req, reply) =>
        handle(reply, async () => {
          const user = await userRow(req.params.userId);
          const open = await engine.db
            .selectFrom('sessions')
            .select('id')
            .where('user_id', '=', user.id)
            .where('ended_at', 'is', null)
            .execute();
          await engine.command(user.contact_center_id, (tx) => logOutOfRouting(tx, user.id));
          for (const s of open) await sessions.end(s.id, 'loggedOut');
          return { sessionsEnded: open.length };
        }),
      );
    },
    { prefix: '/sim/v1' },
  );
}

/** Contact centers with their numbers, queues, flows and users (presence, phone, logged in). */
async function directory(engine: Engine): Promise<ContactCenterView[]> {
  const db = engine.db;
  const now = engine.clock.now();
  const [ccs, numbers, queues, flows, users, live] = await Promise.all([
    db.selectFrom('contact_centers').selectAll().orderBy('created_at').execute(),
    db.selectFrom('phone_numbers').selectAll().orderBy('number').execute(),
    db.selectFrom('queues').selectAll().orderBy('name').execute(),
    db.selectFrom('flows').selectAll().orderBy('dev_name').execute(),
    db.selectFrom('users').selectAll().orderBy('username').execute(),
    db
      .selectFrom('sessions')
      .select('user_id')
      .where('ended_at', 'is', null)
      .where('expires_at', '>', now)
      .execute(),
  ]);
  const loggedIn = new Set(live.map((s) => s.user_id));
  const out: ContactCenterView[] = [];
  for (const cc of ccs) {
    const agents = await engine.command(cc.id, async (tx) => {
      const list: DirectoryAgent[] = [];
      for (const u of users.filter((x) => x.contact_center_id === cc.id))
        list.push({
          id: u.id,
          username: u.username,
          displayName: u.display_name,
          role: u.role,
          salesforceUserId: u.salesforce_user_id,
          loggedIn: loggedIn.has(u.id),
          status: await agentStatus(tx, u),
          config: agentConfig(u),
          activeCallId: u.active_call_id,
        });
      return list;
    });
    out.push({
      id: cc.id,
      orgId: cc.org_id,
      apiName: cc.api_name,
      displayName: cc.display_name,
      settings: JSON.parse(cc.settings_json) as ContactCenterView['settings'],
      numbers: numbers
        .filter((n) => n.contact_center_id === cc.id)
        .map((n) => ({ number: n.number, label: n.label, targetType: n.target_type, targetId: n.target_id })),
      queues: queues.filter((q) => q.contact_center_id === cc.id).map((q) => ({ id: q.id, name: q.name })),
      flows: flows
        .filter((f) => f.contact_center_id === cc.id)
        .map((f) => ({ id: f.id, devName: f.dev_name })),
      agents,
    });
  }
  return out;
}

/** Calls not ended yet, oldest first, with their participants. */
async function activeCalls(engine: Engine): Promise<ActiveCall[]> {
  const calls = await engine.db
    .selectFrom('calls')
    .selectAll()
    .where('state', 'in', [...ACTIVE_CALL_STATES])
    .orderBy('created_at')
    .limit(200)
    .execute();
  const out: ActiveCall[] = [];
  for (const call of calls) {
    const participants = await engine.command(call.contact_center_id, (tx) => loadParticipants(tx, call.id));
    out.push({
      callId: call.id,
      contactCenterId: call.contact_center_id,
      kind: call.kind,
      origin: call.origin,
      state: call.state,
      from: call.from_number,
      to: call.to_number,
      callerName: call.caller_name,
      queueId: call.queue_id,
      isDeskPhone: call.is_desk_phone === 1,
      recording: recordingState(call, participants),
      createdAt: call.created_at,
      connectedAt: call.connected_at,
      participants: participants
        .filter((p) => p.state !== 'ended')
        .map((p) => ({
          id: p.id,
          role: p.role,
          userId: p.user_id,
          name: p.name,
          phoneNumber: p.phone_number,
          state: p.state,
          muted: p.muted === 1,
          onHold: p.state === 'held',
          device: p.device,
        })),
    });
  }
  return out;
}
