import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { BUDGET_GZIP_BYTES, bundleConnector, gzipSize, STATIC_RESOURCE } from '../bundle.ts';
import { useConnector } from './context.ts';

const ctx = useConnector();

describe('the connector bundle', () => {
  it('the committed static resource is exactly a fresh build (npm run build:connector)', async () => {
    const committed = await readFile(STATIC_RESOURCE, 'utf8');
    expect(committed === ctx.bundle, 'the static resource is stale: run npm run build:connector').toBe(true);
    expect(await bundleConnector()).toBe(ctx.bundle);
  });

  it('stays within its size budget and holds exactly one copy of scv-connector-base', () => {
    expect(gzipSize(ctx.bundle)).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
    expect(ctx.bundle.split('Invalid className. Expecting object of class').length - 1).toBe(1);
    expect(ctx.bundle.split('SCV dispatched error').length - 1).toBe(1);
    expect(ctx.bundle).not.toContain('@sinclair/typebox');
  });

  it('has its static resource metadata', async () => {
    const meta = await readFile(STATIC_RESOURCE.replace(/\.js$/, '.resource-meta.xml'), 'utf8');
    expect(meta).toContain('<contentType>application/javascript</contentType>');
    expect(meta).toContain('<cacheControl>Public</cacheControl>');
  });
});

describe('connector-URL mode', () => {
  it('the service serves the connector page and the same bundle', async () => {
    const page = await fetch(`${ctx.run.baseUrl}/connector/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain('frame-ancestors');
    expect(page.headers.get('content-security-policy')).toContain('https://*.force.com');
    expect(await page.text()).toContain('<script src="switchboardConnector.js"></script>');

    const script = await fetch(`${ctx.run.baseUrl}/connector/switchboardConnector.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('application/javascript');
    expect(await script.text()).toBe(await readFile(STATIC_RESOURCE, 'utf8'));

    const bare = await fetch(`${ctx.run.baseUrl}/connector`, { redirect: 'manual' });
    expect(bare.status).toBe(302);
    expect(bare.headers.get('location')).toBe('/connector/');
  });
});
