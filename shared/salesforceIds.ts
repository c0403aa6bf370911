/**
 * Salesforce record ids, used by the service, the connector and the emulator: 15 characters
 * (case-sensitive), or the same 15 with a 3-character suffix that encodes their case (18,
 * case-insensitive). Neutral: no Node or browser API, no import of any project folder.
 */
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** A 15- or 18-character id (JSON Schema `pattern`). */
export const SALESFORCE_ID_PATTERN = '^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$';

/** The 3-character case suffix of a 15-character id. */
function caseSuffix(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charCodeAt(chunk * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET.charAt(bits);
  }
  return suffix;
}

/** The 18-character form of a 15-character id; any other id is returned as it is. */
export function caseSafeId(id: string): string {
  return id.length === 15 ? id + caseSuffix(id) : id;
}

/** The 18-character form of a 15- or 18-character id, its suffix recomputed from the first 15. */
export function canonicalSalesforceId(id: string): string {
  const base = id.slice(0, 15);
  return base + caseSuffix(base);
}

/** Org ids compare on their case-sensitive 15-character form. */
export function orgKey(orgId: string): string {
  return orgId.slice(0, 15);
}

/** Whether two org ids name the same org. */
export function sameOrg(a: string, b: string): boolean {
  return orgKey(a) === orgKey(b);
}

/** Whether `id` (15 or 18 characters) names the record whose 18-character id is `id18`. */
export function sameSalesforceId(id: string, id18: string): boolean {
  return id.length === 15 ? id18.startsWith(id) : id === id18;
}

/** Whether `value` looks like an id with the key prefix `prefix` (15 or 18 characters). */
export function looksLikeSalesforceId(value: string, prefix: string): boolean {
  return new RegExp(`^${prefix}[0-9A-Za-z]{12}([0-9A-Za-z]{3})?$`).test(value);
}
