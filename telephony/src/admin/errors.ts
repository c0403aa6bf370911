/** The admin API's errors (docs/admin-api.md, Conventions): `{ error: { code, message, details? } }`. */
import { ConnectorError } from '../domain/errors.ts';

export type AdminErrorCode =
  | 'INVALID_PARAMS'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'UNAVAILABLE'
  | 'GENERIC_ERROR';

export type ErrorDetails = Record<string, string>;

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
  if (!(err instanceof ConnectorError)) return null;
  if (err.code === 'INVALID_PHONE_NUMBER' || err.code === 'INVALID_PARAMS') return invalidParams(err.message);
  return conflict(err.message);
}
