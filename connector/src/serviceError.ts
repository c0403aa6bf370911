/**
 * A refused or failed request, with the Connector API's error type (`e.type`, which the base
 * connector reads to pick the error it reports) — or a CustomError when the service names a label.
 */
import { CustomError } from 'scv-connector-base';
import type { ErrorBody } from '../../telephony/src/contracts/agentApi.ts';

export class ServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/** The documented error of a request made while the service cannot be reached. */
export function unreachable(): ServiceError {
  return new ServiceError('GENERIC_ERROR', 'the Switchboard service is unreachable');
}

/** The error a refused request becomes: a CustomError for a contact center label, else a ServiceError. */
export function errorFromBody(body: ErrorBody, labelNamespace: string): Error {
  if (body.code === 'CUSTOM_ERROR' && body.customErrorLabel) {
    return new CustomError({
      labelName: body.customErrorLabel,
      namespace: labelNamespace,
      message: body.message,
    });
  }
  return new ServiceError(body.code, `${body.code}: ${body.message}`);
}
