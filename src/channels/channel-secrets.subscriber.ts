import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntitySubscriberInterface } from 'typeorm';
import { PiiCipher } from '../crypto/pii-cipher';
import { keepUnopened, openChannelSecrets } from './domain/channel-secrets';
import { ChannelEntity } from './entities/channel.entity';

/**
 * Opens the sealed secrets of every channel row TypeORM loads (the registry's snapshot, the admin
 * service), so code above the database only ever sees the configuration in clear. Writes seal
 * explicitly (ChannelRegistry.seedIfEmpty, ChannelAdminService.update).
 */
@Injectable()
export class ChannelSecretsSubscriber implements EntitySubscriberInterface<ChannelEntity> {
  private readonly logger = new Logger('ChannelSecrets');
  private readonly reported = new Set<string>();

  constructor(
    @InjectDataSource() db: DataSource,
    private readonly cipher: PiiCipher,
  ) {
    db.subscribers.push(this);
  }

  listenTo(): typeof ChannelEntity {
    return ChannelEntity;
  }

  afterLoad(entity: ChannelEntity): void {
    if (!entity.config || typeof entity.config !== 'object') return;
    const stored = entity.config;
    const { config, unopened } = openChannelSecrets(stored, this.cipher);
    entity.config = config;
    keepUnopened(entity, stored, unopened);
    const key = `${entity.id}:${unopened.join(',')}`;
    if (unopened.length && !this.reported.has(key)) {
      this.reported.add(key); // once per process, not at every registry refresh
      this.logger.error({ channel: entity.id, fields: unopened }, 'a channel secret is sealed with a key this process does not have (HUB_OLD_DATA_KEYS?): the field is treated as missing');
    }
  }
}
