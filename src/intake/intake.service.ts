import { HttpException, HttpStatus, Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { createHash } from 'node:crypto';
import { findAdapter, FieldError } from '../../adapters';
import { admit } from '../channels/domain/admission';
import { ChannelRegistry } from '../channels/channel-registry.service';
import { Clock, localDate } from '../common/clock';
import { HUB_CONFIG } from '../config/config.module';
import { HubConfig } from '../config/env';
import { PiiCipher } from '../crypto/pii-cipher';
import { IntakeOutcome, MetricsService } from '../ops/metrics.service';
import { INTAKE_JOB, INTAKE_JOB_OPTIONS, INTAKE_QUEUE, IntakeJobData, intakeJobId } from '../queue/queues';
import { InboundRepository, StoredInbound } from './inbound.repository';
import { newQueryCode } from './query-code';

export interface Submission {
  channelId: string;
  body: unknown;
  idempotencyKey?: string;
  contentType?: string;
  via: 'api' | 'form';
  clientIp?: string;
  userAgent?: string;
}

export interface Receipt {
  receiptNo: string;
  queryCode: string;
  status: 'received';
  channelId: string;
}

export class InvalidSubmission extends HttpException {
  constructor(readonly fields: FieldError[]) {
    super({ statusCode: 400, error: 'Bad Request', message: 'the message has invalid fields', fields }, 400);
  }
}

const ENQUEUE_TIMEOUT_MS = 1000;

/**
 * Intake: checks the channel table, validates with the channel's adapter, stores the raw
 * submission durably (the promise behind the 202), then queues its registration as a case.
 */
@Injectable()
export class IntakeService {
  private readonly logger = new Logger(IntakeService.name);

  constructor(
    private readonly registry: ChannelRegistry,
    private readonly inbound: InboundRepository,
    private readonly cipher: PiiCipher,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
    @InjectQueue(INTAKE_QUEUE) private readonly queue: Queue<IntakeJobData>,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  async submit(s: Submission): Promise<{ receipt: Receipt; replayed: boolean }> {
    const outcome = (o: IntakeOutcome) => this.metrics.intake.inc({ channel: s.channelId, outcome: o });
    const channel = await this.loadChannel(s.channelId);
    const decision = admit(s.channelId, channel);
    switch (decision.kind) {
      case 'unknown':
        outcome('unknown');
        throw new NotFoundException(`unknown channel "${s.channelId}"`);
      case 'closed':
        outcome('closed');
        throw new HttpException({ statusCode: 410, error: 'channel_closed', message: decision.message, mailboxUrl: decision.mailboxUrl }, 410);
      case 'excluded':
        outcome('excluded');
        throw new HttpException({ statusCode: 403, error: 'channel_excluded', message: decision.message, referTo: decision.referTo }, 403);
      case 'pulled':
        outcome('pulled');
        throw new HttpException({ statusCode: 409, error: 'channel_pulled', message: decision.message }, 409);
      case 'accept':
        break;
    }

    if (s.idempotencyKey !== undefined && !/^[\x21-\x7e]{1,128}$/.test(s.idempotencyKey)) {
      outcome('invalid');
      throw new InvalidSubmission([{ field: 'Idempotency-Key', code: 'invalid', message: 'Idempotency-Key must be 1–128 printable ASCII characters' }]);
    }
    if (s.body === undefined) {
      outcome('invalid');
      throw new InvalidSubmission([{ field: 'body', code: 'required', message: 'the body is empty' }]);
    }
    const adapter = findAdapter(decision.adapter);
    if (!adapter) throw new Error(`channel ${s.channelId} names adapter "${decision.adapter}", which does not exist`);
    const mapped = adapter.map(s.body, { channelId: s.channelId, config: decision.channel.config });
    if (!mapped.ok) {
      outcome('invalid');
      throw new InvalidSubmission(mapped.errors);
    }
    const { externalId } = mapped.message;
    const requestHash = createHash('sha256').update(JSON.stringify(mapped.message)).digest('hex');

    const stored = await this.store(s, externalId, requestHash);
    if (!stored.created) {
      outcome('replayed');
      if (stored.row.requestHash !== requestHash) {
        this.logger.warn({ channel: s.channelId, receiptNo: stored.row.receiptNo }, 'idempotent replay with a different body: first receipt returned');
      }
      return { receipt: this.receiptOf(stored.row), replayed: true };
    }
    outcome('accepted');
    await this.enqueue(stored.row.id, stored.row.receivedAt);
    return { receipt: { ...this.receiptOf(stored.row), queryCode: stored.queryCode }, replayed: false };
  }

  private async loadChannel(id: string) {
    try {
      return await this.registry.get(id);
    } catch (err) {
      throw this.unavailable(id, err);
    }
  }

  private async store(s: Submission, externalId: string | undefined, requestHash: string) {
    try {
      const prior = await this.inbound.findPrior(s.channelId, s.idempotencyKey, externalId);
      if (prior) return { created: false as const, row: prior };
      const queryCode = newQueryCode();
      const canonical = queryCode.replace(/-/g, '');
      const receivedAt = this.clock.now();
      const raw = { v: 1, via: s.via, contentType: s.contentType, body: s.body, idempotencyKey: s.idempotencyKey, clientIp: s.clientIp, userAgent: s.userAgent };
      const row = await this.inbound.insert({
        channelId: s.channelId,
        externalId,
        idempotencyKey: s.idempotencyKey,
        requestHash,
        rawSealed: this.cipher.seal(JSON.stringify(raw)),
        queryCodeHash: this.cipher.blindIndex('query-code', canonical),
        queryCodeSealed: this.cipher.seal(queryCode),
        receivedAt,
        day: localDate(receivedAt, this.config.timeZone),
      });
      if (row) return { created: true as const, row, queryCode };
      // Lost a race against the same key: answer with the winner's receipt.
      const winner = await this.inbound.findPrior(s.channelId, s.idempotencyKey, externalId);
      if (!winner) throw new Error('insert conflicted but no prior row was found');
      return { created: false as const, row: winner };
    } catch (err) {
      throw this.unavailable(s.channelId, err);
    }
  }

  private unavailable(channelId: string, err: unknown): HttpException {
    if (err instanceof HttpException) return err;
    const outcome: IntakeOutcome = 'unavailable';
    this.metrics.intake.inc({ channel: channelId, outcome });
    this.logger.error({ err: { message: (err as Error).message, code: (err as { code?: string }).code } }, 'store unavailable: message refused');
    return new HttpException(
      { statusCode: 503, error: 'store_unavailable', message: '系统暂时无法保存留言，请稍后再试。The store cannot take messages now; nothing was accepted.' },
      HttpStatus.SERVICE_UNAVAILABLE,
    );
  }

  /** Best effort: a message whose job cannot be queued now is queued by the sweeper later. */
  private async enqueue(inboundId: string, receivedAt: Date): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.queue.add(INTAKE_JOB, { inboundId }, { ...INTAKE_JOB_OPTIONS, jobId: intakeJobId(inboundId, receivedAt) }),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('queue add timed out')), ENQUEUE_TIMEOUT_MS))),
      ]);
    } catch (err) {
      this.metrics.enqueueFailures.inc();
      this.logger.warn({ inboundId, err: (err as Error).message }, 'could not queue the new message now; the sweeper will');
    } finally {
      clearTimeout(timer);
    }
  }

  private receiptOf(row: StoredInbound): Receipt {
    return { receiptNo: row.receiptNo, queryCode: this.cipher.open(row.queryCodeSealed), status: 'received', channelId: row.channelId };
  }
}
