import { HttpException, HttpStatus, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { FieldError } from '../../adapters';
import { admit } from '../channels/domain/admission';
import { ChannelRegistry } from '../channels/channel-registry.service';
import { Clock } from '../common/clock';
import { IntakeOutcome, MetricsService } from '../ops/metrics.service';
import { InboundRepository, StoredInbound } from './inbound.repository';
import { InboundWriter, RawEnvelope, WriteResult } from './inbound-writer.service';
import { checkForward } from './domain/forward-signature';

export interface Submission {
  channelId: string;
  body: unknown;
  idempotencyKey?: string;
  contentType?: string;
  via: 'api' | 'form';
  /** Present when the request carries a portal's signature headers. */
  forward?: { timestamp?: string; signature?: string; rawBody: Buffer };
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
    private readonly writer: InboundWriter,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
  ) {}

  async submit(s: Submission): Promise<{ receipt: Receipt; replayed: boolean }> {
    const channel = await this.loadChannel(s.channelId);
    // Unknown ids are one label, so random paths cannot grow /metrics without bound.
    const label = channel ? s.channelId : 'unknown';
    const outcome = (o: IntakeOutcome) => this.metrics.intake.inc({ channel: label, outcome: o });
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

    const { adapter, config } = this.registry.resolve(decision.channel);
    if (s.forward) {
      await this.checkForward(s, config);
      try {
        return await this.admitted(s, adapter, config, outcome);
      } catch (err) {
        await this.inbound.forgetForward(s.forward.signature!).catch(() => undefined);
        throw err;
      }
    }
    return this.admitted(s, adapter, config, outcome);
  }

  /** A submission the channel table admits (and, for a forward, whose signature was claimed): checked, stored, queued. */
  private async admitted(
    s: Submission,
    adapter: ReturnType<ChannelRegistry['resolve']>['adapter'],
    config: Record<string, unknown>,
    outcome: (o: IntakeOutcome) => void,
  ): Promise<{ receipt: Receipt; replayed: boolean }> {
    if (s.idempotencyKey !== undefined && !/^[\x21-\x7e]{1,128}$/.test(s.idempotencyKey)) {
      outcome('invalid');
      throw new InvalidSubmission([{ field: 'Idempotency-Key', code: 'invalid', message: 'Idempotency-Key must be 1–128 printable ASCII characters' }]);
    }
    if (s.body === undefined) {
      outcome('invalid');
      throw new InvalidSubmission([{ field: 'body', code: 'required', message: 'the body is empty' }]);
    }
    const mapped = adapter.map(s.body, { channelId: s.channelId, config });
    if (!mapped.ok) {
      outcome('invalid');
      throw new InvalidSubmission(mapped.errors);
    }
    // An upstream id is trusted only from a portal's signed forward: from an anonymous client it
    // could claim (or squat) another message's id and be handed that message's receipt.
    const externalId = s.forward ? mapped.message.externalId : undefined;
    const message = { ...mapped.message, externalId };
    const requestHash = createHash('sha256').update(JSON.stringify(message)).digest('hex');

    const stored = await this.store(s, externalId, requestHash);
    if (!stored.created) {
      if (stored.row.requestHash !== requestHash) {
        // The same key with another message: never hand out the first message's query code.
        outcome('invalid');
        throw new HttpException(
          { statusCode: 409, error: 'idempotency_key_reused', message: 'this Idempotency-Key (or externalId) was used for a different message' },
          409,
        );
      }
      outcome('replayed');
      return { receipt: this.receiptOf(stored.row), replayed: true };
    }
    outcome('accepted');
    await this.writer.enqueue(stored.row);
    return { receipt: { ...this.receiptOf(stored.row), queryCode: stored.queryCode }, replayed: false };
  }

  /** A signed forward: the signature must hold and must not have been seen before. */
  private async checkForward(s: Submission, config: Record<string, unknown>): Promise<void> {
    const f = s.forward!;
    const check = checkForward({
      secret: typeof config.forwardSecret === 'string' ? config.forwardSecret : undefined,
      timestamp: f.timestamp,
      signature: f.signature,
      rawBody: f.rawBody,
      nowMs: this.clock.now().getTime(),
      windowSeconds: typeof config.replayWindowSeconds === 'number' ? config.replayWindowSeconds : 300,
    });
    if (check !== 'ok') {
      this.metrics.intake.inc({ channel: s.channelId, outcome: 'forbidden' });
      const why: Record<Exclude<typeof check, 'ok'>, string> = {
        no_secret: 'this channel takes no signed forwards (no forwardSecret configured)',
        malformed: 'X-Hub-Timestamp (Unix seconds) and X-Hub-Signature (sha256=<hex>) are required',
        stale: 'X-Hub-Timestamp is outside the replay window',
        bad_signature: 'the signature does not match',
      };
      throw new HttpException({ statusCode: 401, error: 'forward_signature_invalid', message: why[check] }, 401);
    }
    // Claimed atomically (a unique signature), so the same forward sent to two API processes at
    // once is one message; seen before → a replay. If the message is then refused or cannot be
    // stored, the claim is released (submit), so a portal whose first try met a 503 can send the
    // very same request again.
    let seen: boolean;
    try {
      seen = !(await this.inbound.rememberForward(f.signature!, s.channelId, this.clock.now()));
    } catch (err) {
      throw this.unavailable(s.channelId, err);
    }
    if (seen) {
      this.metrics.intake.inc({ channel: s.channelId, outcome: 'forbidden' });
      throw new HttpException({ statusCode: 409, error: 'forward_replayed', message: 'this signed request was already received' }, 409);
    }
  }

  private async loadChannel(id: string) {
    try {
      return await this.registry.get(id);
    } catch (err) {
      throw this.unavailable('unknown', err);
    }
  }

  private async store(s: Submission, externalId: string | undefined, requestHash: string): Promise<WriteResult> {
    const raw: RawEnvelope = {
      v: 1, via: s.via, signed: !!s.forward || undefined, contentType: s.contentType, body: s.body,
      idempotencyKey: s.idempotencyKey, clientIp: s.clientIp, userAgent: s.userAgent,
    };
    try {
      return await this.writer.write({ channelId: s.channelId, raw, externalId, idempotencyKey: s.idempotencyKey, requestHash });
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

  private receiptOf(row: StoredInbound): Receipt {
    return { receiptNo: row.receiptNo, queryCode: this.writer.openQueryCode(row), status: 'received', channelId: row.channelId };
  }
}
