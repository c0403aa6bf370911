/** Supervisors: the contact center's live calls, silent monitoring (listen-in), barge-in, leaving. */
import type { CallView } from '../domain/callView.ts';
import { refuse } from '../domain/errors.ts';
import { addLeg, liveUsers, loadCall, loadParticipants, notify, viewFor } from './callState.ts';
import type { Tx } from './engine.ts';
import { loadUser } from './presence.ts';

async function requireSupervisor(tx: Tx, userId: string, code: Parameters<typeof refuse>[0]): Promise<void> {
  const user = await loadUser(tx, userId);
  if (user.role !== 'supervisor') refuse(code, 'only supervisors can do this');
}

export async function listActiveCalls(tx: Tx, userId: string): Promise<CallView[]> {
  await requireSupervisor(tx, userId, 'CAN_NOT_SUPERVISE_CALL');
  const calls = await tx.db
    .selectFrom('calls')
    .select('id')
    .where('contact_center_id', '=', tx.ccId)
    .where('state', '!=', 'ended')
    .orderBy('created_at')
    .execute();
  return Promise.all(calls.map((c) => viewFor(tx, c.id, userId)));
}

async function supervisorLeg(tx: Tx, userId: string, callId: string) {
  return (await loadParticipants(tx, callId)).find(
    (p) => p.user_id === userId && p.role === 'supervisor' && p.state === 'connected',
  );
}

export async function superviseCall(tx: Tx, userId: string, callId: string): Promise<{ call: CallView }> {
  await requireSupervisor(tx, userId, 'CAN_NOT_SUPERVISE_CALL');
  const call = await loadCall(tx, callId, 'CAN_NOT_SUPERVISE_CALL');
  if (call.state !== 'connected') refuse('CAN_NOT_SUPERVISE_CALL', `the call is ${call.state}`);
  const busy = await tx.db
    .selectFrom('participants')
    .select('id')
    .where('user_id', '=', userId)
    .where('state', 'in', ['connected', 'held', 'dialing', 'ringing'])
    .executeTakeFirst();
  if (busy) refuse('CAN_NOT_SUPERVISE_CALL', 'you are already on a call');
  const user = await loadUser(tx, userId);
  const leg = await addLeg(tx, callId, {
    role: 'supervisor',
    state: 'connected',
    userId,
    name: user.display_name,
    listenOnly: true,
    device: user.phone_type === 'DESK_PHONE' ? 'desk' : 'soft',
  });
  await tx.publish({
    type: 'SupervisorJoined',
    contactCenterId: tx.ccId,
    callId,
    participantId: leg.id,
    userId,
    mode: 'listen',
  });
  const event = user.phone_type === 'DESK_PHONE' ? 'SUPERVISOR_CALL_STARTED' : 'SUPERVISOR_CALL_CONNECTED';
  await notify(tx, callId, event, [userId]);
  return { call: await viewFor(tx, callId, userId) };
}

export async function bargeIn(tx: Tx, userId: string, callId: string): Promise<{ call: CallView }> {
  await loadCall(tx, callId, 'CAN_NOT_BARGE_IN_CALL');
  const leg = await supervisorLeg(tx, userId, callId);
  if (!leg) refuse('CAN_NOT_BARGE_IN_CALL', 'you are not supervising this call');
  if (leg.listen_only === 0) refuse('CAN_NOT_BARGE_IN_CALL', 'you have already barged in');
  await tx.db
    .updateTable('participants')
    .set({ listen_only: 0, muted: 0 })
    .where('id', '=', leg.id)
    .execute();
  await tx.publish({
    type: 'SupervisorJoined',
    contactCenterId: tx.ccId,
    callId,
    participantId: leg.id,
    userId,
    mode: 'barge',
  });
  await notify(tx, callId, 'SUPERVISOR_BARGED_IN', [userId]);
  const agents = liveUsers(await loadParticipants(tx, callId), userId);
  await notify(tx, callId, 'CALL_BARGED_IN', agents, () => ({ supervisorName: leg.name }));
  return { call: await viewFor(tx, callId, userId) };
}

export async function supervisorDisconnect(
  tx: Tx,
  userId: string,
  callId: string,
): Promise<{ call: CallView }> {
  await loadCall(tx, callId, 'CAN_NOT_DISCONNECT_SUPERVISOR');
  const leg = await supervisorLeg(tx, userId, callId);
  if (!leg) refuse('CAN_NOT_DISCONNECT_SUPERVISOR', 'you are not supervising this call');
  await tx.db
    .updateTable('participants')
    .set({ state: 'ended', left_at: tx.now, leave_reason: 'supervisor_left' })
    .where('id', '=', leg.id)
    .execute();
  await tx.publish({
    type: 'ParticipantLeft',
    contactCenterId: tx.ccId,
    callId,
    participantId: leg.id,
    reason: 'supervisor_left',
  });
  await notify(tx, callId, 'SUPERVISOR_HANGUP', [userId]);
  if (leg.listen_only === 0) {
    await notify(tx, callId, 'PARTICIPANT_REMOVED', liveUsers(await loadParticipants(tx, callId)), () => ({
      participantId: leg.id,
    }));
  }
  return { call: await viewFor(tx, callId, userId) };
}
