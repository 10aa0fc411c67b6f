import { Global, Injectable, Module } from '@nestjs/common';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AuditLogEntity } from './audit-log.entity';

@Injectable()
export class AuditService {
  constructor(@InjectRepository(AuditLogEntity) private readonly repo: Repository<AuditLogEntity>) {}

  /** Records an action. `detail` must not hold personal data: name the field, not its value. */
  async record(actor: string, action: string, target: string | null, detail: Record<string, unknown> = {}): Promise<void> {
    await this.repo.insert({ actor, action, target, detail: detail as never });
  }
}

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([AuditLogEntity])],
  providers: [AuditService],
  exports: [AuditService],
})
export class AuditModule {}
