// The queue tests' redis-server: a real one (Debian's package) on a free local port in a temp
// directory, never a mock; the helper itself lives beside the queue code for npm run bench:queue.
export { type RedisServer, REDIS_SERVER, freePort, startRedis } from '../../src/cli/queue/localRedis.ts';
