import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { ConnectorError } from './errors.ts';

/** Normalises a dialable number to E.164, or refuses it with INVALID_PHONE_NUMBER. */
export function toE164(input: string, defaultCountry: string): string {
  const parsed = parsePhoneNumberFromString(input.trim(), defaultCountry as CountryCode);
  if (!parsed || !parsed.isValid()) {
    throw new ConnectorError('INVALID_PHONE_NUMBER', `"${input}" is not a valid phone number`);
  }
  return parsed.number;
}

/** E.164 when the input is a valid number, else null (for lookups where "not a number" is an answer). */
export function tryE164(input: string, defaultCountry: string): string | null {
  const parsed = parsePhoneNumberFromString(input.trim(), defaultCountry as CountryCode);
  return parsed && parsed.isValid() ? parsed.number : null;
}
