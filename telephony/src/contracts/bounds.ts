/**
 * The bounds every value crossing a wire boundary must respect (docs/security.md), in one place: the
 * contract modules build their strings and integers with these, so that Ajv (HTTP) and the TypeBox
 * compiler (WebSocket) refuse the same inputs with 400 / `INVALID_PARAMS` on SQLite and PostgreSQL
 * alike (PostgreSQL refuses NUL in text and integers beyond its column types).
 */
import { Type, type IntegerOptions, type StringOptions } from '@sinclair/typebox';

/** No control character at all (names, ids, one-line values). */
export const NO_CONTROL_PATTERN = '^[^\\u0000-\\u001f\\u007f]*$';
/** Free text: tab and line breaks allowed, no other control character (transcripts, messages). */
export const PROSE_PATTERN = '^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f]*$';
/** The largest value of a PostgreSQL `integer` column (durations, counts, priorities). */
export const INT32_MAX = 2 ** 31 - 1;
/** The last millisecond of the year 9999: the latest time any of our `bigint` timestamps may hold. */
export const TIMESTAMP_MAX = 253_402_300_799_999;

/** A recording's stored location: an https URL (the signed link redirects nowhere else). */
export const RECORDING_URL_PATTERN = '^https://[^\\s]+$';

/** A one-line string without control characters. */
export const Text = (options: StringOptions = {}) => Type.String({ pattern: NO_CONTROL_PATTERN, ...options });
/** Free text: line breaks and tabs allowed, other control characters not. */
export const Prose = (options: StringOptions = {}) => Type.String({ pattern: PROSE_PATTERN, ...options });
/** An integer that fits a 32-bit column. */
export const Int = (options: IntegerOptions = {}) =>
  Type.Integer({ minimum: -INT32_MAX - 1, maximum: INT32_MAX, ...options });
/** Milliseconds since 1970, up to the year 9999. */
export const Timestamp = (options: IntegerOptions = {}) =>
  Type.Integer({ minimum: 0, maximum: TIMESTAMP_MAX, ...options });

const oneLine = new RegExp(NO_CONTROL_PATTERN, 'u');
/** Whether a string read outside a schema (a header, a form) has a control character. */
export const hasControlCharacter = (value: string): boolean => !oneLine.test(value);
