/**
 * A recording as the media plane leaves it (tests without a media engine): a tone written by the
 * media plane's own WAV writer into a spool file, stored through the service's recording archive
 * (local folder or S3) and published on the call, as `MediaPlane.finish` does.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { publishCallRecording } from '../src/engine/index.ts';
import { WavWriter } from '../src/media/wav.ts';
import type { Service } from '../src/server.ts';

export async function storeRecording(
  service: Service,
  call: { callId: string; contactCenterId: string },
  seconds = 2,
  hz = 440,
): Promise<{ url: string; durationSeconds: number }> {
  const spool = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-spool-')), 'rec.wav');
  const writer = new WavWriter(spool);
  const samples = new Int16Array(8000 * seconds);
  for (let i = 0; i < samples.length; i++)
    samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / 8000));
  writer.write(samples);
  const durationSeconds = Math.round(writer.close() / 1000);
  const { url } = await service.recordings!.save({ key: `${call.callId}-call`, ...call }, spool);
  fs.rmSync(path.dirname(spool), { recursive: true, force: true });
  await publishCallRecording(service.engine, call.contactCenterId, call.callId, { url, durationSeconds });
  return { url, durationSeconds };
}
