import { Inject, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { HUB_CONFIG } from '../config/config.module';
import { HubConfig } from '../config/env';
import { Principal } from './decorators';
import { StaffRole, StaffUserEntity } from './entities/staff-user.entity';
import { hashPassword, verifyPassword } from './password';
import { issueToken, verifyToken } from './token';

const ACCOUNT_CACHE_MS = 30_000;

/** After this many wrong passwords in a row an account is locked for LOCK_MS (each further wrong one restarts it). */
export const MAX_FAILED_LOGINS = 5;
const LOCK_MS = 15 * 60_000;

// Verified against when the user does not exist, so a wrong username costs as long as a wrong password.
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    @InjectRepository(StaffUserEntity) private readonly users: Repository<StaffUserEntity>,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** Creates the first administrator from HUB_ADMIN_USERNAME / HUB_ADMIN_PASSWORD if absent. */
  async ensureBootstrapAdmin(): Promise<void> {
    const { adminUsername, adminPassword } = this.config;
    if (!adminUsername || !adminPassword) {
      if ((await this.users.count()) === 0) {
        this.logger.warn('no staff account exists and HUB_ADMIN_USERNAME/HUB_ADMIN_PASSWORD are unset: nobody can sign in');
      }
      return;
    }
    const inserted = await this.users
      .createQueryBuilder()
      .insert()
      .values({ username: adminUsername, passwordHash: await hashPassword(adminPassword), role: 'admin', unit: null })
      .orIgnore()
      .execute();
    if (inserted.identifiers.length > 0 && inserted.identifiers[0]) {
      await this.audit.record('system', 'user.bootstrap', adminUsername, { role: 'admin' });
      this.logger.log(`bootstrap administrator "${adminUsername}" created`);
    }
  }

  async createUser(username: string, password: string, role: StaffRole, unit: string | null): Promise<void> {
    await this.users.insert({ username, passwordHash: await hashPassword(password), role, unit });
  }

  /** Disables an account; its tokens stop working at once in this process, within 30 s elsewhere. */
  async disable(username: string): Promise<void> {
    const user = await this.users.findOne({ where: { username } });
    if (!user) return;
    await this.users.update({ id: user.id }, { disabled: true });
    this.accounts.delete(user.id);
    await this.audit.record('system', 'user.disable', username, {});
  }

  /**
   * Signs in. Five wrong passwords in a row lock the account for 15 minutes (each further wrong
   * password while locked, or right after, extends it); a locked account is refused with the same
   * words as a wrong password, so the answer tells a guesser nothing. Every attempt is audited.
   */
  async login(username: string, password: string): Promise<{ accessToken: string; expiresIn: number; role: StaffRole }> {
    const user = await this.users.findOne({ where: { username } });
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    const now = this.clock.now();
    const locked = !!user?.lockedUntil && user.lockedUntil > now;
    if (!user || !ok || user.disabled || locked) {
      if (user && !ok) {
        const failed = user.failedLogins + 1;
        const lockedUntil = failed >= MAX_FAILED_LOGINS ? new Date(now.getTime() + LOCK_MS) : user.lockedUntil;
        await this.users.update({ id: user.id }, { failedLogins: failed, lockedUntil });
        if (failed === MAX_FAILED_LOGINS) await this.audit.record('system', 'login.locked', user.username, { failedLogins: failed, until: lockedUntil?.toISOString() });
      }
      await this.audit.record(username.slice(0, 64), 'login.failed', null, locked ? { reason: 'locked' } : {});
      throw new UnauthorizedException('wrong username or password');
    }
    // The token's generation is read as the sign-in is recorded (not before the slow password
    // check), so a sign-out meanwhile is not undone by a token issued under the older generation.
    const [[signedIn]]: [{ generation: number }[], number] = await this.users.query(
      `UPDATE staff_user SET last_login_at = $2, failed_logins = 0, locked_until = NULL WHERE id = $1 RETURNING token_generation AS generation`,
      [user.id, now],
    );
    await this.audit.record(user.username, 'login', null, { role: user.role });
    const principal: Principal = { userId: user.id, username: user.username, role: user.role, unit: user.unit, generation: signedIn.generation };
    return {
      accessToken: issueToken(principal, this.config.jwtSecret, this.clock.now().getTime(), this.config.tokenTtlSeconds),
      expiresIn: this.config.tokenTtlSeconds,
      role: user.role,
    };
  }

  /**
   * Signs the user out everywhere: every token issued to the account so far stops working, at once
   * in this process and within 30 s in the others (as a disabled account's).
   */
  async logout(p: Principal): Promise<void> {
    const [rows]: [{ generation: number }[], number] = await this.users.query(
      `UPDATE staff_user SET token_generation = token_generation + 1 WHERE id = $1 RETURNING token_generation AS generation`,
      [p.userId],
    );
    // Cached at once with the new generation: a read of the row that started before the update
    // cannot bring the old one back (see principalOf: a cached generation never goes down).
    const cached = this.accounts.get(p.userId);
    if (cached && rows[0]) this.accounts.set(p.userId, { ...cached, generation: Math.max(cached.generation, rows[0].generation) });
    else this.accounts.delete(p.userId);
    await this.audit.record(p.username, 'logout', null, {});
  }

  private readonly accounts = new Map<string, { at: number; disabled: boolean; role: string; unit: string | null; generation: number } | null>();

  /**
   * The signed-in user of a token, if the token is valid and the account still is what the token
   * says: a disabled account, one whose role or unit changed, or one signed out since the token was
   * issued loses access within 30 s.
   */
  async principalOf(token: string): Promise<Principal | undefined> {
    const p = verifyToken(token, this.config.jwtSecret, this.clock.now().getTime());
    if (!p) return undefined;
    let account = this.accounts.get(p.userId);
    // A token of a newer generation than the cache knows was issued after a sign-out elsewhere:
    // the cache is stale, not the token.
    const stale = account === undefined || (account && (Date.now() - account.at > ACCOUNT_CACHE_MS || (p.generation ?? 0) > account.generation));
    if (stale) {
      const before = account;
      const row = await this.users.findOne({ where: { id: p.userId } });
      account = row
        ? { at: Date.now(), disabled: row.disabled, role: row.role, unit: row.unit, generation: Math.max(row.tokenGeneration, before?.generation ?? 0) }
        : null;
      // A sign-out cached meanwhile (logout above) wins over what this read found.
      const now = this.accounts.get(p.userId);
      if (account && now && now.generation > account.generation) account = { ...account, generation: now.generation };
      this.accounts.set(p.userId, account);
      if (this.accounts.size > 10_000) this.accounts.clear();
    }
    if (!account || account.disabled || account.role !== p.role || account.unit !== p.unit || account.generation !== (p.generation ?? 0)) return undefined;
    return p;
  }
}
