import { Column, Entity, PrimaryColumn } from 'typeorm';

export const DISPOSITIONS = ['closed', 'redirected', 'retained', 'excluded'] as const;
/** `own` is the hub's own intake (the 市长信箱 form); the other four are the plan's attachment. */
export type Disposition = (typeof DISPOSITIONS)[number] | 'own';

export interface ReferTo {
  unit: string;
  channel: string;
  matter: string;
}

/** One row of the channel registry (渠道整合配置). */
@Entity('channel')
export class ChannelEntity {
  @PrimaryColumn('text') id: string;
  @Column('text') unit: string;
  @Column('text') name: string;
  @Column('text') disposition: Disposition;
  @Column({ type: 'date', name: 'effective_from' }) effectiveFrom: string;
  @Column('text') guidance: string;
  @Column({ type: 'jsonb', name: 'refer_to', nullable: true }) referTo: ReferTo | null;
  @Column({ type: 'text', nullable: true }) adapter: string | null;
  @Column('boolean') enabled: boolean;
  @Column('jsonb') config: Record<string, unknown>;
  @Column('integer') position: number;
  @Column('integer') version: number;
  @Column({ type: 'timestamptz', name: 'created_at' }) createdAt: Date;
  @Column({ type: 'timestamptz', name: 'updated_at' }) updatedAt: Date;
}
