import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const STAFF_ROLES = ['admin', 'staff', 'unit', 'leader'] as const;
/** admin 系统管理员 · staff 市长信箱工作人员 · unit 承办单位 · leader 市领导 */
export type StaffRole = (typeof STAFF_ROLES)[number];

@Entity('staff_user')
export class StaffUserEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column('text') username: string;
  @Column({ type: 'text', name: 'password_hash' }) passwordHash: string;
  @Column('text') role: StaffRole;
  @Column({ type: 'text', nullable: true }) unit: string | null;
  @Column('boolean', { default: false }) disabled: boolean;
  @Column({ type: 'timestamptz', name: 'created_at', default: () => 'now()' }) createdAt: Date;
  @Column({ type: 'timestamptz', name: 'last_login_at', nullable: true }) lastLoginAt: Date | null;
  /** Wrong passwords in a row; reset by a good sign-in. */
  @Column({ type: 'integer', name: 'failed_logins', default: 0 }) failedLogins: number;
  @Column({ type: 'timestamptz', name: 'locked_until', nullable: true }) lockedUntil: Date | null;
  /** Carried by every token; signing out moves it on, so the tokens issued before stop working. */
  @Column({ type: 'integer', name: 'token_generation', default: 0 }) tokenGeneration: number;
}
