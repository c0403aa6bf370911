/** `npm start`: the contact center service on its embedded database (or DATABASE_URL), with the simulator. */
import { loadConfig } from './config.ts';
import { PgCluster } from './cluster/pgCluster.ts';
import { openDatabase } from './db/database.ts';
import { lockSqliteNode, NodeLockError } from './db/nodeLock.ts';
import { createDemoTenant, hasAnyTenant } from './devData.ts';
import { loadMasterKey } from './salesforce/masterKey.ts';
import { buildService } from './server.ts';
import { mediaNodesFromEnv } from './media/janus/janusNodes.ts';

const config = loadConfig();
const master = loadMasterKey({
  value: config.masterKey,
  development: config.development,
  dataDir: config.dataDir,
});
const { db, engine: dbEngine } = openDatabase({
  databaseUrl: config.databaseUrl,
  sqlitePath: config.sqlitePath,
});
// SQLite: one node per file. PostgreSQL: every node joins the others on the same database.
let releaseLock = (): void => undefined;
if (dbEngine === 'sqlite' && config.sqlitePath !== ':memory:') {
  try {
    releaseLock = lockSqliteNode(config.sqlitePath);
  } catch (err) {
    if (!(err instanceof NodeLockError)) throw err;
    console.error(err.message);
    process.exit(1);
  }
}
const cluster = dbEngine === 'postgres' && config.databaseUrl ? new PgCluster(config.databaseUrl) : undefined;
const janusNodes = mediaNodesFromEnv(process.env);
const service = await buildService({
  db,
  ...(cluster ? { cluster } : {}),
  sessionTtlMs: config.sessionTtlMs,
  simulatorToken: config.simulatorToken,
  simulatorEnabled: config.simulatorEnabled,
  metricsToken: config.metricsToken,
  trustProxy: config.trustProxy,
  schedulerPollMs: config.schedulerPollMs,
  salesforce: {
    masterKey: master.key,
    ...config.salesforce,
    scrtPolicy: {
      production: !config.development,
      allowedHosts: config.scrtAllowedHosts,
      allowPrivateAddresses: config.scrtAllowPrivateAddresses,
    },
  },
  ...(config.recordingUrlSecret ? { recordingUrlSecret: config.recordingUrlSecret } : {}),
  admin: {
    production: !config.development,
    publicUrl: config.publicUrl,
    scrtAllowedHosts: config.scrtAllowedHosts,
  },
  media: {
    dataDir: config.dataDir,
    publicUrl: config.publicUrl,
    rtpTimeoutMs: config.mediaRtpTimeoutMs,
    janusNodes,
  },
  recordings: {
    dataDir: config.dataDir,
    publicUrl: config.publicUrl,
    s3: config.recordingsS3,
    sweepMs: config.recordingSweepMs,
  },
  ...(config.sip ? { sip: config.sip } : {}),
});

if (config.development && !(await hasAnyTenant(db))) {
  const demo = await createDemoTenant(service.engine);
  console.log('Created the demo tenant (shown once; it is stored hashed):');
  console.log(
    `  org ${demo.orgId}, contact center ${demo.contactCenter}, dialed number ${demo.dialedNumber}`,
  );
  for (const u of demo.users)
    console.log(`  ${u.role.padEnd(10)} ${u.username.padEnd(6)} password ${u.password}`);
  const { clientId, clientSecret } = demo.adminClient;
  console.log(`  admin API  client id ${clientId}  client secret ${clientSecret}`);
  console.log(
    `    a token: curl -s localhost:${config.port}/oauth/token -u '${clientId}:${clientSecret}' -d grant_type=client_credentials`,
  );
}

await service.app.listen({ host: config.host, port: config.port });
console.log(
  `Switchboard telephony service on http://${config.host}:${config.port} (${dbEngine === 'sqlite' ? config.sqlitePath : `PostgreSQL, cluster node ${cluster?.nodeId ?? ''}`})`,
);
console.log(`  Salesforce sync: master key from ${master.origin}; outbox metrics at /metrics`);
console.log(
  `  agent API: ws://${config.host}:${config.port}/agent/v1/socket   simulator API: http://${config.host}:${config.port}/sim/v1`,
);
console.log(`  admin API: http://${config.host}:${config.port}/admin/v1 (token: POST /oauth/token)`);
const bucket = config.recordingsS3;
console.log(
  `  media: agent softphones POST /media/v1/station; recordings in ${bucket ? `s3://${bucket.bucket}/${bucket.prefix}` : `${config.dataDir}/recordings`}`,
);
const s3 = service.recordings?.s3;
if (s3)
  await s3.acceptedBySalesforce().then(
    (accepted) => {
      if (!accepted)
        console.warn(
          '  warning: presigned URLs of this bucket do not match what Salesforce accepts (Amazon S3 or Google Cloud Storage); Einstein Conversation Insights will refuse them (docs/media.md)',
        );
    },
    (err: Error) => console.warn(`  warning: cannot presign recording URLs (credentials?): ${err.message}`),
  );
if (service.sip) console.log(`  SIP trunks: udp ${service.sip.address.address}:${service.sip.address.port}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void service
      .close()
      .then(() => db.destroy())
      .then(() => releaseLock())
      .then(() => process.exit(0));
  });
}
