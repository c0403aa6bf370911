/**
 * SQLite serves one node: a second service process on the same file is refused (docs/scaling.md).
 * The first node writes its pid to `<file>.node.lock`; a node finding the file of a live process
 * stops with a clear message, one finding a dead process's file (a node killed with -9) takes it.
 */
import fs from 'node:fs';

export class NodeLockError extends Error {
  override name = 'NodeLockError';
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the database file's node lock; returns its release (also run when the process exits). */
export function lockSqliteNode(sqlitePath: string): () => void {
  const file = `${sqlitePath}.node.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      const release = () => {
        process.off('exit', release);
        try {
          if (fs.readFileSync(file, 'utf8') === String(process.pid)) fs.unlinkSync(file);
        } catch {
          // Already gone.
        }
      };
      process.on('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(fs.readFileSync(file, 'utf8'));
      if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && alive(pid))
        throw new NodeLockError(
          `another Switchboard node (pid ${pid}) serves ${sqlitePath}; SQLite serves one node. ` +
            `Run several nodes on PostgreSQL (DATABASE_URL, docs/scaling.md), or stop that process ` +
            `(if it is not a Switchboard node, delete ${file}).`,
        );
      fs.rmSync(file, { force: true });
    }
  }
  throw new NodeLockError(`cannot take the node lock ${file}: another node is starting on ${sqlitePath}`);
}
