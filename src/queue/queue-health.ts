import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { INTAKE_QUEUE } from './queues';

const QUIET_MS = 60_000;

/**
 * Connection errors of the producer queue are expected while Redis is away (intake keeps going
 * on PostgreSQL alone): log at most one a minute instead of letting ioredis print each retry.
 */
@Injectable()
export class QueueConnectionLog implements OnModuleInit {
  private readonly logger = new Logger('Queue');
  private lastLogged = 0;

  constructor(@InjectQueue(INTAKE_QUEUE) private readonly queue: Queue) {}

  onModuleInit(): void {
    this.queue.on('error', (err: Error) => {
      if (Date.now() - this.lastLogged < QUIET_MS) return;
      this.lastLogged = Date.now();
      this.logger.warn({ err: err.message }, 'Redis unreachable: accepted messages wait in PostgreSQL and are queued when it is back');
    });
  }
}
