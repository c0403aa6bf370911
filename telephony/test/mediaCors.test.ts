/**
 * The station endpoint called cross-origin, as the connector does in static-resource mode (its
 * script runs on the org's Visualforce domain and calls the service's URL): the browser's preflight
 * and the real POST and DELETE, with each Salesforce origin allowed and every other refused (no
 * CORS header: the browser then sends nothing, its preflight having failed).
 */
import { describe, expect, it } from 'vitest';
import { RtpPhone } from './rtpPhone.ts';
import { useMediaService } from './mediaContext.ts';

const ALLOWED = [
  'https://acme--c.vf.force.com', // static resources on the Visualforce domain (enhanced domains)
  'https://acme--c.na1.visual.force.com', // the same before enhanced domains
  'https://acme--c.visualforce.com',
  'https://acme.lightning.force.com',
  'https://acme.my.salesforce.com',
  'https://acme--dev.sandbox.my.salesforce.com',
];
const REFUSED = [
  'https://evil.example',
  'http://acme.my.salesforce.com',
  'https://acme.my.salesforce.com.evil.example',
  'https://evilforce.com',
  'https://force.com',
  'null',
];

describe('media: the station endpoint cross-origin (static-resource mode)', () => {
  const ctx = useMediaService({ agents: 1 });

  const preflight = (path: string, origin: string, method: string) =>
    fetch(`${ctx.run.baseUrl}${path}`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': method,
        'access-control-request-headers': 'authorization,content-type',
      },
    });

  it('Salesforce origins: preflight, POST (Location readable) and DELETE are allowed', async () => {
    const a = await ctx.agent(0);
    for (const origin of ALLOWED) {
      const pre = await preflight('/media/v1/station', origin, 'POST');
      expect(pre.status, origin).toBe(204);
      expect(pre.headers.get('access-control-allow-origin'), origin).toBe(origin);
      expect(pre.headers.get('vary')).toMatch(/origin/i);
      expect(pre.headers.get('access-control-allow-methods')).toMatch(/POST/);
      expect(pre.headers.get('access-control-allow-headers')).toMatch(/authorization/);
      expect(pre.headers.get('access-control-allow-headers')).toMatch(/content-type/);

      const peer = await RtpPhone.webrtc(null);
      try {
        const post = await fetch(`${ctx.run.baseUrl}/media/v1/station`, {
          method: 'POST',
          headers: { origin, authorization: `Bearer ${a.token}`, 'content-type': 'application/sdp' },
          body: peer.offer,
        });
        expect(post.status, origin).toBe(201);
        expect(post.headers.get('access-control-allow-origin')).toBe(origin);
        expect(post.headers.get('access-control-expose-headers')).toMatch(/location/i);
        const location = post.headers.get('location') ?? '';
        expect(location).toMatch(/^\/media\/v1\/station\/ST/);

        const preDelete = await preflight(location, origin, 'DELETE');
        expect(preDelete.headers.get('access-control-allow-origin')).toBe(origin);
        expect(preDelete.headers.get('access-control-allow-methods')).toMatch(/DELETE/);
        const del = await fetch(`${ctx.run.baseUrl}${location}`, {
          method: 'DELETE',
          headers: { origin, authorization: `Bearer ${a.token}` },
        });
        expect(del.status).toBe(204);
        expect(del.headers.get('access-control-allow-origin')).toBe(origin);
      } finally {
        await peer.phone.close();
      }
    }
    await ctx.expectReleased(0);
  });

  it('other origins get no CORS header on the preflight or the answers', async () => {
    const a = await ctx.agent(0);
    for (const origin of REFUSED) {
      for (const [path, method] of [
        ['/media/v1/station', 'POST'],
        ['/media/v1/station/ST1', 'DELETE'],
      ] as const) {
        const pre = await preflight(path, origin, method);
        expect(pre.headers.get('access-control-allow-origin'), `${origin} ${method}`).toBeNull();
        expect(pre.headers.get('access-control-expose-headers')).toBeNull();
      }
      const post = await fetch(`${ctx.run.baseUrl}/media/v1/station`, {
        method: 'POST',
        headers: { origin, authorization: `Bearer ${a.token}`, 'content-type': 'application/sdp' },
        body: 'v=0',
      });
      expect(post.status).toBe(400);
      expect(post.headers.get('access-control-allow-origin'), origin).toBeNull();
    }
    await ctx.expectReleased(0);
  });
});
