/**
 * The admin API's errors (docs/admin-api.md, Conventions): `{ error: { code, message, details? } }`,
 * codes of the service's one vocabulary (contracts/errors.ts); the engine's refusals are mapped here,
 * once.
 */
import type { AdminErrorCode, ErrorDetails } from '../contracts/adminApi.ts';
import { ConnectorError, ThrottledError } from '../domain/errors.ts';

export type { AdminErrorCode, ErrorDetails } from '../contracts/adminApi.ts';

export interface AdminErrorBody {
  error: { code: AdminErrorCode; message: string; details?: ErrorDetails };
}

/** A refused admin request: nothing was changed. */
export class AdminError extends Error {
  override name = 'AdminError';

  constructor(
    readonly status: number,
    readonly code: AdminErrorCode,
    message: string,
    readonly details?: ErrorDetails,
    /** Sent as `Retry-After` (429, 503). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  body(): AdminErrorBody {
    return {
      error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) },
    };
  }
}

export const invalidParams = (message: string, details?: ErrorDetails): AdminError =>
  new AdminError(400, 'INVALID_PARAMS', message, details);
export const notFound = (message: string, details?: ErrorDetails): AdminError =>
  new AdminError(404, 'NOT_FOUND', message, details);
export const conflict = (message: string, details?: ErrorDetails): AdminError =>
  new AdminError(409, 'CONFLICT', message, details);
export const forbidden = (message: string): AdminError => new AdminError(403, 'FORBIDDEN', message);
export const unauthorized = (message: string): AdminError => new AdminError(401, 'UNAUTHORIZED', message);

/**
 * An error thrown by an engine function the admin API calls: a refused phone number is bad input, any
 * other refusal contradicts the current state (a user on a call, say).
 */
export function fromEngineError(err: unknown): AdminError | null {
  if (err instanceof AdminError) return err;
  if (err instanceof ThrottledError)
    return new AdminError(
      err.code === 'RATE_LIMITED' ? 429 : 503,
      err.code,
      err.message,
      undefined,
      err.retryAfterSeconds,
    );
  if (!(err instanceof ConnectorError)) return null;
  if (err.code === 'INVALID_PHONE_NUMBER' || err.code === 'INVALID_PARAMS') return invalidParams(err.message);
  return conflict(err.message);
}
