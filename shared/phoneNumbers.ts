/**
 * E.164 phone numbers (libphonenumber-js, full metadata), for the service and the tools around it.
 * Neutral: no import of any project folder. The connector does not parse numbers (its bundle budget
 * has no room for the metadata); the service refuses a bad number with its own error
 * (`telephony/src/domain/phoneNumbers.ts`).
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

/** The E.164 form of a dialable number (national numbers read in `defaultCountry`), or null. */
export function e164OrNull(input: string, defaultCountry: string): string | null {
  const parsed = parsePhoneNumberFromString(input.trim(), defaultCountry as CountryCode);
  return parsed && parsed.isValid() ? parsed.number : null;
}

/** The country and line type of an E.164 number (`UNKNOWN` when libphonenumber cannot tell). */
export function numberInfo(e164: string): { countryCode: string | null; numberType: string } {
  const parsed = parsePhoneNumberFromString(e164);
  return { countryCode: parsed?.country ?? null, numberType: parsed?.getType() ?? 'UNKNOWN' };
}
