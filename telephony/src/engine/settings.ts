import { parseSettings, type ContactCenterSettings } from '../domain/settings.ts';
import type { Tx } from './engine.ts';

/** The settings of the command's contact center (read once per command until it writes them). */
export function settings(tx: Tx): Promise<ContactCenterSettings> {
  return tx.reads.get('settings', ['contact_centers'], async () => {
    const row = await tx.db
      .selectFrom('contact_centers')
      .select('settings_json')
      .where('id', '=', tx.ccId)
      .executeTakeFirstOrThrow();
    return parseSettings(row.settings_json);
  });
}
