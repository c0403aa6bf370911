/**
 * The single entry point of an inbound SIP call into the call engine: the same commands as the
 * simulator's `POST /sim/v1/calls` (VoiceCall created, routed, offered) and its caller hang-up. Any
 * admission rule for inbound calls applies here, once, for every trunk.
 */
import { InvalidStateError, NotFoundError, ThrottledError } from '../domain/errors.ts';
import type { Admission } from '../engine/admission.ts';
import { tryE164 } from '../domain/phoneNumbers.ts';
import type { Engine } from '../engine/engine.ts';
import { loadParticipants } from '../engine/callState.ts';
import * as network from '../engine/network.ts';
import { settings } from '../engine/settings.ts';
import { findDialedNumber } from '../engine/tenants.ts';

export interface InboundSipCall {
  /** The dialed number, E.164 (a trunk of its contact center carried it). */
  to: string;
  /** The caller's number as the carrier gave it (the user part of From or P-Asserted-Identity). */
  from: string;
  callerName?: string | undefined;
  /** How long the INVITE has waited on this node (ms), for the admission check. */
  waitedMs?: number;
}

export interface StartedCall {
  contactCenterId: string;
  callId: string;
  /** The caller's participant: its media is the SIP dialog's RTP. */
  callerParticipantId: string;
}

/** What the caller's number becomes when it is not a phone number (`anonymous`, a SIP user name). */
function callerNumber(raw: string, country: string): string {
  const e164 = tryE164(raw, country);
  if (e164) return e164;
  const cleaned = raw.replace(/[^A-Za-z0-9+._-]/g, '').slice(0, 32);
  return cleaned || 'anonymous';
}

/** A caller dialed one of the contact center's numbers through a trunk: the call is created and routed. */
export async function startInboundCall(
  engine: Engine,
  c: InboundSipCall,
  admission?: Admission,
): Promise<StartedCall> {
  const dialed = await findDialedNumber(engine.db, c.to);
  if (!dialed) throw new NotFoundError(`${c.to} is not a number of any contact center`);
  // An overloaded node refuses a new call (503 with Retry-After to the carrier; docs/scaling.md, "Overload").
  const admitted = admission?.inboundCall(dialed.contactCenterId, c.waitedMs);
  if (admitted && !admitted.admitted)
    throw new ThrottledError('UNAVAILABLE', admitted.reason, admitted.retryAfterSeconds);
  return engine.command(dialed.contactCenterId, async (tx) => {
    const from = callerNumber(c.from, (await settings(tx)).defaultCountry);
    const callId = await network.inboundCall(
      tx,
      { from, to: c.to, callerName: c.callerName, attributes: {} },
      dialed.target,
    );
    const caller = (await loadParticipants(tx, callId)).find((p) => p.role === 'initial_caller');
    if (!caller) throw new Error(`call ${callId} has no caller`);
    return { contactCenterId: dialed.contactCenterId, callId, callerParticipantId: caller.id };
  });
}

/** The caller hung up (BYE, CANCEL): as the simulator's hang-up; a call already over is left alone. */
export async function callerHungUp(engine: Engine, ccId: string, callId: string): Promise<void> {
  try {
    await engine.command(ccId, (tx) => network.callerHangup(tx, callId));
  } catch (err) {
    if (err instanceof InvalidStateError || err instanceof NotFoundError) return;
    throw err;
  }
}
