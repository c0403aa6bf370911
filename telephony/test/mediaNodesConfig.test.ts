/** The Janus media nodes a service is given in its environment: parsed, or refused with a clear error. */
import { describe, expect, it } from 'vitest';
import { mediaNodesFromEnv } from '../src/media/janus/janusNodes.ts';

describe('SWITCHBOARD_MEDIA_NODES', () => {
  it('none: the embedded media plane', () => {
    expect(mediaNodesFromEnv({})).toEqual([]);
    expect(mediaNodesFromEnv({ SWITCHBOARD_MEDIA_NODES: ' ' })).toEqual([]);
  });

  it("several nodes, with the start script's folders by default or a given one", () => {
    expect(
      mediaNodesFromEnv({
        SWITCHBOARD_MEDIA_NODES: 'http://10.0.0.5:8088/janus/, http://10.0.0.6:9000/janus',
        SWITCHBOARD_JANUS_API_SECRET: 's3cret',
      }),
    ).toEqual([
      {
        url: 'http://10.0.0.5:8088/janus',
        apiSecret: 's3cret',
        promptDir: '/var/tmp/switchboard-janus-8088/prompts',
        recordDir: '/var/tmp/switchboard-janus-8088/recordings',
      },
      {
        url: 'http://10.0.0.6:9000/janus',
        apiSecret: 's3cret',
        promptDir: '/var/tmp/switchboard-janus-9000/prompts',
        recordDir: '/var/tmp/switchboard-janus-9000/recordings',
      },
    ]);
    expect(
      mediaNodesFromEnv({
        SWITCHBOARD_MEDIA_NODES: 'http://127.0.0.1:8088/janus',
        SWITCHBOARD_JANUS_WORK_DIR: '/srv/janus',
      })[0],
    ).toMatchObject({
      promptDir: '/srv/janus/prompts',
      recordDir: '/srv/janus/recordings',
      apiSecret: undefined,
    });
  });

  it('refuses what is not an http(s) URL, naming it', () => {
    expect(() => mediaNodesFromEnv({ SWITCHBOARD_MEDIA_NODES: 'ftp://10.0.0.5:8088/janus' })).toThrow(
      '"ftp://10.0.0.5:8088/janus" is not an http(s) URL',
    );
    expect(() => mediaNodesFromEnv({ SWITCHBOARD_MEDIA_NODES: 'http://a:1/janus,nope' })).toThrow(
      /"nope" is not a URL/,
    );
  });
});
