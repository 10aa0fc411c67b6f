import { Logger, OnModuleDestroy } from '@nestjs/common';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import IORedis from 'ioredis';
import { createHash } from 'node:crypto';
import { HubConfig } from '../config/env';
import { redisOptions } from '../queue/redis-connection';

/**
 * One fixed window per client: count the hit, start the window on the first one, block the
 * client for `blockDuration` once it is past the limit. Atomic in Redis, so N API processes
 * share one budget per client (HUB_RATE_LIMIT means per client, not per client per process).
 * Answers [hits, ms left in the window, blocked 0/1, ms left of the block].
 */
const SCRIPT = `
local blockMs = redis.call('PTTL', KEYS[2])
if blockMs > 0 then
  return { tonumber(ARGV[2]) + 1, math.max(redis.call('PTTL', KEYS[1]), 0), 1, blockMs }
end
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
if hits > tonumber(ARGV[2]) then
  if tonumber(ARGV[3]) > 0 then
    -- Blocked for blockDuration; the count starts again afterwards (as the in-memory store does).
    redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
    redis.call('DEL', KEYS[1])
  end
  return { hits, ttl, 1, tonumber(ARGV[3]) }
end
return { hits, ttl, 0, 0 }
`;

const PREFIX = 'hub:ratelimit:';
const QUIET_MS = 60_000;
/** A Redis that does not answer within this is treated as away (a public request must not wait on it). */
const COMMAND_TIMEOUT_MS = 250;
/** After a failure, count in memory for this long before asking Redis again. */
const BACK_OFF_MS = 5_000;

type ThrottleRedis = IORedis & {
  hubThrottle(hitsKey: string, blockKey: string, ttlMs: number, limit: number, blockMs: number): Promise<[number, number, number, number]>;
};

/**
 * Where the public routes' rate limit counts (HUB_RATE_LIMIT_STORE): in Redis, shared by every
 * API process (the default), or in this process's memory. When Redis cannot be reached the
 * count falls back to this process's memory (a limit per process is better than none, and intake
 * must not stop because Redis did): when it is not connected, and for a few seconds after a
 * command failed or took longer than COMMAND_TIMEOUT_MS (a stalled Redis must not stall public
 * requests). A warning at most once a minute says so. Made by ThrottlerModule's factory in
 * ApiModule (so Nest calls onModuleDestroy), and by tests directly.
 */
export class HubThrottlerStorage implements ThrottlerStorage, OnModuleDestroy {
  private readonly logger = new Logger('RateLimit');
  private readonly local = new ThrottlerStorageService();
  private readonly redis?: ThrottleRedis;
  private lastWarned = 0;
  private skipRedisUntil = 0;

  constructor(config: HubConfig) {
    if (config.rateLimit > 0 && config.rateLimitStore === 'redis') {
      const redis = new IORedis({ ...(redisOptions(config.redisUrl, 'producer') as object), commandTimeout: COMMAND_TIMEOUT_MS }) as ThrottleRedis;
      redis.defineCommand('hubThrottle', { numberOfKeys: 2, lua: SCRIPT });
      redis.on('error', (err: Error) => this.warn(err));
      this.redis = redis;
    }
  }

  /** True while the count is kept in Redis (false: in this process's memory). */
  get sharedCount(): boolean {
    return this.redis?.status === 'ready' && Date.now() >= this.skipRedisUntil;
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    if (this.redis && this.sharedCount) {
      try {
        // The key names a client (its address): kept hashed, and only for the window. The hash
        // tag keeps both keys in one slot of a Redis Cluster.
        const id = `${PREFIX}{${createHash('sha256').update(key).digest('base64url').slice(0, 22)}}`;
        const [hits, ttlMs, blocked, blockMs] = await this.redis.hubThrottle(id, `${id}:blocked`, ttl, limit, blockDuration);
        return { totalHits: hits, timeToExpire: Math.ceil(ttlMs / 1000), isBlocked: blocked === 1, timeToBlockExpire: Math.ceil(blockMs / 1000) };
      } catch (err) {
        this.skipRedisUntil = Date.now() + BACK_OFF_MS;
        this.warn(err as Error);
      }
    } else if (this.redis && this.redis.status !== 'ready') {
      this.warn(new Error(`Redis connection ${this.redis.status}`));
    }
    return this.local.increment(key, ttl, limit, blockDuration, throttlerName);
  }

  private warn(err: Error): void {
    if (Date.now() - this.lastWarned < QUIET_MS) return;
    this.lastWarned = Date.now();
    this.logger.warn({ err: err.message }, 'Redis unreachable: the public rate limit counts per process until it is back');
  }

  onModuleDestroy(): void {
    this.local.onApplicationShutdown();
    this.redis?.disconnect();
  }
}
