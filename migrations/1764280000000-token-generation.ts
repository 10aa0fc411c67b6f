import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signing out takes a user's tokens away: each token carries the account's token generation,
 * and signing out moves it on, so every token issued before stops working.
 */
export class TokenGeneration1764280000000 implements MigrationInterface {
  name = 'TokenGeneration1764280000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE staff_user ADD COLUMN token_generation integer NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE staff_user DROP COLUMN token_generation`);
  }
}
