/** `npm run admin -- <command>`: the operator's account commands on the service's database (operator.ts). */
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { runOperatorCommand } from './operator.ts';

const config = loadConfig();
const { db } = openDatabase({ databaseUrl: config.databaseUrl, sqlitePath: config.sqlitePath });
try {
  await migrateToLatest(db);
  process.exitCode = await runOperatorCommand(db, process.argv.slice(2), (line) => console.log(line), {
    production: !config.development,
    scrtAllowedHosts: config.scrtAllowedHosts,
  });
} finally {
  await db.destroy();
}
