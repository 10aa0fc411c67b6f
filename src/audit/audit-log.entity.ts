import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Who did something sensitive (sign-in, reveal of personal data, configuration change), when. */
@Entity('audit_log')
export class AuditLogEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ type: 'timestamptz', default: () => 'now()' }) at: Date;
  @Column('text') actor: string;
  @Column('text') action: string;
  @Column({ type: 'text', nullable: true }) target: string | null;
  @Column('jsonb', { default: {} }) detail: Record<string, unknown>;
}
