/** Salesforce-style record ids the emulator makes (the id helpers themselves are in shared/salesforceIds.ts). */
import { randomInt } from 'node:crypto';
import { caseSafeId } from '../../../shared/salesforceIds.ts';

export { looksLikeSalesforceId, orgKey, sameSalesforceId } from '../../../shared/salesforceIds.ts';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const VOICE_CALL_PREFIX = '0LQ';

/** A new 18-character id with the key prefix `prefix`. */
export function newSalesforceId(prefix: string): string {
  let body = '';
  for (let i = 0; i < 9; i++) body += BASE62.charAt(randomInt(BASE62.length));
  return caseSafeId(`${prefix}5g0${body}`);
}
