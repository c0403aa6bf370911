/**
 * Writes the media plane's prompts (prompts.ts) as Ogg Opus files into a folder, for Janus
 * AudioBridge's play_file: `<name>.opus` for queue, hold and greeting. Uses `opusenc` (Debian
 * `opus-tools`). Usage: tsx scripts/janus/makePrompts.ts <folder>
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PROMPTS, type PromptName } from '../../telephony/src/media/prompts.ts';
import { WavWriter } from '../../telephony/src/media/wav.ts';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: tsx scripts/janus/makePrompts.ts <folder>');
  process.exit(2);
}
fs.mkdirSync(dir, { recursive: true });
for (const name of Object.keys(PROMPTS) as PromptName[]) {
  const wav = path.join(dir, `${name}.wav`);
  const writer = new WavWriter(wav);
  writer.write(PROMPTS[name]);
  writer.close();
  execFileSync('opusenc', ['--quiet', '--bitrate', '32', wav, path.join(dir, `${name}.opus`)]);
  fs.rmSync(wav);
}
