/**
 * The Janus media nodes a service uses, from its environment (docs/media.md, "Media nodes"):
 *
 *   SWITCHBOARD_MEDIA_NODES      comma-separated HTTP API URLs, e.g. http://10.0.0.5:8088/janus
 *   SWITCHBOARD_JANUS_API_SECRET the nodes' JANUS_API_SECRET (optional)
 *   SWITCHBOARD_JANUS_WORK_DIR   the nodes' JANUS_WORK_DIR, as the service sees it (default: start.sh's,
 *                                /var/tmp/switchboard-janus-<port>): prompts/ and recordings/ in it
 *
 * None given: the embedded media plane.
 */
import path from 'node:path';
import type { JanusNodeOptions } from './janusEngine.ts';

export function mediaNodesFromEnv(env: Record<string, string | undefined>): JanusNodeOptions[] {
  const list = (env.SWITCHBOARD_MEDIA_NODES ?? '').trim();
  if (!list) return [];
  return list.split(',').map((raw) => {
    const text = raw.trim();
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new Error(`SWITCHBOARD_MEDIA_NODES: "${text}" is not a URL (e.g. http://10.0.0.5:8088/janus)`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new Error(`SWITCHBOARD_MEDIA_NODES: "${text}" is not an http(s) URL`);
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    const work = env.SWITCHBOARD_JANUS_WORK_DIR || `/var/tmp/switchboard-janus-${port}`;
    return {
      url: text.replace(/\/$/, ''),
      apiSecret: env.SWITCHBOARD_JANUS_API_SECRET || undefined,
      promptDir: path.join(work, 'prompts'),
      recordDir: path.join(work, 'recordings'),
    };
  });
}
