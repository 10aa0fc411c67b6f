import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { AuditModule } from './audit/audit.service';
import { CaseRepository } from './cases/case.repository';
import { ChannelRegistry } from './channels/channel-registry.service';
import { ChannelEntity } from './channels/entities/channel.entity';
import { ChannelSecretsSubscriber } from './channels/channel-secrets.subscriber';
import { Clock } from './common/clock';
import { ConfigModule } from './config/config.module';
import { HubConfig } from './config/env';
import { CryptoModule } from './crypto/crypto.module';
import { dataSourceOptions } from './database/data-source';
import { InboundRepository } from './intake/inbound.repository';
import { InboundWriter } from './intake/inbound-writer.service';
import { MetricsService } from './ops/metrics.service';
import { ImportService } from './imports/import.service';
import { loggerParams } from './ops/logging';
import { CalendarService } from './calendar/calendar.service';
import { DerivedWrites } from './database/derived-writes';
import { Notifier } from './notify/notifier';
import { WorkflowRepository } from './workflow/workflow.repository';
import { WorkflowService } from './workflow/workflow.service';
import { PullRepository } from './pull/pull.repository';
import { INTAKE_QUEUE, PULL_QUEUE, REPORT_QUEUE } from './queue/queues';
import { ReportRepository } from './reports/report.repository';
import { ReportsService } from './reports/reports.service';
import { StatsRepository } from './stats/stats.repository';
import { StatsService } from './stats/stats.service';
import { QueueConnectionLog } from './queue/queue-health';
import { redisOptions } from './queue/redis-connection';

/** What both roles share: configuration, logs, PostgreSQL, the queue, crypto, the registry. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: HubConfig, role: string, clock: Clock): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerParams(config)),
        TypeOrmModule.forRoot(dataSourceOptions(config, `hub-${role}`)),
        TypeOrmModule.forFeature([ChannelEntity]),
        BullModule.registerQueue(
          { name: INTAKE_QUEUE, connection: redisOptions(config.redisUrl, 'producer') },
          { name: PULL_QUEUE, connection: redisOptions(config.redisUrl, 'producer') },
          { name: REPORT_QUEUE, connection: redisOptions(config.redisUrl, 'producer') },
        ),
        CryptoModule,
        AuditModule,
      ],
      providers: [{ provide: Clock, useValue: clock }, ChannelSecretsSubscriber, ChannelRegistry, InboundRepository, InboundWriter, CaseRepository, PullRepository, ImportService, MetricsService, QueueConnectionLog,
        CalendarService, WorkflowRepository, WorkflowService, Notifier, DerivedWrites, StatsRepository, StatsService, ReportRepository, ReportsService],
      exports: [Clock, ChannelRegistry, InboundRepository, InboundWriter, CaseRepository, PullRepository, ImportService, MetricsService,
        CalendarService, WorkflowService, Notifier, StatsService, ReportRepository, ReportsService, BullModule, TypeOrmModule],
    };
  }
}
