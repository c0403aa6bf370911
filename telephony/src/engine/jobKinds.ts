/** The kinds of timer rows (`jobs.kind`) the engine schedules; `scheduler.ts` runs them when due. */

/** An offer rings too long: withdrawn, HANGUP MissedCallAgent (routing.ts, `missOffer`). */
export const JOB_OFFER_TIMEOUT = 'offer_timeout';
/**
 * An agent who declined or missed a waiting leg may be offered it again (routing.ts): `ref_id` the leg,
 * `payload.userId` the agent; until it is due, routing passes her over for that leg.
 */
export const JOB_DECLINE_REST = 'decline_rest';
/** The offered agent's secondary device starts ringing (routing.ts). */
export const JOB_SECONDARY_RING = 'secondary_ring';
/** A queued callback becomes routable (network.ts). */
export const JOB_CALLBACK_DUE = 'callback_due';
/** A callback an agent scheduled for herself rings her (callbacks.ts): `ref_id` the leg. */
export const JOB_PERSONAL_CALLBACK_DUE = 'personal_callback_due';
/** Safety net: routes a recorded inbound call whose CRM record never came (routing.ts). */
export const JOB_ROUTE_RECORDED = 'salesforce_route_recorded';
/** A leg waiting for a flow's answer goes to its fallback queue (routing.ts). */
export const JOB_FLOW_TIMEOUT = 'salesforce_flow_timeout';
/** The contact center's wrap-up limit (callState.ts). */
export const JOB_WRAP_UP = 'wrap_up_timeout';
/** Scheduled breaks (agentPresence.ts). */
export const JOB_BREAK_START = 'break_start';
export const JOB_BREAK_END = 'break_end';

/** DTMF digits an agent or a caller may send: 0-9, *, #, A-D, at most 64 at once. */
export const DTMF_DIGITS = /^[0-9*#A-D]{1,64}$/;
