/**
 * SIP trunks through the admin API (docs/sip.md): created, listed, replaced and removed per contact
 * center; bad input refused with 400 and the field's path, changing nothing; names unique; another
 * account's contact center out of reach; the password never returned.
 */
import { describe, expect, it } from 'vitest';
import { useAdmin, type ErrorAnswer } from './adminContext.ts';

const ctx = useAdmin();
const trunks = () => `/contact-centers/${ctx.tenant.ccId}/sip-trunks`;

const body = (over: Record<string, unknown> = {}) => ({
  name: 'Carrier A',
  host: 'sip.carrier.example',
  port: 5070,
  transport: 'udp',
  allowedSources: ['192.0.2.10', '198.51.100.0/24'],
  numbers: ['+14155550100', '+1415555*'],
  auth: { username: 'carrier-a', password: 'a long enough secret' },
  ...over,
});

describe('SIP trunks: admin API', () => {
  it('creates, lists, replaces and removes a trunk; the password never comes back', async () => {
    const created = await ctx.api.post<Record<string, unknown>>(trunks(), body());
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Carrier A',
      host: 'sip.carrier.example',
      port: 5070,
      transport: 'udp',
      allowedSources: ['192.0.2.10', '198.51.100.0/24'],
      numbers: ['+14155550100', '+1415555*'],
      auth: { username: 'carrier-a' },
    });
    expect(JSON.stringify(created.body)).not.toContain('secret');
    const id = created.body.id as string;
    expect(id).toMatch(/^TK/);

    const list = await ctx.api.get<{ trunks: Array<{ id: string }> }>(trunks());
    expect(list.status).toBe(200);
    expect(list.body.trunks.map((t) => t.id)).toEqual([id]);

    const replaced = await ctx.api.put<Record<string, unknown>>(
      `${trunks()}/${id}`,
      body({ port: undefined, transport: undefined, auth: null, numbers: ['+14155550199'] }),
    );
    expect(replaced.status, JSON.stringify(replaced.body)).toBe(200);
    expect(replaced.body).toMatchObject({
      id,
      port: 5060,
      transport: 'udp',
      auth: null,
      numbers: ['+14155550199'],
    });

    expect((await ctx.api.delete(`${trunks()}/${id}`)).body).toEqual({ ok: true });
    expect((await ctx.api.get<{ trunks: unknown[] }>(trunks())).body.trunks).toEqual([]);
    expect((await ctx.api.delete<ErrorAnswer>(`${trunks()}/${id}`)).status).toBe(404);
  });

  it('refuses bad input with 400 and the offending path, and stores nothing', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ transport: 'tls' }, '/transport'],
      [{ port: 70000 }, '/port'],
      [{ host: 'bad host' }, '/host'],
      [{ allowedSources: [] }, '/allowedSources'],
      [{ allowedSources: ['0.0.0.0/0'] }, '/allowedSources/0'],
      [{ allowedSources: ['10.0.0.0/4'] }, '/allowedSources/0'],
      [{ allowedSources: ['192.0.2.300'] }, '/allowedSources/0'],
      [{ allowedSources: ['192.0.2.1', 'example.com'] }, '/allowedSources/1'],
      [{ numbers: ['4155550100'] }, '/numbers/0'],
      [{ numbers: ['+1*'] }, '/numbers/0'],
      [{ numbers: [] }, '/numbers'],
      [{ auth: { username: 'u', password: 'short' } }, '/auth/password'],
      [{ name: '' }, '/name'],
      [{ extra: 1 }, '/extra'],
    ];
    for (const [over, path] of cases) {
      const res = await ctx.api.post<ErrorAnswer>(trunks(), body(over));
      expect(res.status, JSON.stringify(over)).toBe(400);
      expect(res.body.error.code).toBe('INVALID_PARAMS');
      expect(res.body.error.details?.path, JSON.stringify(res.body)).toBe(path);
    }
    expect((await ctx.api.get<{ trunks: unknown[] }>(trunks())).body.trunks).toEqual([]);
  });

  it('keeps names unique per contact center and tenants apart', async () => {
    const first = await ctx.api.post<{ id: string }>(trunks(), body());
    expect(first.status).toBe(201);
    const again = await ctx.api.post<ErrorAnswer>(trunks(), body({ name: 'carrier a' }));
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('CONFLICT');
    const other = await ctx.api.post<{ id: string }>(trunks(), body({ name: 'Carrier B' }));
    const renamed = await ctx.api.put<ErrorAnswer>(`${trunks()}/${other.body.id}`, body());
    expect(renamed.status).toBe(409);

    // Another account sees neither the contact center nor the trunk.
    const foreign = await ctx.otherApi.get<ErrorAnswer>(trunks());
    expect(foreign.status).toBe(404);
    const theirs = `/contact-centers/${ctx.other.ccId}/sip-trunks/${first.body.id}`;
    expect((await ctx.otherApi.delete<ErrorAnswer>(theirs)).status).toBe(404);
    expect((await ctx.api.get<{ trunks: unknown[] }>(trunks())).body.trunks).toHaveLength(2);
  });
});
