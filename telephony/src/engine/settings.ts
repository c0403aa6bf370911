import { parseSettings, type ContactCenterSettings } from '../domain/settings.ts';
import type { Tx } from './engine.ts';

/** The settings of the command's contact center. */
export async function settings(tx: Tx): Promise<ContactCenterSettings> {
  const row = await tx.db
    .selectFrom('contact_centers')
    .select('settings_json')
    .where('id', '=', tx.ccId)
    .executeTakeFirstOrThrow();
  return parseSettings(row.settings_json);
}
