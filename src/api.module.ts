import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { ChannelAdminController, ImportAdminController } from './admin/channel-admin.controller';
import { ChannelAdminService } from './admin/channel-admin.service';
import { AuthModule } from './auth/auth.module';
import { Open311Controller } from './open311/open311.controller';
import { Open311Service } from './open311/open311.service';
import { CalendarController } from './calendar/calendar.controller';
import { WorkflowController } from './workflow/workflow.controller';
import { CasesController } from './cases/cases.controller';
import { CasesService } from './cases/cases.service';
import { ChannelsController } from './channels/channels.controller';
import { CaseExportRepository } from './exports/case-export.repository';
import { ExportsController } from './exports/exports.controller';
import { ExportsService } from './exports/exports.service';
import { HUB_CONFIG } from './config/config.module';
import { HubConfig } from './config/env';
import { PublicRateLimitGuard } from './http/rate-limit.guard';
import { HubThrottlerStorage } from './http/rate-limit.storage';
import { IntakeController } from './intake/intake.controller';
import { IntakeService } from './intake/intake.service';
import { HealthController } from './ops/health.controller';
import { JobLatencyListener } from './ops/job-latency.listener';
import { MetricsController } from './ops/metrics.controller';
import { PagesController } from './pages/pages.controller';
import { QueryController } from './query/query.controller';
import { QueryService } from './query/query.service';
import { ConsoleController } from './console/console.controller';
import { ConsoleChannelsController } from './console/channels.controller';
import { ConsoleDeskController } from './console/desk.controller';
import { ConsoleReportsController } from './console/reports.controller';
import { PublicListController } from './console/public-list.controller';
import { ReportsController } from './reports/reports.controller';
import { StatsController } from './stats/stats.controller';

/** The HTTP role: intake, pages, citizen lookup, staff reading, operations. */
@Module({
  imports: [
    AuthModule,
    ThrottlerModule.forRootAsync({
      inject: [HUB_CONFIG],
      useFactory: (config: HubConfig) => ({
        throttlers: [{ name: 'default', ttl: 60_000, limit: Math.max(config.rateLimit, 1) }],
        storage: new HubThrottlerStorage(config),
      }),
    }),
  ],
  controllers: [
    ChannelAdminController,
    ImportAdminController,
    CalendarController,
    WorkflowController,
    Open311Controller,
    ChannelsController,
    IntakeController,
    PagesController,
    ConsoleController,
    ConsoleChannelsController,
    ConsoleDeskController,
    ConsoleReportsController,
    PublicListController,
    QueryController,
    CasesController,
    StatsController,
    ReportsController,
    ExportsController,
    HealthController,
    MetricsController,
  ],
  providers: [
    ChannelAdminService,
    IntakeService,
    Open311Service,
    QueryService,
    CasesService,
    ExportsService,
    CaseExportRepository,
    JobLatencyListener,
    { provide: APP_GUARD, useClass: PublicRateLimitGuard },
  ],
})
export class ApiModule {}
