/** Phone numbers as the engine takes them: E.164 (shared/phoneNumbers.ts), or a refusal. */
import { e164OrNull } from '../../../shared/phoneNumbers.ts';
import { ConnectorError } from './errors.ts';

/** Normalises a dialable number to E.164, or refuses it with INVALID_PHONE_NUMBER. */
export function toE164(input: string, defaultCountry: string): string {
  const number = e164OrNull(input, defaultCountry);
  if (!number) throw new ConnectorError('INVALID_PHONE_NUMBER', `"${input}" is not a valid phone number`);
  return number;
}

/** E.164 when the input is a valid number, else null (for lookups where "not a number" is an answer). */
export const tryE164 = e164OrNull;
