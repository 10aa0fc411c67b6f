import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { CaseRegistrationService } from './intake/case-registration.service';
import { InboundSweeper } from './intake/inbound-sweeper';
import { IntakeProcessor } from './intake/intake.processor';
import { PullProcessor } from './pull/pull.processor';
import { PullScheduler } from './pull/pull.scheduler';
import { PullService } from './pull/pull.service';
import { ReportGenerator } from './reports/report-generator';
import { ReportProcessor } from './reports/report.processor';
import { ReportScheduler } from './reports/report.scheduler';
import { WorkflowScheduler } from './workflow/workflow.scheduler';

/**
 * The worker role: registers cases from the queue, sweeps up messages whose job was lost, and
 * pulls the retained channels on their schedules, runs the workflow's deadline sweep, and writes
 * the reports (the 月报 by itself on the first working day of each month).
 */
@Module({
  imports: [ScheduleModule.forRoot()],
  providers: [CaseRegistrationService, IntakeProcessor, InboundSweeper, PullService, PullScheduler, PullProcessor, WorkflowScheduler, ReportGenerator, ReportProcessor, ReportScheduler],
})
export class WorkerModule {}
