/** The agent's devices and settings (`000_…`): soft phone or desk phone, secondary ring device, auto-accept. */
import type { AgentConfig } from '../contracts/agentApi.ts';
import type { UserTable } from '../db/schema.ts';
import { ConnectorError, refuse } from '../domain/errors.ts';
import { toE164 } from '../domain/phoneNumbers.ts';
import { settings } from './settings.ts';
import type { Tx } from './engine.ts';
import { loadUser } from './presence.ts';

export function agentConfig(u: UserTable): AgentConfig {
  return {
    phoneType: u.phone_type,
    deskPhoneNumber: u.desk_phone_number,
    autoAccept: u.auto_accept === 1,
    secondaryRing:
      u.secondary_number && u.secondary_delay_s !== null
        ? { phoneNumber: u.secondary_number, delaySeconds: u.secondary_delay_s }
        : null,
  };
}

export async function setAgentConfig(
  tx: Tx,
  userId: string,
  patch: Partial<AgentConfig>,
): Promise<AgentConfig> {
  const user = await loadUser(tx, userId);
  if (user.active_call_id || user.offered_leg_id)
    refuse('CAN_NOT_SET_AGENT_CONFIG', 'devices cannot change during a call');
  const country = (await settings(tx)).defaultCountry;
  const number = (n: string) => {
    try {
      return toE164(n, country);
    } catch (e) {
      if (e instanceof ConnectorError) throw new ConnectorError('CAN_NOT_SET_AGENT_CONFIG', e.message);
      throw e;
    }
  };
  const phoneType = patch.phoneType ?? user.phone_type;
  const desk =
    patch.deskPhoneNumber !== undefined
      ? patch.deskPhoneNumber
        ? number(patch.deskPhoneNumber)
        : null
      : user.desk_phone_number;
  if (phoneType === 'DESK_PHONE' && !desk)
    refuse('CAN_NOT_SET_AGENT_CONFIG', 'a desk phone needs its number');
  const secondary = patch.secondaryRing !== undefined ? patch.secondaryRing : agentConfig(user).secondaryRing;
  const updated: UserTable = {
    ...user,
    phone_type: phoneType,
    desk_phone_number: desk,
    auto_accept: (patch.autoAccept ?? user.auto_accept === 1) ? 1 : 0,
    secondary_number: secondary ? number(secondary.phoneNumber) : null,
    secondary_delay_s: secondary ? secondary.delaySeconds : null,
  };
  await tx.db
    .updateTable('users')
    .set({
      phone_type: updated.phone_type,
      desk_phone_number: updated.desk_phone_number,
      auto_accept: updated.auto_accept,
      secondary_number: updated.secondary_number,
      secondary_delay_s: updated.secondary_delay_s,
    })
    .where('id', '=', userId)
    .execute();
  const config = agentConfig(updated);
  await tx.emit(userId, 'AGENT_CONFIG_UPDATED', { config });
  return config;
}
