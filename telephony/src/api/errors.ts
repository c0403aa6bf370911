/** Turns a thrown error into the documented error body; unexpected errors are logged and generic. */
import {
  ConnectorError,
  ForbiddenError,
  InvalidStateError,
  NotFoundError,
  ThrottledError,
} from '../domain/errors.ts';
import type { ErrorBody } from '../contracts/errors.ts';

export function errorBody(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof ConnectorError) {
    const status = err.code === 'AUTHENTICATION_ERROR' ? 401 : 400;
    return { status, body: err.toJSON() };
  }
  if (err instanceof ThrottledError)
    return {
      status: err.code === 'RATE_LIMITED' ? 429 : 503,
      body: { code: err.code, message: err.message },
    };
  if (err instanceof NotFoundError) return { status: 404, body: { code: 'NOT_FOUND', message: err.message } };
  if (err instanceof ForbiddenError)
    return { status: 403, body: { code: 'FORBIDDEN', message: err.message } };
  if (err instanceof InvalidStateError)
    return { status: 409, body: { code: 'INVALID_STATE', message: err.message } };
  console.error(err);
  return { status: 500, body: { code: 'GENERIC_ERROR', message: 'internal error' } };
}
