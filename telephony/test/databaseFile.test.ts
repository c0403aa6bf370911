/** The SQLite database file and its WAL are readable by the service's user only (docs/security.md). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-mode-'));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

it('creates the database file 0600 and tightens an existing one', async () => {
  const file = path.join(dir, 'data', 'switchboard.db');
  const { db } = openDatabase({ sqlitePath: file });
  await migrateToLatest(db);
  for (const f of [file, `${file}-wal`]) expect(fs.statSync(f).mode & 0o777, f).toBe(0o600);
  await db.destroy();
  fs.chmodSync(file, 0o644);
  const again = openDatabase({ sqlitePath: file });
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  await again.db.destroy();
});
