/**
 * Which media engine the media tests run on: the embedded one, or Janus when MEDIA_ENGINE=janus
 * (vitest.config.ts runs the media files a second time so, as project `janus`). On Janus one node is
 * started for the whole file (scripts/janus/start.sh), on first use, and stopped after the file.
 */
import { afterAll, it } from 'vitest';
import type { JanusNodeOptions } from '../src/media/janus/janusEngine.ts';
import { startLocalJanus, type LocalJanus } from '../src/media/janus/janusProcess.ts';

/** The media engine under test: `embedded` (default) or `janus`. */
export const MEDIA_ENGINE = process.env.MEDIA_ENGINE === 'janus' ? 'janus' : 'embedded';

let janus: Promise<LocalJanus> | null = null;

/** The file's Janus node, started on first use. */
export function fileJanus(): Promise<LocalJanus> {
  janus ??= startLocalJanus();
  return janus;
}

afterAll(async () => {
  const j = janus;
  janus = null;
  if (j) await (await j).stop();
});

/** The service's media options for the engine under test (the file's Janus node, or none). */
export async function mediaEngineOptions(): Promise<{ janusNodes?: JanusNodeOptions[] }> {
  return MEDIA_ENGINE === 'janus' ? { janusNodes: [(await fileJanus()).node] } : {};
}

/**
 * `it`, except on Janus where the test is skipped and its name says why (a limit of AudioBridge,
 * docs/media.md): reported as skipped under that name, never silently.
 */
export function unlessJanus(reason: string) {
  return (name: string, fn: () => Promise<void>) =>
    MEDIA_ENGINE === 'janus' ? it.skip(`${name} [not on Janus: ${reason}]`, fn) : it(name, fn);
}
