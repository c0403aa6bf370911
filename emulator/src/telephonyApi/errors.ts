/** Errors of the emulated API, in the shape docs/salesforce-telephony-api.md ("Error responses") names. */

export type ErrorCode =
  | 'INVALID_REQUEST'
  | 'MISSING_HEADER'
  | 'OUTSIDE_CALL_WINDOW'
  | 'NOT_FIRST_CALL_KEY'
  | 'INVALID_AUTH'
  | 'NOT_FOUND'
  | 'DUPLICATE_MESSAGE_ID'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'SERVICE_UNAVAILABLE'
  | 'INJECTED_FAULT'
  | 'RESOURCE_EXHAUSTED'
  | 'INTERNAL_ERROR';

export type SalesforceErrorBody = { errorCode: ErrorCode; message: string }[];

export function errorBody(errorCode: ErrorCode, message: string): SalesforceErrorBody {
  return [{ errorCode, message }];
}

/** A failed request: its status and body (usually the Salesforce error array, sometimes a documented body). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(typeof body === 'string' ? body : JSON.stringify(body));
  }

  static of(status: number, errorCode: ErrorCode, message: string): ApiError {
    return new ApiError(status, errorBody(errorCode, message));
  }
}
