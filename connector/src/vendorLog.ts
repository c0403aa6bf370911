/**
 * The connector's own log (a bounded ring buffer) and the vendor log download: the base library's
 * log lines followed by ours, as a text file ("Download agent debug information").
 */
export const VENDOR_LOG_CAPACITY = 500;
const MAX_PAYLOAD_CHARS = 2000;

export class VendorLog {
  private readonly entries: string[] = [];
  private next = 0;

  constructor(private readonly capacity = VENDOR_LOG_CAPACITY) {}

  add(level: string, message: string, payload?: unknown): void {
    let detail = '';
    if (payload !== undefined) {
      try {
        detail = ` ${JSON.stringify(payload)}`.slice(0, MAX_PAYLOAD_CHARS);
      } catch {
        detail = ' [unserializable payload]';
      }
    }
    const line = `${new Date().toISOString()}|${level}|SWITCHBOARD|${message}${detail}\n`;
    if (this.entries.length < this.capacity) this.entries.push(line);
    else this.entries[this.next] = line;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Oldest first. */
  lines(): string[] {
    return this.entries.length < this.capacity
      ? [...this.entries]
      : [...this.entries.slice(this.next), ...this.entries.slice(0, this.next)];
  }

  /** Starts the browser download of the base library's lines and ours. */
  download(baseLogs: string[]): void {
    const blob = new Blob([...baseLogs, ...this.lines()], { type: 'text/plain' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `switchboard-connector-${Date.now()}.txt`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    URL.revokeObjectURL(url);
  }
}
