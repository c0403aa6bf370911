/** The Connector API's error vocabulary (scv-connector-base constants) as typed values. */
export const ERROR_CODES = [
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

export type ErrorCode = (typeof ERROR_CODES)[number];

/** A refused operation: nothing was changed. */
export class ConnectorError extends Error {
  readonly code: ErrorCode;
  readonly customErrorLabel: string | undefined;

  constructor(code: ErrorCode, message: string, customErrorLabel?: string) {
    super(message);
    this.name = 'ConnectorError';
    this.code = code;
    this.customErrorLabel = customErrorLabel;
  }

  toJSON(): { code: ErrorCode; message: string; customErrorLabel?: string } {
    return this.customErrorLabel
      ? { code: this.code, message: this.message, customErrorLabel: this.customErrorLabel }
      : { code: this.code, message: this.message };
  }
}

export function refuse(code: ErrorCode, message: string): never {
  throw new ConnectorError(code, message);
}

/** A lookup that found nothing, or a simulator action in the wrong state (HTTP 404 / 409). */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}
export class InvalidStateError extends Error {
  override name = 'InvalidStateError';
}
