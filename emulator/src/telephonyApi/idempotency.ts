/** Idempotency-Key replay (a convention; docs/salesforce-telephony-api.md, "Idempotency"). */
import { ApiError } from './errors.ts';
import type { ApiResult } from './voiceCalls.ts';

interface Stored {
  fingerprint: string;
  result: ApiResult;
}

export const IDEMPOTENCY_HEADER = 'idempotency-key';

export class IdempotencyKeys {
  private readonly stored = new Map<string, Stored>();

  /** The stored answer for this key, or null if the key is new; a key reused for another request → 409. */
  replay(scope: string, key: string, fingerprint: string): ApiResult | null {
    const stored = this.stored.get(`${scope}\n${key}`);
    if (!stored) return null;
    if (stored.fingerprint !== fingerprint) {
      throw ApiError.of(409, 'IDEMPOTENCY_KEY_REUSED', `Idempotency-Key ${key} was used for another request`);
    }
    return stored.result;
  }

  remember(scope: string, key: string, fingerprint: string, result: ApiResult): void {
    if (result.status >= 500) return;
    this.stored.set(`${scope}\n${key}`, { fingerprint, result: structuredClone(result) });
  }

  clear(): void {
    this.stored.clear();
  }
}
