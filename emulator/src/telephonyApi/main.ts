/** The telephony API emulator as its own process: `PORT` (default 8090), `HOST` (default 127.0.0.1). */
import { startTelephonyApiEmulator } from './index.ts';

const emulator = await startTelephonyApiEmulator({
  host: process.env.HOST ?? '127.0.0.1',
  port: Number(process.env.PORT ?? 8090),
});
console.log(`Salesforce telephony API emulator on ${emulator.url}`);
console.log(
  `  API: ${emulator.url}/telephony/v1   control: ${emulator.url}/emulator/v1   records: ${emulator.url}/emulator/records`,
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void emulator.close().then(() => process.exit(0));
  });
}
