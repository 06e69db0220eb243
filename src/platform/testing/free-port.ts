// A loopback port nobody listens on right now, for a test that starts a server of its own (a shop
// process, a pooler, a replica) and must tell it the port beforehand.
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
