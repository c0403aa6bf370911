/**
 * The HTTP client of the Salesforce telephony REST API (docs/salesforce-telephony-api.md): one
 * request with the contact center's cached JWT, `Telephony-Provider-Name`, an `Idempotency-Key` and a
 * timeout. A 401 drops the cached token and the request is signed anew and sent once more; refused
 * again while a rotation waits, it is sent with the new key's token, which, accepted, confirms it.
 */
import { connectRefusal, type ScrtPolicy } from './scrtPolicy.ts';
import type { TokenIssuer, TokenSubject } from './tokens.ts';

export interface ApiTarget extends TokenSubject {
  scrtUrl: string;
}

export interface ApiRequest {
  method: 'POST' | 'PATCH';
  /** Under `/telephony/v1`, e.g. `/voiceCalls/CA123`. */
  path: string;
  body: unknown;
  idempotencyKey: string;
}

export type ApiOutcome =
  | { ok: true; status: number; body: unknown }
  | { ok: false; status: number | null; retryable: boolean; error: string };

export interface TelephonyApiOptions {
  providerName: string;
  timeoutMs: number;
  /** Which hosts and addresses requests may go to (scrtPolicy.ts). */
  policy: ScrtPolicy;
}

/** Whether a failed request may succeed later: outages, overload, timeouts, authentication. */
export function isRetryable(status: number | null): boolean {
  return status === null || status === 401 || status === 408 || status === 429 || status >= 500;
}

export class TelephonyApiClient {
  /** Requests sent, by HTTP status (`error` for no answer). */
  readonly sent = new Map<string, number>();

  constructor(
    private readonly tokens: TokenIssuer,
    private readonly options: TelephonyApiOptions,
    /** Salesforce accepted the pending key of a rotation: it becomes the active one. */
    private readonly onPendingKeyAccepted: (ccId: string, keyId: string) => Promise<unknown>,
  ) {}

  async send(
    target: ApiTarget,
    request: ApiRequest,
    timeoutMs = this.options.timeoutMs,
  ): Promise<ApiOutcome> {
    const first = await this.attempt(target, request, timeoutMs);
    if (first.ok || first.status !== 401) return first;
    this.tokens.drop(target.ccId);
    const second = await this.attempt(target, request, timeoutMs);
    if (second.ok || second.status !== 401) return second;
    // Refused again: during a rotation Salesforce may hold only the new certificate already.
    const pending = await this.tokens.pendingToken(target).catch(() => null);
    if (!pending) return second;
    const third = await this.attempt(target, request, timeoutMs, pending.token);
    // Several requests may find this at once: the first confirms, the others find nothing pending.
    if (third.ok) await this.onPendingKeyAccepted(target.ccId, pending.keyId).catch(() => undefined);
    return third;
  }

  private count(key: string): void {
    this.sent.set(key, (this.sent.get(key) ?? 0) + 1);
  }

  private async attempt(
    target: ApiTarget,
    request: ApiRequest,
    timeoutMs: number,
    override?: string,
  ): Promise<ApiOutcome> {
    let token: string;
    try {
      token = override ?? (await this.tokens.token(target));
    } catch (err) {
      return { ok: false, status: null, retryable: true, error: `signing: ${(err as Error).message}` };
    }
    const url = `${target.scrtUrl.replace(/\/+$/, '')}/telephony/v1${request.path}`;
    const refused = await connectRefusal(url, this.options.policy);
    if (refused) {
      this.count('refused');
      return { ok: false, status: null, retryable: false, error: `not sent: ${refused}` };
    }
    try {
      const res = await fetch(url, {
        // A redirect could lead anywhere: it is an answer like any other, never followed.
        redirect: 'manual',
        method: request.method,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'telephony-provider-name': this.options.providerName,
          'idempotency-key': request.idempotencyKey,
        },
        body: JSON.stringify(request.body ?? {}),
        signal: AbortSignal.timeout(timeoutMs),
      });
      this.count(String(res.status));
      const text = await res.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        // not JSON: kept as text for the error message
      }
      if (res.ok) return { ok: true, status: res.status, body };
      return {
        ok: false,
        status: res.status,
        retryable: isRetryable(res.status),
        error: `${request.method} ${request.path}: ${res.status} ${text.slice(0, 300)}`,
      };
    } catch (err) {
      this.count('error');
      const e = err as Error;
      const what = e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : e.message;
      return {
        ok: false,
        status: null,
        retryable: true,
        error: `${request.method} ${request.path}: ${what}`,
      };
    }
  }
}
