/**
 * Salesforce record ids: 15 characters (case-sensitive) or the same 15 with a 3-character suffix that
 * encodes their case (18, case-insensitive). We store and compare the 18-character form.
 */
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

export const SALESFORCE_ID_PATTERN = '^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$';

/** The 18-character form of a 15- or 18-character id (the suffix recomputed from the first 15). */
export function canonicalSalesforceId(id: string): string {
  const base = id.slice(0, 15);
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = base.charCodeAt(chunk * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET[bits];
  }
  return base + suffix;
}

/** Whether two org ids name the same org (compared on their first 15 characters). */
export function sameOrg(a: string, b: string): boolean {
  return a.slice(0, 15) === b.slice(0, 15);
}
