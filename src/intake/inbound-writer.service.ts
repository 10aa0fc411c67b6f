import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { Clock, localDate } from '../common/clock';
import { HUB_CONFIG } from '../config/config.module';
import { HubConfig } from '../config/env';
import { PiiCipher } from '../crypto/pii-cipher';
import { MetricsService } from '../ops/metrics.service';
import { INTAKE_JOB, INTAKE_JOB_OPTIONS, INTAKE_QUEUE, IntakeJobData, intakeJobId } from '../queue/queues';
import { InboundRepository, StoredInbound } from './inbound.repository';
import { newQueryCode } from './query-code';

/** The raw submission as stored (sealed): whatever a channel sent, plus how it came. */
export interface RawEnvelope {
  v: 1;
  via: 'api' | 'form' | 'pull' | 'import';
  /** A portal's verified signed forward: its externalId is trusted. */
  signed?: boolean;
  body: unknown;
  contentType?: string;
  idempotencyKey?: string;
  clientIp?: string;
  userAgent?: string;
}

export type WriteResult = { created: true; row: StoredInbound; queryCode: string } | { created: false; row: StoredInbound };

/**
 * Writes inbound rows (the promise behind a 202, or a pulled or imported record) and queues their
 * registration as cases. Shared by HTTP intake, pulls and imports, so each is stored the same way.
 */
@Injectable()
export class InboundWriter {
  private readonly logger = new Logger(InboundWriter.name);

  constructor(
    private readonly inbound: InboundRepository,
    private readonly cipher: PiiCipher,
    private readonly clock: Clock,
    @InjectQueue(INTAKE_QUEUE) private readonly queue: Queue<IntakeJobData>,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly metrics: MetricsService,
  ) {}

  /** Stores the row unless one with the same idempotency key or external id exists (then returns that). */
  async write(m: { channelId: string; raw: RawEnvelope; externalId?: string; idempotencyKey?: string; requestHash: string }): Promise<WriteResult> {
    const prior = await this.inbound.findPrior(m.channelId, m.idempotencyKey, m.externalId);
    if (prior) return { created: false, row: prior };
    const queryCode = newQueryCode();
    const receivedAt = this.clock.now();
    const row = await this.inbound.insert({
      channelId: m.channelId,
      externalId: m.externalId,
      idempotencyKey: m.idempotencyKey,
      requestHash: m.requestHash,
      rawSealed: this.cipher.seal(JSON.stringify(m.raw)),
      queryCodeHash: this.cipher.blindIndex('query-code', queryCode.replace(/-/g, '')),
      queryCodeSealed: this.cipher.seal(queryCode),
      receivedAt,
      day: localDate(receivedAt, this.config.timeZone),
    });
    if (row) return { created: true, row, queryCode };
    // Lost a race against the same key: the winner's row is the answer.
    const winner = await this.inbound.findPrior(m.channelId, m.idempotencyKey, m.externalId);
    if (!winner) throw new Error('insert conflicted but no prior row was found');
    return { created: false, row: winner };
  }

  /** Best effort: a row whose job cannot be queued now is queued by the sweeper later. */
  async enqueue(row: Pick<StoredInbound, 'id' | 'receivedAt'>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.queue.add(INTAKE_JOB, { inboundId: row.id }, { ...INTAKE_JOB_OPTIONS, jobId: intakeJobId(row.id, row.receivedAt) }),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('queue add timed out')), ENQUEUE_TIMEOUT_MS))),
      ]);
    } catch (err) {
      this.metrics.enqueueFailures.inc();
      this.logger.warn({ inboundId: row.id, err: (err as Error).message }, 'could not queue the new message now; the sweeper will');
    } finally {
      clearTimeout(timer);
    }
  }

  /** Replaces the raw record of a row still waiting to become a case (a pulled record that changed meanwhile). */
  refreshPending(channelId: string, externalId: string, raw: RawEnvelope): Promise<boolean> {
    return this.inbound.replacePendingRaw(channelId, externalId, this.cipher.seal(JSON.stringify(raw)));
  }

  openQueryCode(row: StoredInbound): string {
    return this.cipher.open(row.queryCodeSealed);
  }
}

const ENQUEUE_TIMEOUT_MS = 1000;
