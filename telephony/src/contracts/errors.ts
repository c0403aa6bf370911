/**
 * The service's one error vocabulary, on every wire API: `{ code, message, … }` with a typed code.
 * The agent API uses the Connector API's codes (scv-connector-base constants) and `NOT_FOUND` /
 * `INVALID_STATE` for the simulator; the admin API adds the HTTP-flavoured codes below. Each API maps
 * a code to its HTTP status in one place (`api/errors.ts`, `admin/errors.ts`).
 */

/** The Connector API's error codes (what the connector hands to Salesforce). */
export const CONNECTOR_ERROR_CODES = [
  'INVALID_PARAMS',
  'INVALID_PARTICIPANT',
  'INVALID_DESTINATION',
  'INVALID_PHONE_NUMBER',
  'CAN_NOT_ACCEPT_THE_CALL',
  'CAN_NOT_DECLINE_THE_CALL',
  'CAN_NOT_END_THE_CALL',
  'CAN_NOT_HOLD_CALL',
  'CAN_NOT_RESUME_CALL',
  'CAN_NOT_MUTE_CALL',
  'CAN_NOT_UNMUTE_CALL',
  'CAN_NOT_SWAP_PARTICIPANTS',
  'CAN_NOT_CONFERENCE',
  'CAN_NOT_ADD_PARTICIPANT',
  'CAN_NOT_HANGUP_PARTICIPANT',
  'CAN_NOT_START_THE_CALL',
  'CAN_NOT_PAUSE_RECORDING',
  'CAN_NOT_RESUME_RECORDING',
  'CAN_NOT_SET_AGENT_STATUS',
  'INVALID_AGENT_STATUS',
  'CAN_NOT_SET_AGENT_CONFIG',
  'CAN_NOT_SUPERVISE_CALL',
  'CAN_NOT_BARGE_IN_CALL',
  'CAN_NOT_DISCONNECT_SUPERVISOR',
  'USER_BUSY_ERROR',
  'AUTHENTICATION_ERROR',
  'GENERIC_ERROR',
  'CUSTOM_ERROR',
] as const;

export type ConnectorErrorCode = (typeof CONNECTOR_ERROR_CODES)[number];

/** Codes of the simulator and admin APIs besides the Connector API's. */
export const SERVICE_ERROR_CODES = [
  'NOT_FOUND',
  'INVALID_STATE',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'CONFLICT',
  'RATE_LIMITED',
  'UNAVAILABLE',
] as const;

export type ServiceErrorCode = (typeof SERVICE_ERROR_CODES)[number];

export type ErrorCode = ConnectorErrorCode | ServiceErrorCode;

/** Field → problem, for a request that names several (the admin API). */
export type ErrorDetails = Record<string, string>;

/** The body of every error: `{ error: ErrorBody }` over HTTP, `response.error` on the agent WebSocket. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** A Connector API `CUSTOM_ERROR`'s label (the contact center's custom error labels). */
  customErrorLabel?: string;
  details?: ErrorDetails;
}
