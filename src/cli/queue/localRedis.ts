// A local redis-server (Debian's package) on a free port with a temp directory, no snapshots; the
// append-only file on when asked (a restart then keeps the data). For the queue tests
// (tests/cli/redisServer.ts) and npm run bench:queue. Missing binary: one error with the install command.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

export const REDIS_SERVER = '/usr/bin/redis-server';

export interface RedisServer {
  readonly port: number;
  readonly dir: string;
  url(db?: number): string;
  stop(): Promise<void>;
  /** Stop and start again on the same port and directory (the data survives with appendonly). */
  restart(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

export async function startRedis(opts: { appendonly?: boolean } = {}): Promise<RedisServer> {
  if (!existsSync(REDIS_SERVER)) throw new Error(`${REDIS_SERVER} is missing: run \`sudo apt-get install -y redis-server\` (npm test does it as root)`);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'gvu-redis-'));
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', opts.appendonly ? 'yes' : 'no'], { stdio: 'ignore' });
    const t0 = Date.now();
    for (;;) {
      const c = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      c.on('error', () => {});
      try {
        await c.connect();
        await c.ping();
        c.disconnect();
        return;
      } catch {
        c.disconnect();
        if (Date.now() - t0 > 10_000) throw new Error(`redis-server on port ${port} did not answer within 10 s`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };
  const stop = async () => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
    });
  };
  await start();
  return {
    port, dir, stop,
    url: (db = 0) => `redis://127.0.0.1:${port}/${db}`,
    restart: async () => {
      await stop();
      await start();
    },
  };
}
