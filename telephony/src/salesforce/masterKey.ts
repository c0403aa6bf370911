/**
 * The master key that encrypts the contact centers' private keys at rest: 32 bytes from
 * `SWITCHBOARD_MASTER_KEY` (base64 or 64 hex digits). In development only, without that variable,
 * a random key is generated once into `<data dir>/master.key` (mode 0600) and reused.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const MASTER_KEY_VARIABLE = 'SWITCHBOARD_MASTER_KEY';

export function parseMasterKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) {
    throw new Error(`${MASTER_KEY_VARIABLE} must be 32 bytes, as base64 or 64 hex digits`);
  }
  return key;
}

export interface MasterKeySource {
  value: string | undefined;
  development: boolean;
  dataDir: string;
}

/** The master key and where it came from (for the start-up line). */
export function loadMasterKey(source: MasterKeySource): { key: Buffer; origin: string } {
  if (source.value) return { key: parseMasterKey(source.value), origin: MASTER_KEY_VARIABLE };
  if (!source.development) {
    throw new Error(`${MASTER_KEY_VARIABLE} is required when NODE_ENV=production`);
  }
  const file = path.join(source.dataDir, 'master.key');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(source.dataDir, { recursive: true });
    fs.writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  }
  if ((fs.statSync(file).mode & 0o077) !== 0) {
    throw new Error(`${file} must be readable by its owner only (chmod 600)`);
  }
  return { key: parseMasterKey(fs.readFileSync(file, 'utf8')), origin: file };
}
