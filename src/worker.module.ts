import { Module } from '@nestjs/common';
import { CaseRegistrationService } from './intake/case-registration.service';
import { InboundSweeper } from './intake/inbound-sweeper';
import { IntakeProcessor } from './intake/intake.processor';

/** The worker role: registers cases from the queue and sweeps up messages whose job was lost. */
@Module({
  providers: [CaseRegistrationService, IntakeProcessor, InboundSweeper],
})
export class WorkerModule {}
