/** Salesforce-style record ids: a 15-character case-sensitive id plus the 3-character case checksum. */
import { randomInt } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const CHECKSUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
export const VOICE_CALL_PREFIX = '0LQ';

/** The 18-character form of a 15-character id. */
export function to18(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let flags = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charAt(chunk * 5 + i);
      if (c >= 'A' && c <= 'Z') flags |= 1 << i;
    }
    suffix += CHECKSUM.charAt(flags);
  }
  return id15 + suffix;
}

export function newSalesforceId(prefix: string): string {
  let body = '';
  for (let i = 0; i < 9; i++) body += BASE62.charAt(randomInt(BASE62.length));
  return to18(`${prefix}5g0${body}`);
}

export function looksLikeSalesforceId(value: string, prefix: string): boolean {
  return new RegExp(`^${prefix}[0-9A-Za-z]{12}([0-9A-Za-z]{3})?$`).test(value);
}

/** Whether `id` (15 or 18 characters) names the record whose 18-character id is `id18`. */
export function sameSalesforceId(id: string, id18: string): boolean {
  return id.length === 15 ? id18.startsWith(id) : id === id18;
}

/** Org ids compare on their case-sensitive 15-character form. */
export function orgKey(orgId: string): string {
  return orgId.slice(0, 15);
}
