import { MigrationInterface, QueryRunner } from 'typeorm';

/** Failed sign-ins in a row, and the time an account is locked until after too many. */
export class LoginLockout1764270000000 implements MigrationInterface {
  name = 'LoginLockout1764270000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE staff_user ADD COLUMN failed_logins integer NOT NULL DEFAULT 0, ADD COLUMN locked_until timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE staff_user DROP COLUMN failed_logins, DROP COLUMN locked_until`);
  }
}
