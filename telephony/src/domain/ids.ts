import { randomBytes } from 'node:crypto';

/** A random, URL-safe id with a readable prefix (`CA` call, `PA` participant, `US` user…). */
export function newId(prefix: string): string {
  return prefix + randomBytes(12).toString('base64url');
}
