/**
 * The agent's telephony session, kept in the tab's sessionStorage so that a page refresh keeps it
 * (docs/connector.md says why sessionStorage and not localStorage). Storage that the browser
 * refuses (a sandboxed or partitioned frame) simply means logging in again.
 */
import type { PublicUser } from '../../telephony/src/contracts/agentApi.ts';

export interface StoredSession {
  token: string;
  expiresAt: number;
  user: PublicUser;
}

export class SessionStore {
  constructor(
    private readonly storage: Storage | null,
    private readonly key: string,
  ) {}

  load(now: number): StoredSession | null {
    try {
      const raw = this.storage?.getItem(this.key);
      if (!raw) return null;
      const session = JSON.parse(raw) as StoredSession;
      if (typeof session.token === 'string' && session.expiresAt > now) return session;
      this.clear();
    } catch {
      this.clear();
    }
    return null;
  }

  save(session: StoredSession): void {
    try {
      this.storage?.setItem(this.key, JSON.stringify(session));
    } catch {
      // Not stored: the next page load asks for the login again.
    }
  }

  clear(): void {
    try {
      this.storage?.removeItem(this.key);
    } catch {
      // Nothing stored.
    }
  }
}

/** The tab's sessionStorage, or null when the browser refuses it to this frame. */
export function tabStorage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/** The device token kept in localStorage for one user (undefined when none or storage is refused). */
export function readDeviceToken(key: string): string | undefined {
  try {
    return localStorage.getItem(key) ?? undefined;
  } catch {
    return undefined;
  }
}

export function saveDeviceToken(key: string, token: string | undefined): void {
  try {
    if (token) localStorage.setItem(key, token);
  } catch {
    // Without storage the next sign-in is an unknown device, as in a private window.
  }
}
