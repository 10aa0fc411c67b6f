import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { CaseRepository } from '../cases/case.repository';
import { ChannelRegistry } from '../channels/channel-registry.service';
import { Clock, localDate } from '../common/clock';
import { HUB_CONFIG } from '../config/config.module';
import { HubConfig } from '../config/env';
import { PiiCipher } from '../crypto/pii-cipher';
import { InboundRepository } from './inbound.repository';
import { RawEnvelope } from './inbound-writer.service';

/**
 * The worker's half of intake: an inbound row becomes a case. Safe to run twice for the same
 * row (the second run finds the case and changes nothing).
 */
@Injectable()
export class CaseRegistrationService {
  constructor(
    private readonly inbound: InboundRepository,
    private readonly cases: CaseRepository,
    private readonly registry: ChannelRegistry,
    private readonly cipher: PiiCipher,
    private readonly clock: Clock,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  async register(inboundId: string): Promise<{ caseNo: string; created: boolean; receivedAt: Date; duplicateOf?: string }> {
    const row = await this.inbound.forCase(inboundId);
    if (!row) throw new UnrecoverableError(`inbound ${inboundId} does not exist`);
    const channel = await this.registry.get(row.channelId);
    if (!channel) throw new UnrecoverableError(`inbound ${inboundId}: channel ${row.channelId} is not in the registry`);
    let resolved: ReturnType<ChannelRegistry['resolve']>;
    try {
      resolved = this.registry.resolve(channel);
    } catch (err) {
      throw new Error(`inbound ${inboundId}: ${(err as Error).message}`); // retried: an administrator may fix it
    }
    const raw = JSON.parse(this.cipher.open(row.rawSealed)) as RawEnvelope;
    const origin = raw.via === 'pull' ? 'pull' : raw.via === 'import' ? 'import' : 'push';
    const mapped = resolved.adapter.map(raw.body, { channelId: row.channelId, config: resolved.config, origin });
    if (!mapped.ok) {
      const fields = mapped.errors.map((e) => `${e.field}:${e.code}`).join(', ');
      throw new UnrecoverableError(`inbound ${inboundId} no longer maps (${fields})`);
    }
    const m = mapped.message;
    const now = this.clock.now();
    const phoneHash = m.citizen.phone ? this.cipher.blindIndex('phone', m.citizen.phone) : null;
    const result = await this.cases.createFromInbound({
      inboundId,
      receiptNo: row.receiptNo,
      channelId: row.channelId,
      // Upstream ids count only where they are trusted: pulls, imports, signed forwards.
      externalId: raw.via === 'pull' || raw.via === 'import' || raw.signed ? m.externalId : undefined,
      title: m.title,
      content: m.content,
      category: m.category,
      domain: m.domain,
      upstream: m.upstream,
      imported: raw.via === 'import',
      isPublic: m.isPublic,
      nameSealed: this.cipher.sealOptional(m.citizen.name),
      phoneSealed: this.cipher.sealOptional(m.citizen.phone),
      emailSealed: this.cipher.sealOptional(m.citizen.email),
      idNumberSealed: this.cipher.sealOptional(m.citizen.idNumber),
      phoneHash,
      submittedAt: m.submittedAt,
      receivedAt: row.receivedAt,
      createdAt: now,
      day: localDate(now, this.config.timeZone),
    });
    const duplicateOf =
      result.created && result.id
        ? await this.cases.linkDuplicate({ id: result.id, caseNo: result.caseNo, phoneHash, content: m.content, receivedAt: row.receivedAt }, now)
        : undefined;
    return { ...result, receivedAt: row.receivedAt, duplicateOf };
  }
}
