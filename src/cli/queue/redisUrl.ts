// The --queue address: redis://[:PASSWORD@]HOST:PORT/DB (rediss:// for TLS), checked before any
// connection, and a first connection that retries with backoff and, when Redis stays unreachable,
// ends with one clear error naming the address. Nothing is written before that check passes.
import { Redis, type RedisOptions } from 'ioredis';
import { InputError } from '../../core/errors.ts';

export interface RedisAddress {
  readonly url: string; // as given, for messages (without a password)
  readonly options: RedisOptions; // for ioredis
  readonly connection: BullConnection; // the same, for BullMQ
}

/** The fields of an address, as BullMQ's `connection` takes them. */
export interface BullConnection {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username?: string;
  readonly password?: string;
  readonly tls?: object;
  readonly maxRetriesPerRequest: null;
}

export function parseRedisUrl(raw: string): RedisAddress {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new InputError(`--queue must be a Redis address such as redis://127.0.0.1:6379/0, got ${JSON.stringify(raw)}`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new InputError(`--queue must start with redis:// (or rediss://), got ${JSON.stringify(raw)}`);
  if (!u.hostname) throw new InputError(`--queue ${JSON.stringify(raw)} names no host; e.g. redis://127.0.0.1:6379/0`);
  const dbText = u.pathname.replace(/^\//, '') || '0';
  if (!/^\d+$/.test(dbText)) throw new InputError(`--queue ${JSON.stringify(raw)}: the database after the port must be a number, e.g. redis://127.0.0.1:6379/0`);
  const port = u.port ? Number(u.port) : 6379;
  const shown = `${u.protocol}//${u.hostname}:${port}/${dbText}`;
  const connection: BullConnection = {
    host: u.hostname.replace(/^\[|\]$/g, ''), port, db: Number(dbText),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    // BullMQ's blocking commands need this; our own commands wait for a reconnect rather than fail.
    maxRetriesPerRequest: null,
  };
  return { url: shown, options: { ...connection }, connection };
}

/** Backoff between connection tries: 0.25 s, 0.5 s, 1 s, ... capped at 5 s. */
export const backoffMs = (attempt: number): number => Math.min(5000, 250 * 2 ** attempt);

/**
 * A connected client, after up to `tries` attempts with backoff. The error names the address and
 * what the socket said, so a typo in --queue or a stopped server reads as such.
 */
export async function connectRedis(addr: RedisAddress, tries = 5, log: (line: string) => void = (l) => console.warn(l)): Promise<Redis> {
  let last = '';
  const t0 = Date.now();
  for (let attempt = 0; attempt < tries; attempt++) {
    const client = new Redis({ ...addr.options, lazyConnect: true, retryStrategy: () => null, enableOfflineQueue: false, connectTimeout: 5000 });
    let said = '';
    client.on('error', (e: Error) => { said ||= e.message; }); // what the socket said, reported below
    try {
      await client.connect();
      await client.ping();
      client.disconnect();
      // The working client reconnects by itself after a later outage (Redis restarted mid-run).
      const live = new Redis({ ...addr.options, retryStrategy: (n) => backoffMs(n) });
      live.on('error', () => {});
      await live.ping();
      return live;
    } catch (e) {
      client.disconnect();
      last = said || (e as Error).message || String(e);
      if (attempt < tries - 1) {
        log(`Redis at ${addr.url} is unreachable (${last}); retrying in ${(backoffMs(attempt) / 1000).toFixed(1)} s`);
        await new Promise((r) => setTimeout(r, backoffMs(attempt)));
      }
    }
  }
  throw new InputError(`Redis at ${addr.url} is unreachable after ${tries} tries over ${((Date.now() - t0) / 1000).toFixed(0)} s (${last}); start redis-server there or fix --queue`);
}
