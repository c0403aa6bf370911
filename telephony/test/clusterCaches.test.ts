/**
 * Caches across nodes (docs/scaling.md): two services with their own pools and cluster notices on
 * one PostgreSQL schema. A key confirmed on one node is the key the other signs with next (its
 * decrypted key and token were dropped on the notice). Runs only on PostgreSQL (TEST_DATABASE_URL).
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PgCluster } from '../src/cluster/pgCluster.ts';
import { buildService, type Service } from '../src/server.ts';
import { createTenant, eventually, testDatabase, type DatabaseHandle, type Tenant } from './harness.ts';

const url = process.env.TEST_DATABASE_URL;
let dbh: DatabaseHandle;
let nodes: Service[];
let tenant: Tenant;

beforeEach(async () => {
  if (!url) return;
  dbh = testDatabase();
  const masterKey = randomBytes(32);
  nodes = [];
  for (const db of [dbh.db, dbh.reopen()]) {
    const schema = (
      await db.selectNoFrom((eb) => eb.fn<string>('current_schema', []).as('s')).executeTakeFirstOrThrow()
    ).s;
    const nodeUrl = new URL(url);
    nodeUrl.searchParams.set('options', `-c search_path=${schema}`);
    nodes.push(
      await buildService({
        db,
        startScheduler: false,
        cluster: new PgCluster(nodeUrl.toString(), () => undefined),
        salesforce: { masterKey, startWorker: false, log: () => undefined },
      }),
    );
  }
  tenant = await createTenant(dbh.db);
});

afterEach(async () => {
  if (!url) return;
  for (const n of nodes) await n.close();
  await nodes[1]!.engine.db.destroy();
  await dbh.destroy();
});

describe.skipIf(!url)('caches across nodes', () => {
  it('a key rotated and confirmed on node A signs on node B', async () => {
    const [a, b] = nodes as [Service, Service];
    const first = await a.salesforce!.connect(tenant.ccId);
    expect((await b.salesforce!.vault.signingKey(tenant.ccId)).keyId).toBe(first.keyId);

    const next = await a.salesforce!.vault.rotate(tenant.ccId);
    await a.salesforce!.vault.confirm(tenant.ccId, next.keyId);
    expect((await a.salesforce!.vault.signingKey(tenant.ccId)).keyId).toBe(next.keyId);
    await eventually(
      async () => (await b.salesforce!.vault.signingKey(tenant.ccId)).keyId === next.keyId,
      'node B to sign with the new key',
    );
  });
});
