import { ConnectionOptions } from 'bullmq';

/**
 * ioredis options from REDIS_URL. Producers (the API) fail fast when Redis is away, since the
 * inbound row in PostgreSQL is the promise and the sweeper re-enqueues; workers wait for Redis.
 */
export function redisOptions(redisUrl: string, role: 'producer' | 'worker'): ConnectionOptions {
  const u = new URL(redisUrl);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    connectTimeout: 2000,
    retryStrategy: (times: number) => Math.min(200 * times, 2000),
    ...(role === 'producer'
      ? { enableOfflineQueue: false, maxRetriesPerRequest: 1 }
      : { maxRetriesPerRequest: null }),
  };
}
