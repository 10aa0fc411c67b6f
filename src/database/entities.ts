import { AuditLogEntity } from '../audit/audit-log.entity';
import { StaffUserEntity } from '../auth/entities/staff-user.entity';
import { ChannelEntity } from '../channels/entities/channel.entity';

export const ENTITIES = [ChannelEntity, StaffUserEntity, AuditLogEntity];
