import { Controller, Get, Res } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Queue } from 'bullmq';
import { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../auth/decorators';
import { INTAKE_QUEUE } from '../queue/queues';

const PROBE_TIMEOUT_MS = 1500;

async function probe(check: () => Promise<unknown>): Promise<'up' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([check(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), PROBE_TIMEOUT_MS)))]);
    return 'up';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectQueue(INTAKE_QUEUE) private readonly queue: Queue,
  ) {}

  @Public()
  @Get()
  @ApiOperation({ summary: '200 when PostgreSQL and Redis answer, 503 otherwise' })
  async health(@Res({ passthrough: true }) res: Response) {
    const [postgres, redis] = await Promise.all([
      probe(() => this.db.query('SELECT 1')),
      probe(() => this.queue.getJobCounts('waiting')),
    ]);
    const ok = postgres === 'up' && redis === 'up';
    res.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'unavailable', postgres, redis };
  }
}
