/**
 * The telephony API URL cannot point the service at its own network (docs/security.md, "Outbound
 * requests"): in production the admin API and the operator CLI accept only Salesforce's telephony
 * API hosts (and SCRT_ALLOWED_HOSTS), and the client refuses, at connect time, a host that resolves
 * to a non-public address; redirects are not followed.
 */
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { issueClient } from '../src/admin/accounts.ts';
import { telephonyApiUrl } from '../src/admin/contactCenters.ts';
import { runOperatorCommand } from '../src/admin/operator.ts';
import { connectRefusal, isPublicAddress } from '../src/salesforce/scrtPolicy.ts';
import { TelephonyApiClient } from '../src/salesforce/telephonyApi.ts';
import type { TokenIssuer } from '../src/salesforce/tokens.ts';
import { AdminApi, tokenOf } from './adminContext.ts';
import {
  ManualClock,
  createTenant,
  startService,
  testDatabase,
  type DatabaseHandle,
  type Running,
} from './harness.ts';

const PRODUCTION = { production: true, allowedHosts: ['*.scrt.example'] };

describe('the telephony API host', () => {
  it('in production: Salesforce hosts and the allowlist only, no IP literal', () => {
    for (const ok of [
      'https://acme.my.salesforce-scrt.com',
      'https://acme--dev.sandbox.my.salesforce-scrt.com',
      'https://signuporgtest1605725475266.my.stmfa.stm.salesforce-scrt.com',
      'https://eu.scrt.example',
    ])
      expect(telephonyApiUrl(ok, PRODUCTION)).toBe(ok);
    for (const bad of [
      'https://127.0.0.1:8443',
      'https://[::1]',
      'https://10.0.0.8',
      'https://169.254.169.254',
      'https://evil.example.com',
      'https://salesforce-scrt.com.evil.com',
      'https://localhost',
    ])
      expect(() => telephonyApiUrl(bad, PRODUCTION), bad).toThrow(
        /scrtUrl must be a Salesforce telephony API host/,
      );
  });

  it('knows public from loopback, private, link-local, CGNAT and mapped addresses', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
    ])
      expect(isPublicAddress(a), a).toBe(false);
    for (const a of ['13.110.0.1', '8.8.8.8', '2606:4700::1111']) expect(isPublicAddress(a), a).toBe(true);
  });

  it('at connect time, refuses an allowlisted name that resolves to loopback and sends nothing', async () => {
    let received = 0;
    const server = http.createServer((_req, res) => {
      received++;
      res.writeHead(302, { location: 'http://127.0.0.1:1/' }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const policy = { production: true, allowedHosts: ['localhost'] };
      expect(await connectRefusal(`https://localhost:${port}/x`, policy)).toMatch(/non-public address/);
      const tokens = { token: async () => 'jwt' } as unknown as TokenIssuer;
      const target = {
        ccId: 'CC1',
        orgId: '00D000000000001AAA',
        apiName: 'CC',
        scrtUrl: `http://localhost:${port}`,
      };
      const request = { method: 'POST' as const, path: '/voiceCalls', body: {}, idempotencyKey: 'k' };
      const client = new TelephonyApiClient(
        tokens,
        { providerName: 'p', timeoutMs: 2000, policy },
        async () => undefined,
      );
      const refused = await client.send(target, request);
      expect(refused).toMatchObject({
        ok: false,
        retryable: false,
        error: expect.stringMatching(/not sent/),
      });
      expect(received).toBe(0);
      // Outside production the request goes out, and the redirect is an answer, not followed.
      const dev = new TelephonyApiClient(
        tokens,
        { providerName: 'p', timeoutMs: 2000, policy: { production: false, allowedHosts: [] } },
        async () => undefined,
      );
      expect(await dev.send(target, request)).toMatchObject({ ok: false, status: 302, retryable: false });
      expect(received).toBe(1);
    } finally {
      server.close();
    }
  });
});

describe('the admin API and the operator CLI in production', () => {
  let dbh: DatabaseHandle;
  let run: Running;
  afterEach(async () => {
    await run?.stop();
    await dbh?.destroy();
  });

  it('refuse a loopback telephony API URL with 400 and keep the stored one', async () => {
    dbh = testDatabase();
    const clock = new ManualClock();
    run = await startService(dbh.db, { clock, production: true });
    const tenant = await createTenant(dbh.db);
    const api = new AdminApi(
      run,
      await tokenOf(run, await issueClient(dbh.db, tenant.orgId, 't', clock.now())),
    );
    for (const scrtUrl of ['https://127.0.0.1:8443', 'https://[::1]', 'https://internal.corp']) {
      const res = await api.put<{ error: { code: string; message: string } }>(
        `/contact-centers/${tenant.ccId}/org-domain`,
        { scrtUrl },
      );
      expect(res.status, scrtUrl).toBe(400);
      expect(res.body.error.code).toBe('INVALID_PARAMS');
    }
    const ok = await api.put(`/contact-centers/${tenant.ccId}/org-domain`, {
      scrtUrl: 'https://acme.my.salesforce-scrt.com',
    });
    expect(ok.status).toBe(200);

    const out: string[] = [];
    const code = await runOperatorCommand(
      dbh.db,
      ['contact-center', tenant.orgId, 'Other', 'Other', 'https://127.0.0.1:9'],
      (line) => out.push(line),
      { production: true },
    );
    expect(code).not.toBe(0);
    expect(out.join('\n')).toMatch(/Salesforce telephony API host/);
    expect(
      await dbh.db
        .selectFrom('contact_centers')
        .select('id')
        .where('api_name', '=', 'Other')
        .executeTakeFirst(),
    ).toBeUndefined();
  });
});
