/**
 * The engine's refusals, one class per kind, each with a code of the service's one error vocabulary
 * (`contracts/errors.ts`). Each wire API maps them to its HTTP status once (`api/errors.ts`,
 * `admin/errors.ts`).
 */
import type { ConnectorErrorCode, ErrorBody } from '../contracts/errors.ts';

export { CONNECTOR_ERROR_CODES, type ConnectorErrorCode } from '../contracts/errors.ts';
/** The codes an engine refusal to an agent carries (the Connector API's). */
export type ErrorCode = ConnectorErrorCode;

/** A refused operation: nothing was changed. */
export class ConnectorError extends Error {
  readonly code: ConnectorErrorCode;
  readonly customErrorLabel: string | undefined;

  constructor(code: ConnectorErrorCode, message: string, customErrorLabel?: string) {
    super(message);
    this.name = 'ConnectorError';
    this.code = code;
    this.customErrorLabel = customErrorLabel;
  }

  toJSON(): ErrorBody {
    return this.customErrorLabel
      ? { code: this.code, message: this.message, customErrorLabel: this.customErrorLabel }
      : { code: this.code, message: this.message };
  }
}

export function refuse(code: ConnectorErrorCode, message: string): never {
  throw new ConnectorError(code, message);
}

/** A lookup that found nothing (code `NOT_FOUND`, HTTP 404). */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
  readonly code = 'NOT_FOUND';
}
/** Not allowed for this user (code `FORBIDDEN`, HTTP 403): e.g. the wallboard for a non-supervisor. */
export class ForbiddenError extends Error {
  override name = 'ForbiddenError';
  readonly code = 'FORBIDDEN';
}
/** A simulator action in the wrong state (code `INVALID_STATE`, HTTP 409). */
export class InvalidStateError extends Error {
  override name = 'InvalidStateError';
  readonly code = 'INVALID_STATE';
}

/**
 * Refused for the rate or the load, before any work (docs/security.md): `RATE_LIMITED` (HTTP 429,
 * too many attempts of one account or source) or `UNAVAILABLE` (HTTP 503, the service is busy); the
 * client may retry after `retryAfterSeconds` (the `Retry-After` header).
 */
export class ThrottledError extends Error {
  override name = 'ThrottledError';
  constructor(
    readonly code: 'RATE_LIMITED' | 'UNAVAILABLE',
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
