/**
 * A small TCP load balancer for trying a cluster locally (`npm run start:cluster`, the cluster test):
 * each new connection (HTTP or WebSocket alike) goes to the next node in turn; a node that refuses
 * the connection (down, killed) is skipped. A connection to a node that dies is closed, and the
 * client reconnects through the proxy to a live node. In production, any load balancer does this.
 */
import net from 'node:net';

export interface Backend {
  host: string;
  port: number;
}

export function startProxy(backends: Backend[], port = 0, host = '127.0.0.1'): Promise<net.Server> {
  let next = 0;
  const server = net.createServer((client) => {
    client.pause();
    client.on('error', () => client.destroy());
    const attempt = (tried: number) => {
      const backend = backends[next++ % backends.length]!;
      const upstream = net.connect(backend.port, backend.host);
      let connected = false;
      upstream.once('connect', () => {
        connected = true;
        upstream.on('close', () => client.destroy());
        client.on('close', () => upstream.destroy());
        client.pipe(upstream).pipe(client);
        client.resume();
      });
      upstream.on('error', () => {
        if (!connected && tried + 1 < backends.length && !client.destroyed) attempt(tried + 1);
        else client.destroy();
      });
    };
    attempt(0);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
